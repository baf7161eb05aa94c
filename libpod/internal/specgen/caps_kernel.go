package specgen

import (
	"os"
	"strconv"
	"strings"
)

// KernelCaps are the capabilities the running kernel knows (up to
// /proc/sys/kernel/cap_last_cap), every one specgen knows when that is
// unreadable.
func KernelCaps() []string {
	data, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		return append([]string(nil), allCaps...)
	}
	last, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || last < 0 || last >= len(allCaps) {
		return append([]string(nil), allCaps...)
	}
	return append([]string(nil), allCaps[:last+1]...)
}

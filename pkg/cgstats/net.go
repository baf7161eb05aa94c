package cgstats

import (
	"os"
	"strconv"
	"strings"
)

// NetIO sums the bytes received and sent on every interface but loopback
// of the network namespace process pid lives in. It reports ok=false when
// that namespace is the caller's own (a container on the host's network
// has no traffic of its own to report) or when it cannot be read.
func NetIO(pid int) (rx, tx uint64, ok bool) {
	p := "/proc/" + strconv.Itoa(pid)
	mine, err1 := os.Readlink("/proc/self/ns/net")
	theirs, err2 := os.Readlink(p + "/ns/net")
	if err1 != nil || err2 != nil || mine == theirs {
		return 0, 0, false
	}
	b, err := os.ReadFile(p + "/net/dev")
	if err != nil {
		return 0, 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		name, rest, found := strings.Cut(l, ":")
		if !found || strings.TrimSpace(name) == "lo" {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 9 {
			continue
		}
		r, err1 := strconv.ParseUint(f[0], 10, 64)
		t, err2 := strconv.ParseUint(f[8], 10, 64)
		if err1 == nil && err2 == nil {
			rx += r
			tx += t
		}
	}
	return rx, tx, true
}

// Package inheritfd finds the file descriptors a process inherited open
// across exec: fds ≥ 3 without close-on-exec (Go opens all of its own with
// the flag). pod marks them close-on-exec so that no child keeps a caller's
// pipe open (cmd/pod), and the rootless pause process closes them.
package inheritfd

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// List returns the inherited fds ≥ 3.
func List() []int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil
	}
	var fds []int
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || fd < 3 {
			continue
		}
		if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && flags&unix.FD_CLOEXEC == 0 {
			fds = append(fds, fd)
		}
	}
	return fds
}

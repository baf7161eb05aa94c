package inheritfd

import (
	"slices"
	"syscall"
	"testing"
)

func TestListFindsOnlyFdsOpenAcrossExec(t *testing.T) {
	open := func(flags int) int {
		fd, err := syscall.Open("/dev/null", syscall.O_RDONLY|flags, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { syscall.Close(fd) })
		return fd
	}
	kept := open(0)
	closed := open(syscall.O_CLOEXEC)
	fds := List()
	if !slices.Contains(fds, kept) {
		t.Errorf("fd %d without close-on-exec is missing from %v", kept, fds)
	}
	if slices.Contains(fds, closed) {
		t.Errorf("fd %d with close-on-exec is listed: %v", closed, fds)
	}
	for _, fd := range fds {
		if fd < 3 {
			t.Errorf("stdio fd %d listed", fd)
		}
	}
}

package main

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/inheritfd"
)

// inherited are the fds ≥ 3 pod was started with (open across exec), as
// found by closeInheritedOnExec.
var inherited = map[int]bool{}

// closeInheritedOnExec marks every fd ≥ 3 that pod inherited close-on-exec,
// once pod is where it runs (after the rootless re-exec, which must keep
// them). Go hands a child every fd that lacks the flag, and the monitor
// keeps what it inherits for the container's life (conmon does the same, to
// pass --preserve-fds on): a caller's pipe would stay open as long as the
// container (a test harness waiting for its output never ends). The fds a
// user passes on purpose (--preserve-fds) are handed over explicitly.
func closeInheritedOnExec() {
	for _, fd := range inheritfd.List() {
		inherited[fd] = true
		unix.CloseOnExec(fd)
	}
}

// listenFDs are the sockets systemd passed pod (socket activation,
// sd_listen_fds(3)): LISTEN_PID is pod's pid (the rootless re-exec keeps
// it) and fds 3 … 3+LISTEN_FDS-1 came through exec.
func listenFDs() libpod.ListenFDs {
	if pid, err := strconv.Atoi(os.Getenv("LISTEN_PID")); err != nil || pid != os.Getpid() {
		return libpod.ListenFDs{}
	}
	n, err := strconv.Atoi(os.Getenv("LISTEN_FDS"))
	if err != nil || n <= 0 || checkInherited(uint(n)) != nil {
		return libpod.ListenFDs{}
	}
	return libpod.ListenFDs{N: n, Names: os.Getenv("LISTEN_FDNAMES")}
}

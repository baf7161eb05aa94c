package pidwatch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// pollEvery bounds one poll of a pidfd, so that Running is checked again
// (and the fallback without pidfds polls /proc at pollFallback).
const (
	pollEvery    = 50 * time.Millisecond
	pollFallback = 10 * time.Millisecond
)

// pidfdOpen is unix.PidfdOpen; tests take the pidfds away.
var pidfdOpen = unix.PidfdOpen

// StartTime returns the start time of the process that holds pid, a
// zombie's included (see the package doc); an error when no process has
// pid.
func StartTime(pid int) (uint64, error) {
	_, start, err := stat(pid)
	return start, err
}

// Running reports whether pid runs, a zombie counting as exited, and, when
// start is not 0, is still the process that started at start.
func Running(pid int, start uint64) bool {
	state, s, err := stat(pid)
	return err == nil && state != 'Z' && state != 'X' && (start == 0 || s == start)
}

// WaitExit waits until pid (with start time start, 0: any) no longer runs
// (Running), or ctx ends: then it returns ctx's error. It polls a pidfd,
// which becomes readable when the process exits whoever its parent is, and
// /proc where the kernel has no pidfds.
func WaitExit(ctx context.Context, pid int, start uint64) error {
	if !Running(pid, start) {
		return nil
	}
	fd, err := pidfdOpen(pid, 0)
	if err != nil {
		fd = -1
	} else {
		defer func() { unix.Close(fd) }()
	}
	// Checked again with the pidfd open: the pid cannot be reused from now
	// on, and the first check may have seen another process.
	for Running(pid, start) {
		if err := ctx.Err(); err != nil {
			return err
		}
		wait := pollEvery
		if dl, ok := ctx.Deadline(); ok {
			wait = max(min(wait, time.Until(dl)), time.Millisecond)
		}
		if fd < 0 {
			select {
			case <-ctx.Done():
			case <-time.After(min(wait, pollFallback)):
			}
			continue
		}
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, int(wait.Milliseconds()))
		if n > 0 {
			return nil
		}
		if err != nil && !errors.Is(err, unix.EINTR) {
			unix.Close(fd)
			fd = -1
		}
	}
	return nil
}

// Kill sends sig to pid if it still runs (Running) as the process with
// start time start (0: any), through a pidfd so that the pid cannot be
// reused between the check and the signal.
func Kill(pid int, start uint64, sig unix.Signal) error {
	if !Running(pid, start) {
		return nil
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return unix.Kill(pid, sig)
	}
	defer unix.Close(fd)
	if !Running(pid, start) {
		return nil
	}
	return unix.PidfdSendSignal(fd, sig, nil, 0)
}

// stat returns the state letter and start time of pid.
func stat(pid int) (state byte, start uint64, err error) {
	if pid <= 0 {
		return 0, 0, fmt.Errorf("no process has pid %d", pid)
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, err
	}
	return parseStat(string(data))
}

// parseStat reads fields 3 (state) and 22 (starttime) of /proc/PID/stat;
// the command name (field 2) may contain spaces and parentheses.
func parseStat(s string) (byte, uint64, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return 0, 0, fmt.Errorf("malformed /proc stat %q", s)
	}
	f := strings.Fields(s[i+2:])
	if len(f) < 20 || len(f[0]) != 1 {
		return 0, 0, fmt.Errorf("malformed /proc stat %q", s)
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("malformed /proc stat start time %q", f[19])
	}
	return f[0][0], start, nil
}

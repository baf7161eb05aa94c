// Package proc watches processes that are not our children (shims are
// reparented to init or a subreaper): whether one still runs, when it exits,
// and whether a pid still names the same process (start time), so a recycled
// pid is never mistaken for a live shim. A zombie counts as exited: on hosts
// whose init reaps slowly a dead shim can stay a zombie for seconds.
package proc

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

// stat returns the state letter and start time (clock ticks after boot) of pid.
func stat(pid int) (state byte, start uint64, err error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, err
	}
	return parseStat(string(data))
}

// parseStat reads fields 3 (state) and 22 (starttime) of /proc/<pid>/stat;
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

// StartTime returns pid's start time, 0 when it does not exist or is dead.
func StartTime(pid int) uint64 {
	if pid <= 0 {
		return 0
	}
	st, start, err := stat(pid)
	if err != nil || st == 'Z' || st == 'X' {
		return 0
	}
	return start
}

// Alive reports whether pid runs and, when start is not 0, is still the
// process that had that start time.
func Alive(pid int, start uint64) bool {
	s := StartTime(pid)
	return s != 0 && (start == 0 || s == start)
}

// WaitExit waits until pid (with start time start, 0 = any) has exited or
// ctx ends. It polls a pidfd when the kernel has them, /proc otherwise.
func WaitExit(ctx context.Context, pid int, start uint64) error {
	if !Alive(pid, start) {
		return nil
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err == nil {
		defer unix.Close(fd)
		// The pid could have been recycled between Alive and PidfdOpen.
		if !Alive(pid, start) {
			return nil
		}
		for {
			fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			n, err := unix.Poll(fds, 50)
			if n > 0 {
				return nil
			}
			if err != nil && !errors.Is(err, unix.EINTR) {
				break
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	for Alive(pid, start) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

// Kill sends sig to pid if it is still the process with start time start.
func Kill(pid int, start uint64, sig unix.Signal) error {
	if !Alive(pid, start) {
		return nil
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return unix.Kill(pid, sig)
	}
	defer unix.Close(fd)
	if !Alive(pid, start) {
		return nil
	}
	return unix.PidfdSendSignal(fd, sig, nil, 0)
}

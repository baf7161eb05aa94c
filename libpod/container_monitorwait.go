package libpod

import (
	"context"
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// monitorExitWait bounds how long stop and rm wait for the monitors of the
// containers they ended.
const monitorExitWait = 10 * time.Second

// monitorProc is a container's monitor process, by pid and start time.
type monitorProc struct {
	pid   int
	start uint64
}

// monitorProc returns c's monitor as last recorded (it stays recorded after
// the container stopped).
func (c *Container) monitorProc() monitorProc {
	return monitorProc{pid: c.state.Task.MonitorPid, start: c.state.MonitorStart}
}

// awaitMonitors waits, at most monitorExitWait in all, until the monitors
// have exited. A user's stop or rm returns only once the container's monitor
// is gone too (it still runs its exit command when the container has
// ended): a systemd unit whose main process is the monitor (quadlet's
// --sdnotify=conmon, generate systemd's PIDFile=) then sees it exit before
// ExecStop ends. Otherwise systemd, which cannot wait for a process that is
// not its child, SIGKILLs the still-running monitor with the rest of the
// unit's cgroup (KillMode=mixed) and the unit ends failed, not inactive.
// It is called without any container or pod lock held: the exit command
// takes the container's lock. A monitor whose exit command is this process
// (our parent) is not waited for.
func awaitMonitors(ctx context.Context, ms ...monitorProc) {
	deadline := time.Now().Add(monitorExitWait)
	for _, m := range ms {
		m.wait(ctx, deadline)
	}
}

func (m monitorProc) wait(ctx context.Context, deadline time.Time) {
	if m.pid <= 0 || m.pid == os.Getppid() {
		return
	}
	fd, err := unix.PidfdOpen(m.pid, 0)
	if errors.Is(err, unix.ESRCH) {
		return
	}
	if err == nil {
		defer unix.Close(fd)
	}
	// Checked after the pidfd is open, so the pid cannot be reused between.
	for pidAlive(m.pid, m.start) {
		left := time.Until(deadline)
		if left <= 0 || ctx.Err() != nil {
			return
		}
		left = min(left, 100*time.Millisecond)
		if err != nil {
			time.Sleep(min(left, 10*time.Millisecond))
			continue
		}
		// Readable once the process has exited.
		if n, _ := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, int(left/time.Millisecond)); n > 0 {
			return
		}
	}
}

package libpod

import (
	"context"
	"os"
	"time"

	"github.com/pod-engine/pod/pkg/pidwatch"
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
// have exited (a zombie has). A user's stop or rm returns only once the
// container's monitor is gone too (it still runs its exit command when the
// container has ended): a systemd unit whose main process is the monitor
// (quadlet's --sdnotify=conmon, generate systemd's PIDFile=) then sees it
// exit before ExecStop ends. Otherwise systemd, which cannot wait for a
// process that is not its child, SIGKILLs the still-running monitor with
// the rest of the unit's cgroup (KillMode=mixed) and the unit ends failed,
// not inactive. It is called without any container or pod lock held: the
// exit command takes the container's lock. A monitor whose exit command is
// this process (our parent) is not waited for.
func awaitMonitors(ctx context.Context, ms ...monitorProc) {
	ctx, cancel := context.WithTimeout(ctx, monitorExitWait)
	defer cancel()
	for _, m := range ms {
		if m.pid > 0 && m.pid != os.Getppid() {
			_ = pidwatch.WaitExit(ctx, m.pid, m.start)
		}
	}
}

package libpod

import (
	"os"

	"github.com/pod-engine/pod/pkg/pidwatch"
)

// A container is "stopping" while a pod process waits, unlocked, for it to
// exit. That process is recorded (pid and start time, like the monitor), so
// that when it dies before it is done (SIGKILL, a lost terminal), readers do
// not show the container as stopping forever: the stop is over, and the
// container, still running, is running again.

// setStopper records this process as the one stopping the container.
func (c *Container) setStopper() {
	pid := os.Getpid()
	start, _ := pidwatch.StartTime(pid)
	c.state.StopperPid, c.state.StopperStart = pid, start
}

// dropDeadStopper puts a "stopping" container whose stopper is gone back to
// running (in memory; lockAndSync saves it). It reports whether it did.
func (c *Container) dropDeadStopper() bool {
	if c.state.Status != StatusStopping || pidwatch.Running(c.state.StopperPid, c.state.StopperStart) {
		return false
	}
	c.state.Status = StatusRunning
	c.state.StopperPid, c.state.StopperStart = 0, 0
	return true
}

package libpod

import (
	"context"
	"syscall"

	"github.com/pod-engine/pod/pkg/events"
)

// Kill sends sig to a running (or paused) container's main process. With
// SIGKILL it returns once a running container has exited (at most
// killTimeout), as Podman does.
func (c *Container) Kill(ctx context.Context, sig syscall.Signal) error {
	if err := c.lockAndSync(); err != nil {
		return err
	}
	defer c.unlock()
	if _, err := checkVerb(VerbKill, c.config.ID, c.state.Status, false); err != nil {
		return err
	}
	if err := c.signal(ctx, sig, false); err != nil {
		if c.exited() {
			return nil // it ended while we were signalling it
		}
		return err
	}
	c.event(events.Kill)
	if sig != syscall.SIGKILL && sig != syscall.SIGTERM {
		return nil
	}
	c.state.StoppedByUser = true
	was := c.state.Status
	if sig == syscall.SIGKILL && was == StatusRunning {
		// As Podman: a container killed with SIGKILL has exited when kill
		// returns (its monitor writes the exit file without our lock).
		wctx, cancel := context.WithTimeout(ctx, killTimeout)
		_, _ = c.waitExitFile(wctx)
		cancel()
		c.syncExit()
	}
	if err := c.save(); err != nil {
		return err
	}
	c.noteStopped(was)
	return nil
}

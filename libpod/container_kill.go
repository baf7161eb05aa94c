package libpod

import (
	"context"
	"syscall"

	"github.com/pod-engine/pod/pkg/events"
)

// Kill sends sig to a running (or paused) container's main process.
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
	if sig == syscall.SIGKILL || sig == syscall.SIGTERM {
		c.state.StoppedByUser = true
		return c.save()
	}
	return nil
}

package libpod

import (
	"context"
	"fmt"
	"syscall"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Kill sends sig to a running (or paused) container's main process.
func (c *Container) Kill(ctx context.Context, sig syscall.Signal) error {
	if err := c.lockAndSync(); err != nil {
		return err
	}
	defer c.unlock()
	switch c.state.Status {
	case StatusRunning, StatusPaused, StatusStopping:
	default:
		return fmt.Errorf("can only kill running containers. %s is in state %s: %w", c.config.Name, c.state.Status, errdefs.ErrConflict)
	}
	if err := c.signal(ctx, sig, false); err != nil {
		if c.exited() {
			return nil // it ended while we were signalling it
		}
		return err
	}
	if sig == syscall.SIGKILL || sig == syscall.SIGTERM {
		c.state.StoppedByUser = true
		return c.save()
	}
	return nil
}

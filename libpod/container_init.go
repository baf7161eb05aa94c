package libpod

import (
	"context"
	"fmt"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Init creates the container in its runtime, under its monitor, without
// starting its process: Podman's "initialized" state (pod's StatusCreated).
// `start` then only starts the process. A container that ran before is
// cleaned up and created afresh.
func (c *Container) Init(ctx context.Context) error {
	if err := c.lockAndSync(); err != nil {
		return err
	}
	defer c.unlock()
	switch c.state.Status {
	case StatusConfigured, StatusExited:
	case StatusStopped:
		if err := c.cleanupLocked(ctx); err != nil {
			return err
		}
	default:
		return fmt.Errorf("container %s has already been created in runtime: %w", c.config.ID, errdefs.ErrConflict)
	}
	_, err := c.init(ctx, false, false, nil)
	return err
}

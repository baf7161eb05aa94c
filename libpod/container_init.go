package libpod

import "context"

// Init creates the container in its runtime, under its monitor, without
// starting its process: Podman's "initialized" state (pod's StatusCreated).
// `start` then only starts the process. A container that ran before is
// cleaned up and created afresh.
func (c *Container) Init(ctx context.Context) error {
	if err := c.lockAndSync(); err != nil {
		return err
	}
	defer c.unlock()
	if _, err := checkVerb(VerbInit, c.config.ID, c.state.Status, false); err != nil {
		return err
	}
	if c.state.Status == StatusStopped {
		if err := c.cleanupLocked(ctx); err != nil {
			return err
		}
	}
	_, err := c.init(ctx, false, false, nil)
	return err
}

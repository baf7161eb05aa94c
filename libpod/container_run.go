package libpod

import (
	"context"
	"errors"

	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// Run starts a container attached to the caller's streams, waits for it to
// exit and cleans it up (removing it with --rm). It returns the container's
// exit code. A detach (client.ErrDetached) returns at once and leaves the
// container running.
func (c *Container) Run(ctx context.Context, attach *Attach) (int, error) {
	if err := c.Start(ctx, attach); err != nil {
		if errors.Is(err, client.ErrDetached) {
			return 0, err
		}
		c.releaseForeground() // the monitor need not wait for us
		if c.config.Remove {
			_ = c.Remove(context.WithoutCancel(ctx), RemoveOptions{Force: true})
		}
		return -1, err
	}
	c.rt.debugf("attach ended for container %s", c.config.ID)
	code, err := c.Wait(ctx)
	if err != nil {
		return code, err
	}
	c.rt.debugf("container %s exited with %d", c.config.ID, code)
	if c.restartPolicy().Restarts() {
		return code, nil // the exit command cleans up and applies the policy
	}
	// The monitor's exit command cleans up too; whoever comes first does it.
	// The monitor holds it back while this process holds the foreground
	// lock and skips it once this cleanup is done (foregroundExitDelay).
	cerr := c.Cleanup(context.WithoutCancel(ctx), CleanupOptions{StoppedOnly: true, Remove: c.config.Remove, foreground: true})
	c.releaseForeground()
	c.rt.debugf("cleaned up container %s", c.config.ID)
	if cerr != nil && !errors.Is(cerr, errdefs.ErrNotFound) {
		return code, cerr
	}
	return code, nil
}

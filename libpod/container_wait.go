package libpod

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// Wait blocks until the container has exited and returns its exit code. A
// container that is removed while (or shortly before) it is waited for
// still reports its code.
func (c *Container) Wait(ctx context.Context) (int, error) {
	for {
		switch c.state.Status {
		case StatusStopped, StatusExited:
			return c.state.ExitCode, nil
		case StatusCreated, StatusRunning, StatusPaused, StatusStopping:
			st, err := c.waitExitFile(ctx)
			if err == nil {
				return st.Code, nil
			}
			if errors.Is(err, conmon.ErrMonitorDead) {
				return -1, err
			}
			if ctx.Err() != nil {
				return -1, ctx.Err()
			}
		default:
			select {
			case <-ctx.Done():
				return -1, ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
		if err := c.reload(); err != nil {
			if errors.Is(err, errdefs.ErrNotFound) {
				return c.rt.removedExitCode(c.config.ID, err)
			}
			return -1, err
		}
		c.syncExit()
	}
}

// RemovedExitCode returns the exit code recorded for a container (by full
// ID or name) that was removed in the last few minutes.
func (r *Runtime) RemovedExitCode(ref string) (int, error) {
	return r.removedExitCode(ref, fmt.Errorf("no container with name or ID %q found: %w", ref, errdefs.ErrNoSuchContainer))
}

// removedExitCode returns the recorded exit code of a removed container.
func (r *Runtime) removedExitCode(id string, notFound error) (int, error) {
	db, err := r.state()
	if err != nil {
		return -1, err
	}
	code, ok, err := db.ExitCode(id)
	if err != nil {
		return -1, err
	}
	if !ok {
		return -1, notFound
	}
	return code, nil
}

package libpod

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// ParseWaitConditions parses wait --condition values into the states they
// stand for, with Podman's names: created (pod's configured too, which
// Podman calls created), running, paused, stopping, stopped and exited
// (both: the process ended), removing, unknown (never reached).
func ParseWaitConditions(conds []string) ([]Status, error) {
	var out []Status
	for _, s := range conds {
		switch s {
		case "created":
			out = append(out, StatusConfigured, StatusCreated)
		case "stopped", "exited":
			out = append(out, StatusStopped, StatusExited)
		case "running", "paused", "stopping", "removing":
			out = append(out, Status(s))
		case "unknown":
		default:
			// Podman's words.
			return nil, fmt.Errorf("unknown container state: %s: %w", s, errdefs.ErrInvalidArgument)
		}
	}
	return out, nil
}

// WaitFor blocks until the container's status is one of want, polling every
// interval. It returns the exit code when the container ended (stopped or
// exited in want), otherwise -1, as Podman 4.3 prints it.
func (c *Container) WaitFor(ctx context.Context, want []Status, interval time.Duration) (int, error) {
	if interval <= 0 {
		interval = 250 * time.Millisecond
	}
	for {
		c.syncExit()
		for _, s := range want {
			if c.state.Status != s {
				continue
			}
			if s == StatusStopped || s == StatusExited {
				return c.state.ExitCode, nil
			}
			return -1, nil
		}
		select {
		case <-ctx.Done():
			return -1, ctx.Err()
		case <-time.After(interval):
		}
		if err := c.reload(); err != nil {
			if errors.Is(err, errdefs.ErrNotFound) && slices.Contains(want, StatusExited) {
				return c.rt.removedExitCode(c.config.ID, err)
			}
			return -1, err
		}
	}
}

package libpod

import (
	"context"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// Pause freezes every process of a running container.
func (c *Container) Pause(ctx context.Context) error {
	return c.freeze(ctx, true)
}

// Unpause thaws a paused container.
func (c *Container) Unpause(ctx context.Context) error {
	return c.freeze(ctx, false)
}

func (c *Container) freeze(ctx context.Context, pause bool) error {
	if err := c.lockAndSync(); err != nil {
		return err
	}
	defer c.unlock()
	to, verb := StatusPaused, VerbPause
	if !pause {
		to, verb = StatusRunning, VerbUnpause
	}
	if _, err := checkVerb(verb, c.config.ID, c.state.Status, false); err != nil {
		return err
	}
	if c.config.Spec.Cgroups == "disabled" {
		return fmt.Errorf("container %s has no cgroups (--cgroups=disabled) and cannot be paused: %w", c.config.Name, errdefs.ErrInvalidArgument)
	}
	if !c.hasCgroup() { // an ordinary user's on cgroup v1 (--cgroups=disabled is refused above)
		return fmt.Errorf("can not pause containers on rootless containers with cgroup V1 (container %s has no cgroup to freeze): %w", c.config.Name, errdefs.ErrInvalidArgument)
	}
	t, err := c.task()
	if err != nil {
		return err
	}
	p, ok := t.(ocirt.Pauser)
	if !ok {
		return fmt.Errorf("runtime %q of container %s cannot pause: %w", c.config.Runtime.Name, c.config.Name, errdefs.ErrNotImplemented)
	}
	if pause {
		err = p.Pause(ctx)
	} else {
		err = p.Resume(ctx)
	}
	if err != nil {
		return fmt.Errorf("%s container %s: %w", verb, c.config.Name, err)
	}
	if err := c.setStatus(to); err != nil {
		return err
	}
	if err := c.save(); err != nil {
		return err
	}
	c.event(map[bool]events.Status{true: events.Pause, false: events.Unpause}[pause])
	return nil
}

// cgroupV2 reports whether the host has the unified cgroup hierarchy.
func cgroupV2() bool {
	var st unix.Statfs_t
	return unix.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC
}

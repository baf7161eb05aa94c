package libpod

import (
	"context"
	"encoding/json"
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"go.podman.io/storage/pkg/unshare"
)

// UpdateResources changes the container's cgroup limits (`pod update`):
// edit sets the resource flags (in CreateOptions.Spec) given over the container's create options;
// the result is checked as create checks it, applied to a created, running
// or paused container through its runtime (ocirt.Updater), and recorded in
// the container's configuration so `inspect` shows it and every later
// start keeps it. When the runtime refuses, nothing is recorded. It
// returns the limits applied (nil: none asked).
func (c *Container) UpdateResources(ctx context.Context, edit func(*CreateOptions)) (*specs.LinuxResources, error) {
	if err := c.lockAndSync(); err != nil {
		return nil, err
	}
	defer c.unlock()
	switch c.state.Status {
	case StatusRemoving, StatusStopping:
		return nil, fmt.Errorf("container %s is %s: %w", c.config.Name, c.state.Status, errdefs.ErrConflict)
	}
	o, err := cloneOptions(&c.config.Spec)
	if err != nil {
		return nil, err
	}
	co := &CreateOptions{Spec: *o}
	edit(co)
	o = &co.Spec
	if o.Cgroups == "disabled" {
		return nil, fmt.Errorf("container %s has no cgroups (--cgroups=disabled), so its resources cannot be updated: %w", c.config.Name, errdefs.ErrInvalidArgument)
	}
	h, err := c.rt.hostInfo(c)
	if err != nil {
		return nil, err
	}
	res, warnings, err := specgen.PodResources(o, h)
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		c.rt.warnf("container %s: %s", c.config.Name, w)
	}
	live := c.state.Status == StatusCreated || c.state.Status == StatusRunning || c.state.Status == StatusPaused
	if live && res != nil {
		if unshare.IsRootless() && !cgroupV2() {
			return nil, fmt.Errorf("container %s has no cgroup of its own (rootless on cgroup v1), so its resources cannot be updated: %w", c.config.Name, errdefs.ErrInvalidArgument)
		}
		if err := c.rt.registry.Require(c.config.Runtime, ocirt.CapUpdate); err != nil {
			return nil, fmt.Errorf("container %s: %w", c.config.Name, err)
		}
		t, err := c.task()
		if err != nil {
			return nil, err
		}
		u, ok := t.(ocirt.Updater)
		if !ok {
			return nil, fmt.Errorf("runtime %q of container %s cannot update resources: %w", c.config.Runtime.Name, c.config.Name, errdefs.ErrNotImplemented)
		}
		if err := u.Update(ctx, res); err != nil {
			return nil, fmt.Errorf("updating the resources of container %s: %w", c.config.Name, err)
		}
	}
	c.config.Spec = *o
	return res, c.saveConfig()
}

// cloneOptions is a deep copy of create options (they are stored as JSON).
func cloneOptions(o *specgen.Options) (*specgen.Options, error) {
	data, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	var out specgen.Options
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	// Fields not stored (json:"-") are set per start; carry them anyway.
	out.ShmDir = o.ShmDir
	return &out, nil
}

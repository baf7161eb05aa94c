package libpod

import (
	"context"
	"fmt"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// MountReport is one container whose root filesystem is mounted.
type MountReport struct {
	ID         string
	Names      []string
	Mountpoint string
}

// Mount mounts the container's root filesystem for the user (`pod mount`)
// and returns its path. Mounts are counted by the store: each needs an
// Unmount. A --rootfs container's root filesystem is its directory.
func (c *Container) Mount(_ context.Context) (string, error) {
	if err := c.lockAndSync(); err != nil {
		return "", err
	}
	defer c.unlock()
	if c.state.Status == StatusRemoving {
		return "", fmt.Errorf("container %s is being removed and cannot be mounted: %w", c.config.Name, errdefs.ErrConflict)
	}
	return c.rt.mountStorage(c)
}

// Unmount drops one of the user's mounts of the container's root filesystem
// (all of them with force). The mount the runtime holds while the container
// exists in it (created, running, paused, stopped) stays: cleanup releases
// it. It reports whether a mount was dropped.
func (c *Container) Unmount(_ context.Context, force bool) (bool, error) {
	if err := c.lockAndSync(); err != nil {
		return false, err
	}
	defer c.unlock()
	if !c.config.Storage {
		return false, nil
	}
	store, err := c.rt.images()
	if err != nil {
		return false, err
	}
	m, err := store.ContainerMount(c.config.ID)
	if err != nil {
		return false, err
	}
	keep := 0
	if c.state.Status.HasRuntimeState() {
		keep = 1
	}
	n := m.Count - keep
	if n <= 0 {
		return false, nil
	}
	if !force {
		n = 1
	}
	for range n {
		if err := store.Unmount(c.config.ID, false); err != nil {
			return false, fmt.Errorf("container %s: unmounting its root filesystem: %w", c.config.Name, err)
		}
	}
	return true, nil
}

// MountedContainers lists the containers whose root filesystem is mounted,
// oldest first.
func (r *Runtime) MountedContainers() ([]MountReport, error) {
	cs, err := r.Containers()
	if err != nil {
		return nil, err
	}
	store, err := r.images()
	if err != nil {
		return nil, err
	}
	var out []MountReport
	for _, c := range cs {
		if !c.config.Storage {
			continue
		}
		m, err := store.ContainerMount(c.config.ID)
		if err != nil || m.Count == 0 {
			continue
		}
		out = append(out, MountReport{ID: c.config.ID, Names: []string{c.config.Name}, Mountpoint: m.Path})
	}
	return out, nil
}

// withRootfs mounts the container's root filesystem for the duration of fn
// (a counted mount of its own, so a container that stops meanwhile keeps
// it) and calls fn with its host path. The container is not locked while
// fn runs.
func (c *Container) withRootfs(fn func(root string) error) error {
	root, err := c.Mount(context.Background())
	if err != nil {
		return err
	}
	ferr := fn(root)
	var uerr error
	if c.config.Storage {
		uerr = c.rt.unmountStorage(c, false)
	}
	if ferr != nil {
		return ferr
	}
	return uerr
}

package libpod

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagestore"
)

// What `ps` shows beyond a container's config and state.

// ExternalContainers lists the containers of the shared storage that pod has
// no record of: made by Buildah, Podman, CRI-O or removed from pod's
// database by hand (`ps --external`).
func (r *Runtime) ExternalContainers() ([]imagestore.StorageContainer, error) {
	store, err := r.images()
	if err != nil {
		return nil, err
	}
	all, err := store.Containers()
	if err != nil {
		return nil, err
	}
	db, err := r.state()
	if err != nil {
		return nil, err
	}
	rows, err := db.List()
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(rows))
	for _, row := range rows {
		known[row.ID] = true
	}
	out := all[:0]
	for _, c := range all {
		if !known[c.ID] {
			out = append(out, c)
		}
	}
	return out, nil
}

// Sizes returns the size of the container's writable layer (rw) and of the
// image layers below it (rootFs), as `ps --size` shows them. A container
// without storage (--rootfs) reports the size of its root directory as rw.
func (c *Container) Sizes() (rw, rootFs int64, err error) {
	if !c.config.Storage {
		if c.config.Spec.Rootfs == "" {
			return 0, 0, nil
		}
		return dirSize(c.config.Spec.Rootfs), 0, nil
	}
	store, err := c.rt.images()
	if err != nil {
		return 0, 0, err
	}
	return store.ContainerSizes(c.config.ID)
}

// dirSize adds up the sizes of the regular files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// Namespaces returns the inode numbers of the namespaces of the container's
// process by /proc/PID/ns name (cgroup, ipc, mnt, net, pid, user, uts);
// empty when it does not run.
func (c *Container) Namespaces() map[string]string {
	out := map[string]string{}
	pid := c.state.Task.Pid
	if pid <= 0 || (c.state.Status != StatusRunning && c.state.Status != StatusPaused) {
		return out
	}
	for _, ns := range []string{"cgroup", "ipc", "mnt", "net", "pid", "user", "uts"} {
		link, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, ns))
		if err != nil {
			continue
		}
		// "net:[4026532245]"
		if _, v, ok := strings.Cut(link, "["); ok {
			if v = strings.TrimSuffix(v, "]"); v != "" {
				if _, err := strconv.ParseUint(v, 10, 64); err == nil {
					out[ns] = v
				}
			}
		}
	}
	return out
}

// RemoveExternal removes the storage container named by nameOrID (name,
// full ID or unique ID prefix) that pod has no record of, as `podman rm
// --force` removes Buildah's working containers. ErrNotFound when there
// is none.
func (r *Runtime) RemoveExternal(nameOrID string) error {
	ext, err := r.ExternalContainers()
	if err != nil {
		return err
	}
	var match []string
	for _, c := range ext {
		if c.ID == nameOrID || slices.Contains(c.Names, nameOrID) {
			match = []string{c.ID}
			break
		}
		if len(nameOrID) >= 3 && strings.HasPrefix(c.ID, nameOrID) {
			match = append(match, c.ID)
		}
	}
	switch len(match) {
	case 0:
		return fmt.Errorf("no container with name or ID %q found: %w", nameOrID, errdefs.ErrNotFound)
	case 1:
	default:
		return fmt.Errorf("more than one storage container matches %q: give more of its ID: %w", nameOrID, errdefs.ErrInvalidArgument)
	}
	store, err := r.images()
	if err != nil {
		return err
	}
	return store.DeleteContainer(match[0])
}

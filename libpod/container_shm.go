package libpod

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// A container with a shareable IPC namespace (Podman's default) gets its
// /dev/shm as a tmpfs pod mounts on the host, in the container's run
// directory, and binds in: a container joining that IPC namespace (--ipc
// container:NAME, a pod's members) binds the same tmpfs, so POSIX shared
// memory is shared along with SysV IPC, as in Podman. A mount made inside
// another mount namespace could not be bound. Only runtimes that can join
// another container's namespaces (ocirt.CapPod) get one; runsc keeps its own.

// shmPath is where the container's /dev/shm tmpfs is mounted on the host.
func (c *Container) shmPath() string { return filepath.Join(c.runDir(), "shm") }

// mountShm mounts the container's shareable /dev/shm for this start and
// points o at it; nothing when o already binds another's or the container's
// IPC is not shareable. The container is locked; its state is saved by the
// start.
func (c *Container) mountShm(o *specgen.Options) error {
	d := c.rt.specDefaults()
	if o.ShmDir != "" || !specgen.ShareableShm(o, d) || c.rt.registry.Require(c.config.Runtime, ocirt.CapPod) != nil {
		return nil
	}
	size, err := specgen.ShmSize(o, d)
	if err != nil {
		return fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	dir := c.shmPath()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("container %s: /dev/shm: %w", c.config.Name, err)
	}
	_ = unix.Unmount(dir, unix.MNT_DETACH) // one a killed pod process left
	opts := "mode=1777,size=" + strconv.FormatInt(size, 10)
	if err := unix.Mount("shm", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, opts); err != nil {
		if err == unix.EPERM {
			// Not allowed to mount here (an ordinary user outside pod's user
			// namespace): the container mounts its own, as before.
			c.rt.debugf("container %s: no shareable /dev/shm: %v", c.config.Name, err)
			return nil
		}
		return fmt.Errorf("container %s: mounting its /dev/shm tmpfs at %s: %w", c.config.Name, dir, err)
	}
	c.state.ShmMounted = true
	o.ShmDir = dir
	return nil
}

// unmountShm unmounts the container's /dev/shm tmpfs, if it has one;
// always tries when removing (a pod process killed before it saved the
// state leaves the mount unrecorded).
func (c *Container) unmountShm(removing bool) {
	if !c.state.ShmMounted && !removing {
		return
	}
	if err := unix.Unmount(c.shmPath(), unix.MNT_DETACH); err != nil && err != unix.EINVAL && err != unix.ENOENT {
		c.rt.warnf("container %s: unmounting %s: %v", c.config.Name, c.shmPath(), err)
	}
	c.state.ShmMounted = false
}

// sharedShm is the /dev/shm tmpfs of the container whose IPC namespace c
// joins ("" when that one keeps its /dev/shm to itself: c gets its own, and
// a warning says so).
func (c *Container) sharedShm(other *Container) string {
	if !other.state.ShmMounted {
		c.rt.warnf("container %s: container %s's /dev/shm cannot be shared (its --ipc is not shareable, or its runtime cannot be joined): %s gets its own", c.config.Name, other.config.Name, c.config.Name)
		return ""
	}
	return other.shmPath()
}

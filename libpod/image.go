package libpod

import (
	"fmt"

	units "github.com/docker/go-units"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// resolveImage finds (pulling per o.Pull) the image of a new container and
// records it in cfg. Replaced when the image store lands.
func (r *Runtime) resolveImage(cfg *ContainerConfig, o *CreateOptions) error {
	return fmt.Errorf("image %q: images are not supported by this build yet; use --rootfs PATH: %w", o.Image, errdefs.ErrNotImplemented)
}

func (r *Runtime) createStorage(c *Container) error { return nil }
func (r *Runtime) deleteStorage(c *Container)       {}

// mountStorage mounts the container's root filesystem and returns its path.
func (r *Runtime) mountStorage(c *Container) (string, error) {
	if c.config.Spec.Rootfs != "" {
		return c.config.Spec.Rootfs, nil
	}
	return "", fmt.Errorf("container %s: no root filesystem: %w", c.config.Name, errdefs.ErrNotImplemented)
}

func (r *Runtime) unmountStorage(c *Container, force bool) error { return nil }

func parseSize(s string) (int64, error) { return units.RAMInBytes(s) }

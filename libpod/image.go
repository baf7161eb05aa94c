package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"

	units "github.com/docker/go-units"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/idmap"
	"github.com/pod-engine/pod/pkg/imagehelper"
	"github.com/pod-engine/pod/pkg/imagestore"
)

// images opens the image store on first use.
func (r *Runtime) images() (*imagestore.Store, error) {
	r.storeOnce.Do(func() {
		o := imagestore.Options{GraphRoot: r.paths.GraphRoot, RunRoot: r.paths.RunRoot, Driver: r.opts.StorageDriver}
		if len(r.opts.StorageOpts) > 0 {
			o.DriverOpts = r.opts.StorageOpts
		}
		r.store, r.storeErr = imagestore.Open(o)
	})
	return r.store, r.storeErr
}

// resolveImage finds the image of a new container, pulling it per the pull
// policy, and records its ID, name and config.
func (r *Runtime) resolveImage(ctx context.Context, cfg *ContainerConfig, o *CreateOptions) error {
	store, err := r.images()
	if err != nil {
		return err
	}
	policy := o.Pull
	if policy == "" {
		policy = "missing"
	}
	img, err := store.LookupImage(o.Image)
	switch {
	case err == nil && (policy == "missing" || policy == "never"):
	case err != nil && !errors.Is(err, errdefs.ErrNotFound):
		return err
	case err != nil && policy == "never":
		return fmt.Errorf("%s: image not known, and --pull=never forbids pulling it: %w", o.Image, errdefs.ErrNoSuchImage)
	default:
		id, perr := imagehelper.Pull(ctx, o.Image, imagehelper.PullOptions{
			PodBinary: r.exe,
			Global:    r.helperFlags(),
			Policy:    policy,
			Quiet:     o.PullQuiet,
			Extra:     o.PlatformPullFlags(),
		})
		if perr != nil {
			return perr
		}
		if img, err = store.LookupImage(id); err != nil {
			return err
		}
	}
	cfg.ImageID = img.ID
	cfg.ImageDigest = img.Digest
	cfg.ImageName = img.ResolvedName
	if cfg.ImageName == "" && len(img.Names) > 0 {
		cfg.ImageName = img.Names[0]
	}
	cfg.ImageConfig = imageSpec(img.Config)
	cfg.Healthcheck = img.Config.Healthcheck // the flags may override it (applyPolicies)
	cfg.Storage = true
	return nil
}

// imageSpec is what the spec generator takes from an image config.
func imageSpec(ic imagestore.Config) specgen.Image {
	return specgen.Image{Entrypoint: ic.Entrypoint, Cmd: ic.Cmd, Env: ic.Env, WorkingDir: ic.WorkingDir,
		User: ic.User, StopSignal: ic.StopSignal, Labels: ic.Labels, Volumes: ic.Volumes, ExposedPorts: ic.ExposedPorts}
}

// createStorage creates the container's writable layer on its image.
func (r *Runtime) createStorage(c *Container) error {
	store, err := r.images()
	if err != nil {
		return err
	}
	auto, err := autoUserNS(&c.config.Spec)
	if err != nil {
		return err
	}
	uids, gids := storageIDMaps(c.config.Spec.IDMappings)
	uids, gids, err = store.CreateContainer(imagestore.ContainerOptions{ID: c.config.ID, Name: c.config.Name,
		ImageID: c.config.ImageID, ImageName: c.config.ImageName, Volatile: c.config.Remove, UIDMap: uids, GIDMap: gids,
		AutoUserNS: auto})
	if err != nil {
		if auto != nil {
			return fmt.Errorf("container %s: creating its storage with --userns %s: %w (as root, --userns auto takes ids from the \"containers\" user's ranges in /etc/subuid and /etc/subgid)",
				c.config.Name, c.config.Spec.UserNS, err)
		}
		return fmt.Errorf("container %s: creating its storage: %w", c.config.Name, err)
	}
	if auto != nil {
		// storage picked the range (and records it with the layer): the spec uses it
		c.config.Spec.IDMappings = &specgen.IDMappings{UIDs: idmap.FromStorage(uids), GIDs: idmap.FromStorage(gids)}
		if err := c.saveConfig(); err != nil {
			r.deleteStorage(c)
			return fmt.Errorf("container %s: recording its --userns auto range: %w", c.config.Name, err)
		}
	}
	return nil
}

// deleteStorage removes the container's writable layer (idempotent).
func (r *Runtime) deleteStorage(c *Container) {
	store, err := r.images()
	if err == nil {
		err = store.DeleteContainer(c.config.ID)
	}
	if err != nil {
		r.warnf("container %s: removing its storage: %v", c.config.Name, err)
	}
}

// mountStorage mounts the container's root filesystem and returns its path.
func (r *Runtime) mountStorage(c *Container) (string, error) {
	if !c.config.Storage {
		if _, err := os.Stat(c.config.Spec.Rootfs); err != nil {
			return "", fmt.Errorf("container %s: its --rootfs %s: %w", c.config.Name, c.config.Spec.Rootfs, errdefs.ErrNotFound)
		}
		if c.config.Spec.RootfsOverlay {
			return c.mountRootfsOverlay()
		}
		return c.config.Spec.Rootfs, nil
	}
	store, err := r.images()
	if err != nil {
		return "", err
	}
	p, err := store.Mount(c.config.ID, "")
	if err != nil {
		return "", fmt.Errorf("container %s: mounting its root filesystem: %w", c.config.Name, err)
	}
	if m := c.config.Spec.IDMappings; m != nil {
		if uid, gid, ok := idmap.RootIDs(m.UIDs, m.GIDs); ok {
			if err := idmap.MakeAccessible(p, uid, gid); err != nil {
				_ = store.Unmount(c.config.ID, false)
				return "", fmt.Errorf("container %s: %w", c.config.Name, err)
			}
		}
	}
	return p, nil
}

// unmountStorage unmounts the container's root filesystem (no-op for --rootfs).
func (r *Runtime) unmountStorage(c *Container, force bool) error {
	if !c.config.Storage {
		return c.unmountRootfsOverlay()
	}
	store, err := r.images()
	if err != nil {
		return err
	}
	return store.Unmount(c.config.ID, force)
}

func parseSize(s string) (int64, error) { return units.RAMInBytes(s) }

// ImageExists tells whether an image of that name or ID is in the store
// (kube play --build builds only a missing image unless asked).
func (r *Runtime) ImageExists(name string) (bool, error) {
	store, err := r.images()
	if err != nil {
		return false, err
	}
	_, err = store.LookupImage(name)
	if errors.Is(err, errdefs.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

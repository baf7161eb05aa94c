package libpod

import (
	"errors"
	"fmt"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagestore"
)

// Change is one path that differs: Kind "A" (added), "C" (changed) or "D"
// (deleted), as `podman diff` prints them.
type Change = imagestore.Change

// Diff lists the changes of a container's root filesystem against its image
// or of an image against its parent layer. With other set, the changes of
// nameOrID are listed against other (a container or an image) instead.
func (r *Runtime) Diff(nameOrID, other string) ([]Change, error) {
	store, err := r.images()
	if err != nil {
		return nil, err
	}
	to, err := r.diffLayer(store, nameOrID)
	if err != nil {
		return nil, err
	}
	from := ""
	if other != "" {
		if from, err = r.diffLayer(store, other); err != nil {
			return nil, err
		}
	}
	changes, err := store.Changes(from, to)
	if err != nil {
		return nil, err
	}
	out := changes[:0]
	for _, ch := range changes {
		if !initInodes[ch.Path] {
			out = append(out, ch)
		}
	}
	return out, nil
}

// initInodes are the paths the engine and the runtime create in every
// container as mount points (pod's managed /etc files, /run for
// .containerenv and secrets, the kernel filesystems): not the container's
// own changes, so diff leaves them out, as Podman does.
var initInodes = map[string]bool{
	"/dev": true, "/proc": true, "/sys": true, "/run": true, "/etc/mtab": true,
	"/etc/hostname": true, "/etc/hosts": true, "/etc/resolv.conf": true,
	"/run/notify": true, "/run/.containerenv": true, "/run/secrets": true,
}

// diffLayer finds the layer of a container (its writable layer) or else of
// an image (its top layer).
func (r *Runtime) diffLayer(store *imagestore.Store, nameOrID string) (string, error) {
	c, err := r.LookupContainer(nameOrID)
	switch {
	case err == nil && !c.config.Storage:
		return "", fmt.Errorf("container %s runs on --rootfs %s and has no layer to compare: %w", c.config.Name, c.config.Spec.Rootfs, errdefs.ErrInvalidArgument)
	case err == nil:
		return store.ContainerLayer(c.config.ID)
	case !errors.Is(err, errdefs.ErrNotFound):
		return "", err
	}
	img, err := store.LookupImage(nameOrID)
	if err != nil {
		if errors.Is(err, errdefs.ErrNotFound) {
			return "", errdefs.WithClass(fmt.Errorf("%s not found: layer not known", nameOrID), errdefs.ErrNotFound)
		}
		return "", err
	}
	return img.TopLayer, nil
}

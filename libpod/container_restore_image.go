package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/pod-engine/pod/pkg/checkpoint"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// RestoreNamesImages applies Podman's rule for `restore NAME...`: the names
// are checkpoint images when none of them is a container and at least one
// is an image. An image that is not a checkpoint image is refused (Podman's
// "image is not a checkpoint: ID").
func (r *Runtime) RestoreNamesImages(names []string) (bool, error) {
	for _, n := range names {
		if _, err := r.LookupContainer(n); err == nil {
			return false, nil
		}
	}
	store, err := r.images()
	if err != nil {
		return false, err
	}
	found := false
	for _, n := range names {
		img, err := store.LookupImage(n)
		if errors.Is(err, errdefs.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if err := checkpoint.NotCheckpointImage(img.Annotations, img.ID); err != nil {
			return false, err
		}
		found = true
	}
	return found, nil
}

// RestoreImage makes a new container from the checkpoint image name
// (`checkpoint --create-image`), as RestoreImport does from an archive: the
// image's files are copied out of its mounted layer.
func (r *Runtime) RestoreImage(ctx context.Context, name string, o RestoreOptions) (*Container, time.Duration, error) {
	store, err := r.images()
	if err != nil {
		return nil, 0, err
	}
	img, err := store.LookupImage(name)
	if errors.Is(err, errdefs.ErrNotFound) {
		return nil, 0, errdefs.WithClass(fmt.Errorf("no such container or image: %s", name), errdefs.ErrNotFound)
	}
	if err != nil {
		return nil, 0, err
	}
	if err := checkpoint.NotCheckpointImage(img.Annotations, img.ID); err != nil {
		return nil, 0, err
	}
	tmp, err := r.importDir()
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(tmp)
	mnt, err := store.MountImage(img.ID)
	if err != nil {
		return nil, 0, err
	}
	err = checkpoint.Copy(mnt, checkpoint.ImageFiles, tmp)
	if uerr := store.UnmountImage(img.ID); err == nil {
		err = uerr
	}
	if err != nil {
		return nil, 0, fmt.Errorf("unable to import checkpoint from image: %q: %w", name, err)
	}
	c, took, err := r.restoreFrom(ctx, tmp, name, "the image "+name, o)
	if err != nil {
		return nil, 0, fmt.Errorf("unable to import checkpoint from image: %q: %w", name, err)
	}
	return c, took, nil
}

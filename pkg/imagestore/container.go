package imagestore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
	"go.podman.io/storage"
	"go.podman.io/storage/pkg/idtools"
)

// ContainerOptions describe a container's writable layer.
type ContainerOptions struct {
	ID        string // container ID (64 hex, chosen by the caller)
	Name      string // container name; unique among the store's containers
	ImageID   string // full image ID from LookupImage
	ImageName string // what the user asked for / the resolved name, kept in the metadata
	// MountLabel is the SELinux label for the rootfs mount ("" = none).
	MountLabel string
	// Volatile skips fsync for the layer (podman's --rm containers use it).
	Volatile bool
	// UIDMap and GIDMap give the container its own user namespace
	// mappings; storage chowns the layer to them (nil: the store's own).
	UIDMap, GIDMap []idtools.IDMap
	// AutoUserNS asks storage to pick an unused range (--userns auto);
	// CreateContainer returns what it picked.
	AutoUserNS *storage.AutoUserNsOptions
}

// containerMetadata is stored as the storage container's metadata in the
// format Podman's libpod writes (RuntimeContainerMetadata), so Podman,
// Buildah and `podman ps --external` understand containers pod creates.
type containerMetadata struct {
	ImageName     string `json:"image-name"`
	ImageID       string `json:"image-id"`
	ContainerName string `json:"name"`
	CreatedAt     int64  `json:"created-at"`
	MountLabel    string `json:"mountlabel,omitempty"`
}

// validID rejects IDs that could escape the store's directories.
func validID(id string) error {
	if id == "" || strings.ContainsAny(id, "/\\") || id == "." || id == ".." || strings.ContainsRune(id, 0) {
		return fmt.Errorf("container ID %q: %w: must be non-empty and contain no path separators", id, errdefs.ErrInvalidArgument)
	}
	return nil
}

// CreateContainer creates the container's writable layer on top of the
// image and returns the id mappings of the layer (nil: the store's own). A
// name or ID already used by another storage container (pod's, Podman's or
// Buildah's) is errdefs.ErrAlreadyExists.
func (s *Store) CreateContainer(o ContainerOptions) (uids, gids []idtools.IDMap, err error) {
	if err := validID(o.ID); err != nil {
		return nil, nil, err
	}
	if o.ImageID == "" {
		return nil, nil, fmt.Errorf("creating storage for container %s: no image ID: %w", o.ID, errdefs.ErrInvalidArgument)
	}
	md, err := json.Marshal(containerMetadata{
		ImageName: o.ImageName, ImageID: o.ImageID, ContainerName: o.Name,
		CreatedAt: time.Now().Unix(), MountLabel: o.MountLabel,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("encoding storage metadata of container %s: %w", o.ID, err)
	}
	var names []string
	if o.Name != "" {
		names = []string{o.Name}
	}
	opts := &storage.ContainerOptions{Volatile: o.Volatile}
	if o.UIDMap != nil || o.GIDMap != nil {
		opts.IDMappingOptions = storage.IDMappingOptions{UIDMap: o.UIDMap, GIDMap: o.GIDMap}
	}
	if o.AutoUserNS != nil {
		opts.IDMappingOptions = storage.IDMappingOptions{AutoUserNs: true, AutoUserNsOpts: *o.AutoUserNS}
	}
	if o.MountLabel != "" {
		opts.LabelOpts = []string{"mountlabel=" + o.MountLabel}
	}
	c, err := s.store.CreateContainer(o.ID, names, o.ImageID, layerID(o.ID), string(md), opts)
	if err != nil {
		if o.AutoUserNS != nil {
			_ = s.deleteOrphanLayer(o.ID) // storage may have made the layer before refusing the range
		}
		return nil, nil, mapErr(err, fmt.Sprintf("creating storage for container %s (image %s)", o.ID, o.ImageID))
	}
	return c.UIDMap, c.GIDMap, nil
}

// layerID is the ID given to the container's writable layer: derived from
// the container's ID, so that a layer whose container a killed process
// never recorded (storage creates the layer first) is still found, and
// deleted, by DeleteContainer.
func layerID(containerID string) string {
	sum := sha256.Sum256([]byte("pod-container-layer:" + containerID))
	return hex.EncodeToString(sum[:])
}

// Mount mounts the container's root filesystem and returns its path. Mounts
// are counted: every Mount needs an Unmount.
func (s *Store) Mount(id, mountLabel string) (string, error) {
	p, err := s.store.Mount(id, mountLabel)
	if err != nil {
		return "", mapErr(err, "mounting root filesystem of container "+id)
	}
	return p, nil
}

// Unmount drops one mount of the container's root filesystem (all of them
// with force). Unmounting a container that is not mounted, or that no longer
// exists, is not an error.
func (s *Store) Unmount(id string, force bool) error {
	if _, err := s.store.Unmount(id, force); err != nil {
		if errors.Is(err, storage.ErrLayerNotMounted) || errors.Is(err, storage.ErrContainerUnknown) ||
			errors.Is(err, storage.ErrLayerUnknown) {
			return nil
		}
		return mapErr(err, "unmounting root filesystem of container "+id)
	}
	return nil
}

// Mounted reports how many times the container's root filesystem is mounted.
func (s *Store) Mounted(id string) (int, error) {
	c, err := s.store.Container(id)
	if err != nil {
		return 0, mapErr(err, "looking up storage of container "+id)
	}
	n, err := s.store.Mounted(c.LayerID)
	if err != nil {
		return 0, mapErr(err, "checking mounts of container "+id)
	}
	return n, nil
}

// DeleteContainer unmounts and removes the container's layer and its
// directories. Deleting a container that does not exist is not an error.
// Storage's own delete unmounts the layer (every mount of it) under the
// locks it takes anyway: an Unmount before it would take and reload them
// all once more on `run --rm`'s way out.
func (s *Store) DeleteContainer(id string) error {
	if err := validID(id); err != nil {
		return err
	}
	if err := s.store.DeleteContainer(id); err != nil {
		if errors.Is(err, storage.ErrContainerUnknown) || errors.Is(err, storage.ErrNotAContainer) {
			return s.deleteOrphanLayer(id)
		}
		return mapErr(err, "removing storage of container "+id)
	}
	return nil
}

// ContainerDirs returns the container's persistent directory (under the
// graph root) and its runtime directory (under the run root); storage
// removes both with the container.
func (s *Store) ContainerDirs(id string) (staticDir, runDir string, err error) {
	staticDir, err = s.store.ContainerDirectory(id)
	if err != nil {
		return "", "", mapErr(err, "locating directory of container "+id)
	}
	runDir, err = s.store.ContainerRunDirectory(id)
	if err != nil {
		return "", "", mapErr(err, "locating run directory of container "+id)
	}
	return staticDir, runDir, nil
}

// ContainersUsingImage lists the IDs of storage containers based on the image
// (pod's and other engines').
func (s *Store) ContainersUsingImage(imageID string) ([]string, error) {
	cs, err := s.store.Containers()
	if err != nil {
		return nil, mapErr(err, "listing storage containers")
	}
	var ids []string
	for _, c := range cs {
		if c.ImageID == imageID {
			ids = append(ids, c.ID)
		}
	}
	return ids, nil
}

// RenameContainer gives container id the name name in the store, as Podman
// keeps its storage containers named like the containers.
func (s *Store) RenameContainer(id, oldName, newName string) error {
	if err := validID(id); err != nil {
		return err
	}
	if err := s.store.AddNames(id, []string{newName}); err != nil {
		return fmt.Errorf("renaming the storage of container %s to %s: %w", id, newName, err)
	}
	if oldName != "" && oldName != newName {
		if err := s.store.RemoveNames(id, []string{oldName}); err != nil {
			return fmt.Errorf("renaming the storage of container %s: %w", id, err)
		}
	}
	return nil
}

// deleteOrphanLayer deletes the writable layer of container id when storage
// has no such container: a process killed inside CreateContainer, between
// the layer and the container record, left it behind.
func (s *Store) deleteOrphanLayer(id string) error {
	lid := layerID(id)
	if _, err := s.store.Layer(lid); err != nil {
		return nil // none: the usual case
	}
	if err := s.store.DeleteLayer(lid); err != nil && !errors.Is(err, storage.ErrLayerUnknown) {
		return mapErr(err, "removing the orphaned layer of container "+id)
	}
	return nil
}

// MountImage mounts an image read-only (--mount type=image) and returns
// its path. Mounts are counted: every MountImage needs an UnmountImage.
func (s *Store) MountImage(id string) (string, error) {
	p, err := s.store.MountImage(id, nil, "")
	if err != nil {
		return "", mapErr(err, "mounting image "+id)
	}
	return p, nil
}

// UnmountImage drops one mount of the image. An image that is not mounted
// or no longer exists is not an error.
func (s *Store) UnmountImage(id string) error {
	if _, err := s.store.UnmountImage(id, false); err != nil {
		if errors.Is(err, storage.ErrLayerNotMounted) || errors.Is(err, storage.ErrImageUnknown) ||
			errors.Is(err, storage.ErrLayerUnknown) {
			return nil
		}
		return mapErr(err, "unmounting image "+id)
	}
	return nil
}

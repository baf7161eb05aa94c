package imagestore

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	"go.podman.io/storage"
)

// StorageContainer is a container as go.podman.io/storage records it,
// whichever tool (pod, Podman, Buildah, CRI-O) made it.
type StorageContainer struct {
	ID        string
	Names     []string
	ImageID   string
	ImageName string // the image's first name ("" when it has none or is gone)
	Created   time.Time
	Buildah   bool // made by Buildah (its buildah.json is in the container's directory)
}

// buildahStateFile marks a Buildah working container, as buildah.IsContainer checks.
const buildahStateFile = "buildah.json"

// Containers lists every container of the store.
func (s *Store) Containers() ([]StorageContainer, error) {
	cs, err := s.store.Containers()
	if err != nil {
		return nil, mapErr(err, "listing storage containers")
	}
	out := make([]StorageContainer, 0, len(cs))
	for i := range cs {
		c := &cs[i]
		sc := StorageContainer{ID: c.ID, Names: c.Names, ImageID: c.ImageID, Created: c.Created}
		if dir, err := s.store.ContainerDirectory(c.ID); err == nil {
			if _, err := os.Stat(filepath.Join(dir, buildahStateFile)); err == nil {
				sc.Buildah = true
			}
		}
		if c.ImageID != "" {
			if img, err := s.store.Image(c.ImageID); err == nil {
				switch {
				case len(img.NamesHistory) > 0:
					sc.ImageName = img.NamesHistory[0]
				case len(img.Names) > 0:
					sc.ImageName = img.Names[0]
				}
			}
		}
		out = append(out, sc)
	}
	return out, nil
}

// ContainerSizes returns the size of the container's writable layer and
// container directory (rw, as storage's ContainerSize counts it) and the
// size of the image layers below it (rootFs), as Podman's ps --size shows.
func (s *Store) ContainerSizes(id string) (rw, rootFs int64, err error) {
	c, err := s.store.Container(id)
	if err != nil {
		return 0, 0, mapErr(err, "looking up container "+id)
	}
	if rw, err = s.store.ContainerSize(id); err != nil {
		return 0, 0, mapErr(err, "measuring container "+id)
	}
	top, err := s.store.Layer(c.LayerID)
	if err != nil {
		return rw, 0, mapErr(err, "looking up the layer of container "+id)
	}
	for parent := top.Parent; parent != ""; {
		l, err := s.store.Layer(parent)
		if err != nil {
			return rw, rootFs, mapErr(err, "looking up layer "+parent)
		}
		n, err := s.store.DiffSize(l.Parent, l.ID)
		if err != nil && !errors.Is(err, storage.ErrLayerUnknown) {
			return rw, rootFs, mapErr(err, "measuring layer "+l.ID)
		}
		rootFs += n
		parent = l.Parent
	}
	return rw, rootFs, nil
}

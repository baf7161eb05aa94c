package imagestore

import (
	"fmt"
	"sort"

	"go.podman.io/storage/pkg/archive"
)

// MountInfo says where a container's root filesystem is mounted and how
// many mounts are counted on it (0: not mounted, Path empty).
type MountInfo struct {
	Path  string
	Count int
}

// ContainerMount reports the mount of container id's root filesystem without
// mounting it.
func (s *Store) ContainerMount(id string) (MountInfo, error) {
	c, err := s.store.Container(id)
	if err != nil {
		return MountInfo{}, mapErr(err, "looking up storage of container "+id)
	}
	l, err := s.store.Layer(c.LayerID)
	if err != nil {
		return MountInfo{}, mapErr(err, "looking up the layer of container "+id)
	}
	n, err := s.store.Mounted(c.LayerID)
	if err != nil {
		return MountInfo{}, mapErr(err, "checking mounts of container "+id)
	}
	if n == 0 {
		return MountInfo{}, nil
	}
	return MountInfo{Path: l.MountPoint, Count: n}, nil
}

// ChangeKind is what happened to a path between two layers, with Podman's
// letters: "A" added, "C" changed, "D" deleted.
type ChangeKind string

// Change is one path that differs between two layers.
type Change struct {
	Path string
	Kind ChangeKind
}

// ContainerLayer returns the ID of container id's writable layer.
func (s *Store) ContainerLayer(id string) (string, error) {
	c, err := s.store.Container(id)
	if err != nil {
		return "", mapErr(err, "looking up storage of container "+id)
	}
	return c.LayerID, nil
}

// Changes lists what differs in layer to compared with layer from (its
// parent when from is ""), sorted by path as Podman prints them.
func (s *Store) Changes(from, to string) ([]Change, error) {
	cs, err := s.store.Changes(from, to)
	if err != nil {
		return nil, mapErr(err, fmt.Sprintf("comparing layer %s with %q", to, from))
	}
	out := make([]Change, 0, len(cs))
	for _, c := range cs {
		k := ChangeKind("C")
		switch c.Kind {
		case archive.ChangeAdd:
			k = "A"
		case archive.ChangeDelete:
			k = "D"
		}
		out = append(out, Change{Path: c.Path, Kind: k})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// ContainerDriverData is Podman's GraphDriver of container id: the storage
// driver's name and its metadata of the container's layer (overlay:
// LowerDir, UpperDir, WorkDir, and MergedDir only while mounted, as Podman's
// libpod/driver.GetDriverData shows them).
func (s *Store) ContainerDriverData(id string) (string, map[string]string, error) {
	c, err := s.store.Container(id)
	if err != nil {
		return "", nil, mapErr(err, "looking up storage of container "+id)
	}
	d, err := s.store.GraphDriver()
	if err != nil {
		return "", nil, fmt.Errorf("opening the storage driver: %w", err)
	}
	md, err := d.Metadata(c.LayerID)
	if err != nil {
		return "", nil, mapErr(err, "reading the layer metadata of container "+id)
	}
	if n, err := s.store.Mounted(c.LayerID); err != nil || n == 0 {
		delete(md, "MergedDir")
	}
	return d.String(), md, nil
}

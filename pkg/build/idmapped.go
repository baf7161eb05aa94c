package build

import (
	"os"
	"path/filepath"

	"go.podman.io/storage"
	"go.podman.io/storage/pkg/idtools"
	"go.podman.io/storage/types"
)

// ID-mapped working containers (pod build --userns-uid-map, …): storage
// chowns a working container's layers to the maps, RUN runs in a user
// namespace with the same maps, and what the build writes itself (COPY,
// ADD, WORKDIR, cache mounts) is owned by the mapped ids as well, so the
// RUN's root sees it as its own and the commit (storage's Diff maps the
// ids back) stores container ids.

// idMaps are the build's maps; nil when the working containers are not
// ID-mapped.
func (r *run) idMaps() *idtools.IDMappings {
	if len(r.o.UIDMap) == 0 && len(r.o.GIDMap) == 0 {
		return nil
	}
	return idtools.NewIDMappingsFromMaps(r.o.UIDMap, r.o.GIDMap)
}

// containerOptions are the storage options of a working container.
func (r *run) containerOptions() *storage.ContainerOptions {
	if r.idMaps() == nil {
		return nil
	}
	return &storage.ContainerOptions{IDMappingOptions: types.IDMappingOptions{UIDMap: r.o.UIDMap, GIDMap: r.o.GIDMap}}
}

// hostOwner turns a container uid and gid into the ids the files get on
// the host (the same without maps; an unmapped id is left as it is and
// shows as the overflow id inside).
func hostOwner(m *idtools.IDMappings, uid, gid int) (int, int) {
	if m == nil {
		return uid, gid
	}
	if p, err := m.ToHost(idtools.IDPair{UID: uid, GID: gid}); err == nil {
		return p.UID, p.GID
	}
	return uid, gid
}

// mkdirOwned is os.MkdirAll whose new directories belong to the
// container's root under m.
func mkdirOwned(m *idtools.IDMappings, p string, mode os.FileMode) error {
	if m == nil {
		return os.MkdirAll(p, mode)
	}
	var created []string
	for d := filepath.Clean(p); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || d == filepath.Dir(d) {
			break
		}
		created = append(created, d)
	}
	if err := os.MkdirAll(p, mode); err != nil {
		return err
	}
	uid, gid := hostOwner(m, 0, 0)
	for _, d := range created {
		_ = os.Lchown(d, uid, gid)
	}
	return nil
}

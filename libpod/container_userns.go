package libpod

import (
	"fmt"

	"go.podman.io/storage/pkg/idtools"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// resolveUserNS turns --userns into the container's id mappings (stored in
// its config, so that a later change of /etc/subuid does not change a
// created container) and, for keep-id, runs the process as the user's ids
// unless -u says otherwise (as Podman).
func resolveUserNS(s *specgen.Options) error {
	u, err := specgen.ParseUserNS(s.UserNS)
	if err != nil {
		return err
	}
	if u.Mode == "nomap" {
		// The container would lack the namespace's 0, the owner of the
		// user's storage directories (0700): crun cannot reach the rootfs.
		return fmt.Errorf("--userns nomap is not supported yet (the container's ids cannot reach the user's storage); use --userns keep-id: %w", errdefs.ErrNotImplemented)
	}
	ids, err := specgen.RootlessIDs()
	if err != nil {
		return fmt.Errorf("reading the user namespace's id maps: %w", err)
	}
	uids, gids, err := specgen.UserNSMappings(u, ids)
	if err != nil {
		return err
	}
	if uids != nil {
		s.IDMappings = &specgen.IDMappings{UIDs: uids, GIDs: gids}
	}
	if u.Mode == "keep-id" && s.User == "" {
		uid, gid := int64(ids.UID), int64(ids.GID)
		if u.UID >= 0 {
			uid = u.UID
		}
		if u.GID >= 0 {
			gid = u.GID
		}
		s.User = fmt.Sprintf("%d:%d", uid, gid)
	}
	return nil
}

// storageIDMaps converts the container's mappings for go.podman.io/storage,
// which chowns the container's layer to them.
func storageIDMaps(m *specgen.IDMappings) (uids, gids []idtools.IDMap) {
	if m == nil {
		return nil, nil
	}
	for _, x := range m.UIDs {
		uids = append(uids, idtools.IDMap{ContainerID: int(x.ContainerID), HostID: int(x.HostID), Size: int(x.Size)})
	}
	for _, x := range m.GIDs {
		gids = append(gids, idtools.IDMap{ContainerID: int(x.ContainerID), HostID: int(x.HostID), Size: int(x.Size)})
	}
	return uids, gids
}

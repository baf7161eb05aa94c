package libpod

import (
	"fmt"
	"os/user"
	"path/filepath"
	"strconv"

	"go.podman.io/storage/pkg/idtools"
	"go.podman.io/storage/types"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/idmap"
)

// resolveUserNS turns --userns and the mapping flags (--uidmap, --gidmap,
// --subuidname, --subgidname) into the container's id mappings (stored in
// its config, so that a later change of /etc/subuid does not change a
// created container) and, for keep-id, runs the process as the user's ids
// unless -u says otherwise (as Podman). --userns auto's range is chosen by
// storage when the container's layer is created (autoUserNS).
func resolveUserNS(s *specgen.Options) error {
	u, err := specgen.ParseUserNS(s.UserNS)
	if err != nil {
		return err
	}
	flags := idmap.Flags{UIDMap: s.UIDMap, GIDMap: s.GIDMap, SubUIDName: s.SubUIDName, SubGIDName: s.SubGIDName}
	if flags.Given() && s.UserNS != "" {
		return fmt.Errorf("--userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive: %w", errdefs.ErrInvalidArgument)
	}
	ids, err := specgen.RootlessIDs()
	if err != nil {
		return fmt.Errorf("reading the user namespace's id maps: %w", err)
	}
	var ns *idmap.NS
	if ids != nil {
		ns = &idmap.NS{UIDs: ids.NSUIDs, GIDs: ids.NSGIDs}
	}
	if flags.Given() {
		uids, gids, err := idmap.Resolve(flags, ns)
		if err != nil {
			return err
		}
		s.IDMappings = &specgen.IDMappings{UIDs: uids, GIDs: gids}
		return nil
	}
	if u.Mode == "auto" {
		_, err := idmap.ParseAuto(u.Auto, ns) // the extra mappings must lie in the user's namespace
		return err
	}
	if u.Mode == "ns" {
		// The namespace's own maps: the runtimes want them in the spec
		// and storage chowns the container's layer to them.
		uids, gids, err := idmap.OfUserNS(u.Path)
		if err != nil {
			return fmt.Errorf("--userns %q: %w: %w", s.UserNS, err, errdefs.ErrInvalidArgument)
		}
		s.IDMappings = &specgen.IDMappings{UIDs: uids, GIDs: gids}
		return nil
	}
	uids, gids, err := specgen.UserNSMappings(u, ids)
	if err != nil {
		return err
	}
	if uids != nil {
		s.IDMappings = &specgen.IDMappings{UIDs: uids, GIDs: gids}
	}
	if u.Mode == "keep-id" && u.UID < 0 && u.GID < 0 {
		s.KeepIDUser = hostUser(ids.UID, ids.GID)
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

// autoUserNS returns storage's options for --userns auto (nil otherwise).
func autoUserNS(s *specgen.Options) (*types.AutoUserNsOptions, error) {
	u, err := specgen.ParseUserNS(s.UserNS)
	if err != nil || u.Mode != "auto" {
		return nil, err
	}
	o, err := idmap.ParseAuto(u.Auto, nil)
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// storageIDMaps converts the container's mappings for go.podman.io/storage,
// which chowns the container's layer to them.
func storageIDMaps(m *specgen.IDMappings) (uids, gids []idtools.IDMap) {
	if m == nil {
		return nil, nil
	}
	return idmap.ToStorage(m.UIDs), idmap.ToStorage(m.GIDs)
}

// hostUser is the rootless user's passwd facts (its name is its uid when
// the host has no entry).
func hostUser(uid, gid int) *specgen.HostUser {
	h := &specgen.HostUser{Name: strconv.Itoa(uid), UID: uint32(uid), GID: uint32(gid), Home: "/"}
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		h.Name, h.GECOS, h.Home = u.Username, u.Name, filepath.Clean(u.HomeDir)
	}
	return h
}

package libpod

import (
	"fmt"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"go.podman.io/storage/pkg/idtools"
	"go.podman.io/storage/pkg/unshare"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/idmap"
)

// BuildUserNS is the user namespace of a build's RUN steps, as Buildah
// 1.28 reads it (pod build --userns, --userns-uid-map, --userns-gid-map,
// --userns-uid-map-user, --userns-gid-map-group).
type BuildUserNS struct {
	Mode                   string // "" (maps given: container, else host), host, container|private, PATH or ns:PATH
	UIDMap, GIDMap         []string
	SubUIDName, SubGIDName string
}

// ResolveBuildUserNS sets the RUN containers' user namespace in o.Spec
// and returns the id maps of the build's working containers (nil: not
// mapped). With a new user namespace every RUN gets the maps as `pod run
// --uidmap` would, and storage chowns the working container's layers to
// them, so the RUN's root owns the root filesystem and what it writes is
// committed as container ids (storage's Diff maps back). Without maps a new
// namespace gets the identity of pod's own, as Buildah does; the working
// container is then left as it is.
func ResolveBuildUserNS(o *CreateOptions, u BuildUserNS) (uids, gids []idtools.IDMap, err error) {
	s := &o.Spec
	flags := idmap.Flags{UIDMap: u.UIDMap, GIDMap: u.GIDMap, SubUIDName: u.SubUIDName, SubGIDName: u.SubGIDName}
	ids, err := specgen.RootlessIDs()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the user namespace's id maps: %w", err)
	}
	var ns *idmap.NS
	if ids != nil {
		ns = &idmap.NS{UIDs: ids.NSUIDs, GIDs: ids.NSGIDs}
	}
	var mu, mg []specs.LinuxIDMapping
	if flags.Given() {
		if mu, mg, err = idmap.Resolve(flags, ns); err != nil {
			return nil, nil, err
		}
	}
	mode := u.Mode
	if mode == "" && flags.Given() {
		mode = "container"
	}
	switch mode {
	case "", "host":
		if flags.Given() {
			return nil, nil, fmt.Errorf("--userns host: can not specify ID mappings while using host's user namespace: %w", errdefs.ErrInvalidArgument)
		}
		return nil, nil, nil
	case "container", "private":
		if !flags.Given() {
			if mu, mg, err = identity(ns != nil); err != nil {
				return nil, nil, err
			}
		}
		s.UIDMap, s.GIDMap = idTriples(mu), idTriples(mg)
		if isIdentity(mu) && isIdentity(mg) {
			return nil, nil, nil // the files' ids are the same inside: nothing to chown
		}
		return idmap.ToStorage(mu), idmap.ToStorage(mg), nil
	}
	path := strings.TrimPrefix(mode, "ns:")
	if !strings.HasPrefix(path, "/") {
		return nil, nil, fmt.Errorf("--userns %q: want container, host or the path of a user namespace (ns:/proc/PID/ns/user): %w", mode, errdefs.ErrInvalidArgument)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, nil, fmt.Errorf("--userns %q: checking user namespace: %w: %w", mode, err, errdefs.ErrInvalidArgument)
	}
	s.UserNS = "ns:" + path
	// The maps given say how the working container's files are owned
	// for that namespace, as Buildah's; without them the namespace's own
	// maps do, so that its root owns the root filesystem and what RUN
	// writes is committed as container ids.
	if !flags.Given() {
		if mu, mg, err = idmap.OfUserNS(path); err != nil {
			return nil, nil, fmt.Errorf("--userns %q: %w: %w", mode, err, errdefs.ErrInvalidArgument)
		}
	}
	return idmap.ToStorage(mu), idmap.ToStorage(mg), nil
}

// identity maps every id of pod's user namespace to itself. Rootless that
// is one extent per line of pod's own maps: the kernel refuses (EPERM) an
// extent of a child namespace that spans two extents of its parent (the
// user's own id and its subordinate range), as a single 0:0:65537 would.
func identity(rootless bool) (uids, gids []specs.LinuxIDMapping, err error) {
	if !rootless {
		all := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 0, Size: 4294967295}}
		return all, all, nil
	}
	if uids, gids, err = unshare.GetHostIDMappings(""); err != nil {
		return nil, nil, fmt.Errorf("reading the user namespace's id maps: %w", err)
	}
	return sameIDs(uids), sameIDs(gids), nil
}

// sameIDs maps each extent's ids of this namespace to themselves.
func sameIDs(m []specs.LinuxIDMapping) []specs.LinuxIDMapping {
	out := make([]specs.LinuxIDMapping, len(m))
	for i, e := range m {
		out[i] = specs.LinuxIDMapping{ContainerID: e.ContainerID, HostID: e.ContainerID, Size: e.Size}
	}
	return out
}

func isIdentity(m []specs.LinuxIDMapping) bool {
	for _, e := range m {
		if e.ContainerID != e.HostID {
			return false
		}
	}
	return true
}

package specgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/idmap"
)

const flagUserNS = "--userns"

// UserNS is a parsed --userns value.
type UserNS struct {
	Mode string // "" or "host", "keep-id", "nomap", "auto", "ns"
	Path string // ns:PATH
	Auto string // auto:OPTS (size=, uidmapping=, gidmapping=; pkg/idmap parses them)
	// keep-id's uid= and gid= (-1: the user's own).
	UID, GID int64
}

// ParseUserNS parses --userns: host, keep-id[:uid=N,gid=N], nomap,
// auto[:size=N,uidmapping=C:H:S,gidmapping=C:H:S], ns:PATH (Podman 4.3's values).
func ParseUserNS(v string) (UserNS, error) {
	u := UserNS{UID: -1, GID: -1}
	mode, opts, hasOpts := strings.Cut(v, ":")
	switch mode {
	case "", "host", "private":
		if hasOpts {
			return u, flagError(flagUserNS, v, "%s takes no options", mode)
		}
		u.Mode = "host"
		if mode == "private" {
			u.Mode = "auto"
		}
		return u, nil
	case "nomap":
		if hasOpts {
			return u, flagError(flagUserNS, v, "nomap takes no options")
		}
		u.Mode = mode
		return u, nil
	case "auto":
		if hasOpts {
			if _, err := idmap.ParseAuto(opts, nil); err != nil {
				return u, err
			}
		}
		u.Mode, u.Auto = mode, opts
		return u, nil
	case "ns":
		if !strings.HasPrefix(opts, "/") || strings.ContainsRune(opts, 0) {
			return u, flagError(flagUserNS, v, "ns: needs the absolute path of a user namespace, e.g. ns:/proc/PID/ns/user")
		}
		u.Mode, u.Path = "ns", opts
		return u, nil
	case "keep-id":
		u.Mode = "keep-id"
		if !hasOpts {
			return u, nil
		}
		for _, kv := range strings.Split(opts, ",") {
			k, val, ok := strings.Cut(kv, "=")
			n, err := strconv.ParseUint(val, 10, 32)
			if !ok || err != nil || n >= 1<<32-1 {
				return u, flagError(flagUserNS, v, "keep-id options are uid=N and gid=N with N a number")
			}
			switch k {
			case "uid":
				u.UID = int64(n)
			case "gid":
				u.GID = int64(n)
			default:
				return u, flagError(flagUserNS, v, "unknown keep-id option %q: use uid=N or gid=N", k)
			}
		}
		return u, nil
	}
	return u, flagError(flagUserNS, v, "want host, keep-id[:uid=N,gid=N], nomap, auto or ns:PATH")
}

// IDMappings are a container's own user namespace mappings.
type IDMappings struct {
	UIDs []specs.LinuxIDMapping `json:"uids"`
	GIDs []specs.LinuxIDMapping `json:"gids"`
}

// IDs are what a rootless user's namespace holds: the user's own ids on the
// host, and how many ids the namespace maps (1 + the subordinate ranges).
type IDs struct {
	UID, GID       int    // the user's uid and gid on the host
	NSUIDs, NSGIDs uint32 // ids mapped in pod's user namespace (0..n-1)
}

// UserNSMappings returns the container's uid and gid mappings (container
// id → id in pod's namespace) for --userns; nil for host and ns:PATH.
// keep-id and nomap are for rootless users (ids non-nil), as in Podman.
func UserNSMappings(u UserNS, ids *IDs) (uids, gids []specs.LinuxIDMapping, err error) {
	switch u.Mode {
	case "", "host", "ns":
		return nil, nil, nil
	case "auto":
		return nil, nil, nil // storage picks the range when it creates the container's layer
	}
	if ids == nil {
		return nil, nil, flagError(flagUserNS, u.Mode, "%s is only supported in rootless mode (pod run by an ordinary user)", u.Mode)
	}
	if u.Mode == "nomap" {
		if ids.NSUIDs < 2 || ids.NSGIDs < 2 {
			return nil, nil, flagError(flagUserNS, u.Mode, "the user namespace has no subordinate ids to map")
		}
		return []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1, Size: ids.NSUIDs - 1}},
			[]specs.LinuxIDMapping{{ContainerID: 0, HostID: 1, Size: ids.NSGIDs - 1}}, nil
	}
	uid, gid := int64(ids.UID), int64(ids.GID)
	if u.UID >= 0 {
		uid = u.UID
	}
	if u.GID >= 0 {
		gid = u.GID
	}
	if uids, err = keepID(uid, ids.NSUIDs, "uid"); err != nil {
		return nil, nil, err
	}
	if gids, err = keepID(gid, ids.NSGIDs, "gid"); err != nil {
		return nil, nil, err
	}
	return uids, gids, nil
}

// keepID maps container id to the namespace's 0 (the user), the ids below
// it to the subordinate ids 1..id and those above it to id+1..n-1.
func keepID(id int64, n uint32, what string) ([]specs.LinuxIDMapping, error) {
	if id >= int64(n) {
		return nil, flagError(flagUserNS, "keep-id", "the container %s %d is outside the %d ids of the user namespace: widen the /etc/sub%s range", what, id, n, what)
	}
	c := uint32(id)
	var m []specs.LinuxIDMapping
	if c > 0 {
		m = append(m, specs.LinuxIDMapping{ContainerID: 0, HostID: 1, Size: c})
	}
	m = append(m, specs.LinuxIDMapping{ContainerID: c, HostID: 0, Size: 1})
	if c+1 < n {
		m = append(m, specs.LinuxIDMapping{ContainerID: c + 1, HostID: c + 1, Size: n - c - 1})
	}
	return m, nil
}

// String renders u as --userns takes it.
func (u UserNS) String() string {
	switch u.Mode {
	case "ns":
		return "ns:" + u.Path
	case "auto":
		if u.Auto != "" {
			return "auto:" + u.Auto
		}
	case "keep-id":
		var o []string
		if u.UID >= 0 {
			o = append(o, fmt.Sprintf("uid=%d", u.UID))
		}
		if u.GID >= 0 {
			o = append(o, fmt.Sprintf("gid=%d", u.GID))
		}
		if len(o) > 0 {
			return "keep-id:" + strings.Join(o, ",")
		}
	}
	return u.Mode
}

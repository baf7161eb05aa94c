// Package idmap owns Podman's user namespace mapping flags: --uidmap and
// --gidmap (CONTAINER:HOST:SIZE, repeatable), --subuidname and --subgidname,
// and the options of --userns auto (size=, uidmapping=, gidmapping=).
//
// The libraries do the heavy parts: triples are parsed by go.podman.io/storage's
// idtools.ParseIDMap, subordinate ranges are read by idtools.NewIDMappings,
// and --userns auto's ranges are chosen and recorded by storage itself
// (IDMappingOptions.AutoUserNs: under its userns.lock, from the maps of the
// other containers in containers.json, from the "containers" user's
// /etc/subuid range as root or the user's own rootless). What is written
// here are the checks Podman leaves to storage or to the runtime (overlapping
// triples, size 0, container root unmapped, ids beyond a rootless user's
// namespace), so that a refused container leaves nothing behind, with
// Podman's messages where it has one.
package idmap

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"go.podman.io/storage/pkg/idtools"
	"go.podman.io/storage/types"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Flags are the mapping flags as the user gave them.
type Flags struct {
	UIDMap, GIDMap         []string // --uidmap, --gidmap
	SubUIDName, SubGIDName string   // --subuidname, --subgidname
}

// Given reports whether any mapping flag was given.
func (f Flags) Given() bool {
	return len(f.UIDMap) > 0 || len(f.GIDMap) > 0 || f.SubUIDName != "" || f.SubGIDName != ""
}

// NS describes the user namespace the container's host ids live in: nil
// for root (host ids are the host's), else a rootless user's namespace
// whose ids 0..UIDs-1 are the user (0) and its subordinate range.
type NS struct {
	UIDs, GIDs uint32
}

func invalid(format string, a ...any) error {
	return fmt.Errorf(format+": %w", append(a, errdefs.ErrInvalidArgument)...)
}

// ParseMaps parses the values of --uidmap (what "UID") or --gidmap ("GID")
// with storage's parser and checks them (Check).
func ParseMaps(what string, vals []string) ([]specs.LinuxIDMapping, error) {
	parsed, err := idtools.ParseIDMap(vals, what)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument)
	}
	out := make([]specs.LinuxIDMapping, 0, len(parsed))
	for _, m := range parsed {
		out = append(out, specs.LinuxIDMapping{ContainerID: uint32(m.ContainerID), HostID: uint32(m.HostID), Size: uint32(m.Size)})
	}
	return out, Check(what, out)
}

func flagName(what string) string { return "--" + strings.ToLower(what) + "map" }

func triple(m specs.LinuxIDMapping) string {
	return fmt.Sprintf("%d:%d:%d", m.ContainerID, m.HostID, m.Size)
}

// Check refuses what the kernel or storage would: a size of 0, a range
// past 2^32-1, two triples whose container or host ranges overlap (with
// storage's message) and a map that leaves the container's root unmapped.
func Check(what string, maps []specs.LinuxIDMapping) error {
	if len(maps) == 0 {
		return nil
	}
	if err := checkRanges(what, maps); err != nil {
		return err
	}
	if err := overlap(what, maps); err != nil {
		return err
	}
	if !mapsID(maps, 0) {
		return invalid("%s %s: container ID 0 cannot be mapped to a host ID: map the container's root (a triple starting with 0:)", flagName(what), strings.Join(triples(maps), " "))
	}
	return nil
}

// checkRanges refuses a size of 0 and a range past the last id.
func checkRanges(what string, maps []specs.LinuxIDMapping) error {
	for _, m := range maps {
		if m.Size == 0 {
			return invalid("%s %q: size 0 maps no ids: give a size of at least 1", flagName(what), triple(m))
		}
		if uint64(m.ContainerID)+uint64(m.Size) > math.MaxUint32 || uint64(m.HostID)+uint64(m.Size) > math.MaxUint32 {
			return invalid("%s %q: the range goes past id %d", flagName(what), triple(m), uint32(math.MaxUint32-1))
		}
	}
	return nil
}

// overlap refuses two triples whose container or host ranges overlap, with
// storage's message (idset.go) naming the later of the two as given.
func overlap(what string, maps []specs.LinuxIDMapping) error {
	for _, key := range []func(specs.LinuxIDMapping) uint32{
		func(m specs.LinuxIDMapping) uint32 { return m.ContainerID },
		func(m specs.LinuxIDMapping) uint32 { return m.HostID },
	} {
		idx := make([]int, len(maps))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return key(maps[idx[a]]) < key(maps[idx[b]]) })
		for i := 1; i < len(idx); i++ {
			p, q := maps[idx[i-1]], maps[idx[i]]
			if uint64(key(p))+uint64(p.Size) > uint64(key(q)) {
				later := q
				if idx[i-1] > idx[i] {
					later = p
				}
				return invalid("%s: the specified UID and/or GID mapping %s conflicts with other mappings: invalid mappings specified", flagName(what), triple(later))
			}
		}
	}
	return nil
}

func mapsID(maps []specs.LinuxIDMapping, id uint32) bool {
	for _, m := range maps {
		if id >= m.ContainerID && uint64(id) < uint64(m.ContainerID)+uint64(m.Size) {
			return true
		}
	}
	return false
}

func triples(maps []specs.LinuxIDMapping) []string {
	out := make([]string, len(maps))
	for i, m := range maps {
		out[i] = triple(m)
	}
	return out
}

// checkInNS refuses host ids a rootless user's namespace does not hold.
func checkInNS(what string, maps []specs.LinuxIDMapping, n uint32) error {
	for _, m := range maps {
		if uint64(m.HostID)+uint64(m.Size) > uint64(n) {
			return invalid("%s %q: host ids %d-%d are outside the %d ids of your user namespace (0 is you, 1-%d your /etc/sub%sid range): rootless host ids are ids of that namespace, give them below %d",
				flagName(what), triple(m), m.HostID, uint64(m.HostID)+uint64(m.Size)-1, n, n-1, strings.ToLower(what[:1]), n)
		}
	}
	return nil
}

// Resolve turns the mapping flags into the container's uid and gid maps
// (host ids of ns when rootless), as Podman's ParseIDMapping: a missing
// --gidmap copies --uidmap and the other way round, a missing
// --subgidname copies --subuidname and the other way round, the named
// ranges come first.
func Resolve(f Flags, ns *NS) (uids, gids []specs.LinuxIDMapping, err error) {
	if !f.Given() {
		return nil, nil, nil
	}
	subU, subG := f.SubUIDName, f.SubGIDName
	if subG == "" {
		subG = subU
	}
	if subU == "" {
		subU = subG
	}
	uidVals, gidVals := f.UIDMap, f.GIDMap
	if len(gidVals) == 0 {
		gidVals = uidVals
	}
	if len(uidVals) == 0 {
		uidVals = gidVals
	}
	if subU != "" {
		if ns != nil {
			return nil, nil, invalid("--subuidname and --subgidname %q: only root can map another user's /etc/subuid range; rootless, use --uidmap and --gidmap with ids of your user namespace", subU)
		}
		m, err := idtools.NewIDMappings(subU, subG)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument)
		}
		uids, gids = fromStorage(m.UIDs()), fromStorage(m.GIDs())
	}
	for _, x := range []struct {
		what string
		vals []string
		dst  *[]specs.LinuxIDMapping
		n    uint32
	}{{"UID", uidVals, &uids, nsSize(ns, true)}, {"GID", gidVals, &gids, nsSize(ns, false)}} {
		parsed, err := idtools.ParseIDMap(x.vals, x.what)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument)
		}
		*x.dst = append(*x.dst, fromStorage(parsed)...)
		if err := Check(x.what, *x.dst); err != nil {
			return nil, nil, err
		}
		if ns != nil {
			if err := checkInNS(x.what, *x.dst, x.n); err != nil {
				return nil, nil, err
			}
		}
	}
	return uids, gids, nil
}

func nsSize(ns *NS, uid bool) uint32 {
	switch {
	case ns == nil:
		return 0
	case uid:
		return ns.UIDs
	}
	return ns.GIDs
}

func fromStorage(m []idtools.IDMap) []specs.LinuxIDMapping {
	out := make([]specs.LinuxIDMapping, 0, len(m))
	for _, x := range m {
		out = append(out, specs.LinuxIDMapping{ContainerID: uint32(x.ContainerID), HostID: uint32(x.HostID), Size: uint32(x.Size)})
	}
	return out
}

// ToStorage converts maps for go.podman.io/storage.
func ToStorage(m []specs.LinuxIDMapping) []idtools.IDMap {
	var out []idtools.IDMap
	for _, x := range m {
		out = append(out, idtools.IDMap{ContainerID: int(x.ContainerID), HostID: int(x.HostID), Size: int(x.Size)})
	}
	return out
}

// FromStorage converts storage's maps for the OCI spec.
func FromStorage(m []idtools.IDMap) []specs.LinuxIDMapping { return fromStorage(m) }

// ParseAuto parses the options of --userns auto:OPTS as Podman 4.3's
// GetAutoOptions: size=N, uidmapping=C:H:S and gidmapping=C:H:S
// (repeatable), comma-separated. ns, when rootless, bounds the host ids of
// the extra mappings.
func ParseAuto(opts string, ns *NS) (types.AutoUserNsOptions, error) {
	var o types.AutoUserNsOptions
	if opts == "" {
		return o, nil
	}
	for _, kv := range strings.Split(opts, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return o, invalid("--userns %q: invalid option specified: %q: auto takes size=N, uidmapping=C:H:S, gidmapping=C:H:S", "auto:"+opts, kv)
		}
		switch k {
		case "size":
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil || n == 0 {
				return o, invalid("--userns %q: size=%q must be a number of ids from 1 to %d", "auto:"+opts, v, uint32(math.MaxUint32))
			}
			o.Size = uint32(n)
		case "uidmapping", "gidmapping":
			what := "UID"
			if k == "gidmapping" {
				what = "GID"
			}
			parsed, err := idtools.ParseIDMap([]string{v}, what)
			if err != nil {
				return o, fmt.Errorf("--userns %q: %w: %w", "auto:"+opts, err, errdefs.ErrInvalidArgument)
			}
			m := fromStorage(parsed)
			for _, x := range m {
				if x.Size == 0 {
					return o, invalid("--userns %q: %s %q: size 0 maps no ids", "auto:"+opts, k, triple(x))
				}
			}
			if ns != nil {
				if err := checkInNS(what, m, nsSize(ns, what == "UID")); err != nil {
					return o, err
				}
			}
			if what == "UID" {
				o.AdditionalUIDMappings = append(o.AdditionalUIDMappings, parsed...)
			} else {
				o.AdditionalGIDMappings = append(o.AdditionalGIDMappings, parsed...)
			}
		default:
			return o, invalid("--userns %q: unknown option specified: %q", "auto:"+opts, k)
		}
	}
	for _, x := range []struct {
		what string
		m    []idtools.IDMap
	}{{"UID", o.AdditionalUIDMappings}, {"GID", o.AdditionalGIDMappings}} {
		if err := checkOverlap(x.what, fromStorage(x.m)); err != nil {
			return o, err
		}
	}
	return o, nil
}

// checkOverlap is Check without the container-root rule (auto's extra
// mappings need not map 0).
func checkOverlap(what string, m []specs.LinuxIDMapping) error {
	if err := checkRanges(what, m); err != nil {
		return err
	}
	return overlap(what, m)
}

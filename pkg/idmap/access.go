package idmap

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// RootIDs returns the host uid and gid of the container's root under the
// maps (ok false when a map leaves it unmapped).
func RootIDs(uids, gids []specs.LinuxIDMapping) (uid, gid int, ok bool) {
	u, okU := toHost(uids, 0)
	g, okG := toHost(gids, 0)
	return u, g, okU && okG
}

// ToHost returns the host id of container id id under maps.
func ToHost(maps []specs.LinuxIDMapping, id uint32) (int, bool) { return toHost(maps, id) }

func toHost(maps []specs.LinuxIDMapping, id uint32) (int, bool) {
	for _, m := range maps {
		if id >= m.ContainerID && uint64(id) < uint64(m.ContainerID)+uint64(m.Size) {
			return int(m.HostID + (id - m.ContainerID)), true
		}
	}
	return 0, false
}

// MakeAccessible lets the container's root reach its root filesystem at
// path: every directory from path up to / that the container's root does
// not own gets --x--x--x added, as Podman does (makeAccessible). The
// runtime resolves the path inside the container's user namespace, where
// the engine's own 0700 directories are closed to it.
func MakeAccessible(path string, uid, gid int) error {
	for p := filepath.Clean(path); p != "/" && p != "."; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return fmt.Errorf("making %s reachable from the container's user namespace: %w", p, err)
		}
		if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) == uid && int(sys.Gid) == gid {
			continue
		}
		if st.Mode()&0o111 != 0o111 {
			if err := os.Chmod(p, st.Mode()|0o111); err != nil {
				return fmt.Errorf("making %s reachable from the container's user namespace: %w", p, err)
			}
		}
	}
	return nil
}

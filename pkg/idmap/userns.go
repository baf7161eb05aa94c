package idmap

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"go.podman.io/storage/pkg/unshare"
	"golang.org/x/sys/unix"
)

// OfUserNS returns the id mappings of the user namespace at path (an nsfs
// file: /proc/PID/ns/user or a bind mount of one) as this process sees
// them, for --userns ns:PATH. The runtimes need them in the spec even when
// they join by path (runc refuses the spec without them; crun without them
// creates the container's other namespaces outside the joined one, where
// it may not make its mounts private), and storage chowns the container's
// layer to them. The kernel shows a namespace's maps only through
// /proc/PID/uid_map of a process inside it: PID itself for a /proc path,
// otherwise the first process found in /proc that lives in it.
func OfUserNS(path string) (uids, gids []specs.LinuxIDMapping, err error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("user namespace %s: %w", path, err)
	}
	defer unix.Close(fd)
	if t, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE); err != nil || t != unix.CLONE_NEWUSER {
		return nil, nil, fmt.Errorf("%s is not a user namespace: give the path of one, e.g. /proc/PID/ns/user", path)
	}
	var want unix.Stat_t
	if err := unix.Fstat(fd, &want); err != nil {
		return nil, nil, fmt.Errorf("user namespace %s: %w", path, err)
	}
	for _, pid := range nsCandidates(path) {
		if !inUserNS(pid, want) {
			continue
		}
		uids, gids, err := unshare.GetHostIDMappings(pid)
		if err != nil || !inUserNS(pid, want) { // gone, or its pid reused meanwhile
			continue
		}
		return uids, gids, nil
	}
	return nil, nil, fmt.Errorf("user namespace %s: no process lives in it, so its id mappings cannot be read: give /proc/PID/ns/user of a process inside it", path)
}

// nsCandidates lists the pids whose maps may be the namespace's: the pid
// of a /proc/PID/... path first, then every process.
func nsCandidates(path string) []string {
	var pids []string
	if rest, ok := strings.CutPrefix(filepath.Clean(path), "/proc/"); ok {
		if pid, _, _ := strings.Cut(rest, "/"); isPid(pid) {
			pids = append(pids, pid)
		}
	}
	if ents, err := os.ReadDir("/proc"); err == nil {
		for _, e := range ents {
			if isPid(e.Name()) {
				pids = append(pids, e.Name())
			}
		}
	}
	return pids
}

func isPid(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0
}

// inUserNS tells whether process pid lives in the namespace want is the
// stat of.
func inUserNS(pid string, want unix.Stat_t) bool {
	var st unix.Stat_t
	if unix.Stat("/proc/"+pid+"/ns/user", &st) != nil {
		return false
	}
	return st.Dev == want.Dev && st.Ino == want.Ino
}

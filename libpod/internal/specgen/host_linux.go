package specgen

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/opencontainers/selinux/go-selinux"
	"go.podman.io/storage/pkg/unshare"
	"golang.org/x/sys/unix"
)

// capSysResource is CAP_SYS_RESOURCE's number.
const capSysResource = 24

// CurrentRlimits returns pod's own resource limits, by lowercase name without
// RLIMIT_ ("nofile"), for Host.Rlimits.
func CurrentRlimits() (map[string]Rlimit, error) {
	out := make(map[string]Rlimit, len(rlimitNames))
	for i, name := range rlimitNames {
		var rl unix.Rlimit
		if err := unix.Getrlimit(i, &rl); err != nil {
			return nil, err
		}
		out[name] = Rlimit{Soft: rl.Cur, Hard: rl.Max}
	}
	return out, nil
}

// procCaps reads the effective and bounding capability masks of pod itself.
func procCaps() (eff, bnd uint64, err error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch k {
		case "CapEff":
			eff, err = strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		case "CapBnd":
			bnd, err = strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		}
		if err != nil {
			return 0, 0, err
		}
	}
	return eff, bnd, nil
}

// HasCapSysResource reports whether CAP_SYS_RESOURCE is in pod's effective
// set, i.e. whether limits may be raised above the current hard limits.
func HasCapSysResource() (bool, error) {
	eff, _, err := procCaps()
	if err != nil {
		return false, err
	}
	return eff&(1<<capSysResource) != 0, nil
}

// RootlessIDs returns the rootless user's ids and the size of pod's user
// namespace (what /proc/self/uid_map and gid_map map), or nil for root.
func RootlessIDs() (*IDs, error) {
	if !unshare.IsRootless() {
		return nil, nil
	}
	ids := &IDs{UID: unshare.GetRootlessUID(), GID: unshare.GetRootlessGID()}
	var err error
	if ids.NSUIDs, err = mappedIDs("/proc/self/uid_map"); err != nil {
		return nil, err
	}
	if ids.NSGIDs, err = mappedIDs("/proc/self/gid_map"); err != nil {
		return nil, err
	}
	return ids, nil
}

// mappedIDs adds up the sizes of an id map file.
func mappedIDs(file string) (uint32, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	var n uint64
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		size, err := strconv.ParseUint(f[2], 10, 32)
		if err != nil {
			return 0, fmt.Errorf("%s: bad line %q", file, line)
		}
		n += size
	}
	if n >= 1<<32 {
		n = 1<<32 - 1
	}
	return uint32(n), nil
}

// ProbeHost collects the Host facts specgen needs about pod itself and this
// host: rlimits, capabilities, cgroup version and controllers, swap
// accounting, oom_score_adj, SELinux, AppArmor, rootless and the environment. libpod adds
// CgroupManager and RuntimeName. It costs a few file reads and no exec.
func ProbeHost() (*Host, error) {
	// Inside a rootless user's namespace pod is uid 0 but still rootless.
	h := &Host{Rootless: unshare.IsRootless(), Env: os.Environ()}
	var err error
	if h.Rlimits, err = CurrentRlimits(); err != nil {
		return nil, err
	}
	eff, bnd, err := procCaps()
	if err != nil {
		return nil, err
	}
	// CAP_SYS_RESOURCE in a user namespace does not raise host limits.
	h.CanRaiseRlimits = eff&(1<<capSysResource) != 0 && !h.Rootless
	h.BoundingCaps = []string{}
	for i, c := range allCaps {
		if bnd&(1<<uint(i)) != 0 {
			h.BoundingCaps = append(h.BoundingCaps, c)
		}
	}
	var st unix.Statfs_t
	if err := unix.Statfs("/sys/fs/cgroup", &st); err == nil {
		h.CgroupV2 = st.Type == unix.CGROUP2_SUPER_MAGIC
	}
	h.Controllers, h.SwapAccounting = cgroupControllers(h.CgroupV2)
	if !h.CgroupV2 {
		_, err1 := os.Stat("/sys/fs/cgroup/blkio/blkio.weight")
		_, err2 := os.Stat("/sys/fs/cgroup/blkio/blkio.bfq.weight")
		h.NoBlkioWeight = err1 != nil && err2 != nil
	}
	if b, err := os.ReadFile("/proc/self/oom_score_adj"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			h.OOMScoreAdj = &n
		}
	}
	h.SELinux = selinux.GetEnabled()
	if b, err := os.ReadFile("/sys/module/apparmor/parameters/enabled"); err == nil {
		h.AppArmor = strings.HasPrefix(string(b), "Y")
	}
	return h, nil
}

// cgroupControllers lists the controllers a container cgroup can use and
// whether swap is accounted. On cgroup v1 these are the mounted hierarchies
// pod is in; on v2 the root's cgroup.controllers.
func cgroupControllers(v2 bool) ([]string, bool) {
	ctrls := []string{}
	if v2 {
		data, err := os.ReadFile("/sys/fs/cgroup/cgroup.controllers")
		if err != nil {
			return nil, false
		}
		ctrls = strings.Fields(string(data))
		swap := false
		if own, ok := ownCgroupV2(); ok && own != "/" {
			_, err := os.Stat(filepath.Join("/sys/fs/cgroup", own, "memory.swap.max"))
			swap = err == nil
		}
		return ctrls, swap
	}
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 || f[1] == "" {
			continue
		}
		for _, c := range strings.Split(f[1], ",") {
			if !strings.HasPrefix(c, "name=") {
				ctrls = append(ctrls, c)
			}
		}
	}
	_, err = os.Stat("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes")
	return ctrls, err == nil
}

func ownCgroupV2() (string, bool) {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			return p, true
		}
	}
	return "", false
}

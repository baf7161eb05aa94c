package pods

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// cgroupRoot is where the cgroup hierarchies are mounted.
var cgroupRoot = "/sys/fs/cgroup"

// CgroupfsParent is the pod cgroup under the cgroupfs manager, the parent
// of every member's cgroup: PARENT/pod_ID (PARENT defaults to /pod, the
// containers' own default parent).
func CgroupfsParent(parent, podID string) string {
	if parent == "" {
		parent = "/pod"
	}
	return filepath.Join(parent, "pod_"+podID)
}

// SystemdSlice is the pod's slice under the systemd manager: a child of
// PARENT (default machine.slice) named as Podman does, machine-libpod_pod_ID.slice.
func SystemdSlice(parent, podID string) (string, error) {
	if parent == "" {
		parent = "machine.slice"
	}
	if !strings.HasSuffix(parent, ".slice") || strings.Contains(parent, "/") {
		return "", fmt.Errorf("--cgroup-parent %s: with the systemd cgroup manager the parent must be a slice name ending in .slice", parent)
	}
	prefix := strings.TrimSuffix(parent, ".slice")
	if prefix == "-" {
		prefix = ""
	} else {
		prefix += "-"
	}
	return prefix + "libpod_pod_" + podID + ".slice", nil
}

// unified reports whether the host runs cgroup v2 only.
func unified() bool {
	_, err := os.Stat(filepath.Join(cgroupRoot, "cgroup.controllers"))
	return err == nil
}

// CreateCgroupfs creates the pod cgroup rel (a cgroupfs path) and writes
// its limits (nil: none), so that the members, placed below it, share them.
func CreateCgroupfs(rel string, res *specs.LinuxResources) error {
	if res == nil {
		res = &specs.LinuxResources{}
	}
	if unified() {
		return createV2(rel, res)
	}
	for _, ctrl := range []string{"cpu", "memory", "pids", "cpuset", "blkio"} {
		if _, err := os.Stat(filepath.Join(cgroupRoot, ctrl)); err != nil {
			continue
		}
		if err := os.MkdirAll(filepath.Join(cgroupRoot, ctrl, rel), 0o755); err != nil {
			return err
		}
	}
	if err := InheritCpusetV1(rel); err != nil {
		return err
	}
	return writeAll(v1Files(rel, res))
}

// limitFile is one value to write into a cgroup file.
type limitFile struct{ dir, file, val string }

func writeAll(files []limitFile) error {
	for _, f := range files {
		if err := write(f.dir, f.file, f.val); err != nil {
			return err
		}
	}
	return nil
}

func itoa[T int64 | uint64 | uint16](n T) string { return strconv.FormatInt(int64(n), 10) }

// v1Files are the cgroup v1 files of res, in the order they must be written
// (the period before the quota, the memory limit before memory+swap).
func v1Files(rel string, res *specs.LinuxResources) []limitFile {
	var out []limitFile
	add := func(ctrl, file, val string) {
		out = append(out, limitFile{filepath.Join(cgroupRoot, ctrl, rel), file, val})
	}
	if c := res.CPU; c != nil {
		if c.Shares != nil {
			add("cpu", "cpu.shares", itoa(*c.Shares))
		}
		if c.Period != nil {
			add("cpu", "cpu.cfs_period_us", itoa(*c.Period))
		}
		if c.Quota != nil {
			add("cpu", "cpu.cfs_quota_us", itoa(*c.Quota))
		}
		if c.Cpus != "" {
			add("cpuset", "cpuset.cpus", c.Cpus)
		}
		if c.Mems != "" {
			add("cpuset", "cpuset.mems", c.Mems)
		}
	}
	if m := res.Memory; m != nil {
		if m.Limit != nil {
			add("memory", "memory.limit_in_bytes", itoa(*m.Limit))
		}
		if m.Swap != nil {
			add("memory", "memory.memsw.limit_in_bytes", itoa(*m.Swap))
		}
	}
	if b := res.BlockIO; b != nil {
		if b.Weight != nil {
			add("blkio", "blkio.weight", itoa(*b.Weight))
		}
		for _, d := range b.WeightDevice {
			if d.Weight != nil {
				add("blkio", "blkio.weight_device", fmt.Sprintf("%d:%d %d", d.Major, d.Minor, *d.Weight))
			}
		}
		for _, d := range b.ThrottleReadBpsDevice {
			add("blkio", "blkio.throttle.read_bps_device", fmt.Sprintf("%d:%d %d", d.Major, d.Minor, d.Rate))
		}
		for _, d := range b.ThrottleWriteBpsDevice {
			add("blkio", "blkio.throttle.write_bps_device", fmt.Sprintf("%d:%d %d", d.Major, d.Minor, d.Rate))
		}
	}
	return out
}

// createV2 creates the pod cgroup on a cgroup v2 host: the controllers its
// limits need are enabled on every ancestor, then the limits are written
// in v2's files (cpu.weight from shares as runc converts them).
func createV2(rel string, res *specs.LinuxResources) error {
	dir := filepath.Join(cgroupRoot, rel)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var files []limitFile
	ctrls := map[string]bool{}
	add := func(ctrl, file, val string) {
		ctrls[ctrl] = true
		files = append(files, limitFile{dir, file, val})
	}
	if c := res.CPU; c != nil {
		if c.Shares != nil && *c.Shares > 0 {
			add("cpu", "cpu.weight", itoa(1+((*c.Shares-2)*9999)/262142))
		}
		if c.Quota != nil && *c.Quota > 0 {
			period := uint64(100000)
			if c.Period != nil {
				period = *c.Period
			}
			add("cpu", "cpu.max", fmt.Sprintf("%d %d", *c.Quota, period))
		}
		if c.Cpus != "" {
			add("cpuset", "cpuset.cpus", c.Cpus)
		}
		if c.Mems != "" {
			add("cpuset", "cpuset.mems", c.Mems)
		}
	}
	if m := res.Memory; m != nil && m.Limit != nil {
		add("memory", "memory.max", itoa(*m.Limit))
		if m.Swap != nil {
			swap := "max"
			if *m.Swap > 0 {
				swap = itoa(*m.Swap - *m.Limit)
			}
			add("memory", "memory.swap.max", swap)
		}
	}
	if b := res.BlockIO; b != nil {
		if b.Weight != nil {
			add("io", "io.bfq.weight", itoa(*b.Weight))
		}
		for _, d := range b.ThrottleReadBpsDevice {
			add("io", "io.max", fmt.Sprintf("%d:%d rbps=%d", d.Major, d.Minor, d.Rate))
		}
		for _, d := range b.ThrottleWriteBpsDevice {
			add("io", "io.max", fmt.Sprintf("%d:%d wbps=%d", d.Major, d.Minor, d.Rate))
		}
	}
	if len(ctrls) > 0 {
		var list []string
		for _, c := range []string{"cpu", "cpuset", "memory", "io"} {
			if ctrls[c] {
				list = append(list, "+"+c)
			}
		}
		// Controllers must be enabled on every ancestor to reach the pod cgroup.
		d := cgroupRoot
		for _, p := range strings.Split(strings.Trim(rel, "/"), "/") {
			if err := os.WriteFile(filepath.Join(d, "cgroup.subtree_control"), []byte(strings.Join(list, " ")), 0); err != nil {
				return fmt.Errorf("enabling %s in %s: %w", strings.Join(list, " "), d, err)
			}
			d = filepath.Join(d, p)
		}
	}
	return writeAll(files)
}

// InheritCpusetV1 makes the cgroupfs path rel in the v1 cpuset hierarchy,
// each level with its parent's CPUs and memory nodes where it has none (a
// new v1 cpuset cgroup starts empty). Nothing on cgroup v2 or without a
// cpuset hierarchy.
func InheritCpusetV1(rel string) error {
	if unified() || !exists(filepath.Join(cgroupRoot, "cpuset", "cpuset.cpus")) {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(cgroupRoot, "cpuset", rel), 0o755); err != nil {
		return err
	}
	for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
		if err := inheritCpuset(rel, f); err != nil {
			return err
		}
	}
	return nil
}

func inheritCpuset(rel, file string) error {
	parts := strings.Split(strings.Trim(rel, "/"), "/")
	d := filepath.Join(cgroupRoot, "cpuset")
	for _, p := range parts {
		val, err := os.ReadFile(filepath.Join(d, file))
		if err != nil {
			return err
		}
		d = filepath.Join(d, p)
		cur, _ := os.ReadFile(filepath.Join(d, file))
		if strings.TrimSpace(string(cur)) == "" {
			if err := os.WriteFile(filepath.Join(d, file), val, 0); err != nil {
				return fmt.Errorf("setting %s in %s: %w", file, d, err)
			}
		}
	}
	return nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func write(dir, file, val string) error {
	if err := os.WriteFile(filepath.Join(dir, file), []byte(val), 0); err != nil {
		return fmt.Errorf("setting the pod's limit %s=%s in %s: %w", file, val, dir, err)
	}
	return nil
}

// RemoveCgroupfs removes the pod cgroup rel from every hierarchy; a cgroup
// already gone is not an error, one with processes left is.
func RemoveCgroupfs(rel string) error {
	var dirs []string
	if unified() {
		dirs = []string{filepath.Join(cgroupRoot, rel)}
	} else if es, err := os.ReadDir(cgroupRoot); err == nil {
		for _, e := range es {
			dirs = append(dirs, filepath.Join(cgroupRoot, e.Name(), rel))
		}
	}
	var errs []error
	for _, d := range dirs {
		if err := os.Remove(d); err != nil && !errors.Is(err, os.ErrNotExist) && !errors.Is(err, os.ErrInvalid) {
			errs = append(errs, fmt.Errorf("removing the pod cgroup %s: %w", d, err))
		}
	}
	return errors.Join(errs...)
}

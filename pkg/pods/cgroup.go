package pods

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// cgroupRoot is where the cgroup hierarchies are mounted.
var cgroupRoot = "/sys/fs/cgroup"

// Limits are a pod cgroup's resource limits; 0 = none.
type Limits struct {
	CPUQuota, CPUPeriod int64 // µs of CPU time per period
	Memory              int64 // bytes
}

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
// its limits, so that the members, placed below it, share them. It returns
// the directories it created, for RemoveCgroupfs.
func CreateCgroupfs(rel string, l Limits) error {
	if unified() {
		dir := filepath.Join(cgroupRoot, rel)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		// Controllers must be enabled on every ancestor to reach the pod cgroup.
		var ctrls []string
		if l.CPUQuota > 0 {
			ctrls = append(ctrls, "+cpu")
		}
		if l.Memory > 0 {
			ctrls = append(ctrls, "+memory")
		}
		if len(ctrls) > 0 {
			parts := strings.Split(strings.Trim(rel, "/"), "/")
			d := cgroupRoot
			for _, p := range parts {
				if err := os.WriteFile(filepath.Join(d, "cgroup.subtree_control"), []byte(strings.Join(ctrls, " ")), 0); err != nil {
					return fmt.Errorf("enabling %s in %s: %w", strings.Join(ctrls, " "), d, err)
				}
				d = filepath.Join(d, p)
			}
		}
		if l.CPUQuota > 0 {
			if err := write(dir, "cpu.max", fmt.Sprintf("%d %d", l.CPUQuota, l.CPUPeriod)); err != nil {
				return err
			}
		}
		if l.Memory > 0 {
			return write(dir, "memory.max", strconv.FormatInt(l.Memory, 10))
		}
		return nil
	}
	for _, ctrl := range []string{"cpu", "memory", "pids", "cpuset"} {
		if _, err := os.Stat(filepath.Join(cgroupRoot, ctrl)); err != nil {
			continue
		}
		if err := os.MkdirAll(filepath.Join(cgroupRoot, ctrl, rel), 0o755); err != nil {
			return err
		}
	}
	if ctrl := filepath.Join(cgroupRoot, "cpuset", rel); exists(ctrl) {
		// cpuset cgroups start empty on v1: inherit the parent's CPUs and memory nodes.
		for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
			if err := inheritCpuset(rel, f); err != nil {
				return err
			}
		}
	}
	if l.CPUQuota > 0 {
		dir := filepath.Join(cgroupRoot, "cpu", rel)
		if err := write(dir, "cpu.cfs_period_us", strconv.FormatInt(l.CPUPeriod, 10)); err != nil {
			return err
		}
		if err := write(dir, "cpu.cfs_quota_us", strconv.FormatInt(l.CPUQuota, 10)); err != nil {
			return err
		}
	}
	if l.Memory > 0 {
		return write(filepath.Join(cgroupRoot, "memory", rel), "memory.limit_in_bytes", strconv.FormatInt(l.Memory, 10))
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

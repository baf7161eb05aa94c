package libpod

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/pods"
)

// cgroupRoot is where cgroup hierarchies are mounted.
const cgroupRoot = "/sys/fs/cgroup"

// cgroupDirs returns the directories of a container's cgroup (its spec's
// cgroupsPath) in every mounted hierarchy: one on cgroup v2, one per
// controller on v1. Only systemd-style "slice:prefix:name" paths are skipped.
func cgroupDirs(cgroupsPath string) []string {
	if cgroupsPath == "" || strings.Contains(cgroupsPath, ":") {
		return nil
	}
	rel := filepath.Clean("/" + cgroupsPath)
	var dirs []string
	entries, err := os.ReadDir(cgroupRoot)
	if err != nil {
		return nil
	}
	if _, err := os.Stat(filepath.Join(cgroupRoot, "cgroup.controllers")); err == nil {
		return []string{filepath.Join(cgroupRoot, rel)}
	}
	for _, e := range entries {
		d := filepath.Join(cgroupRoot, e.Name(), rel)
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// cgroupPids lists the processes in a container's cgroup.
func cgroupPids(cgroupsPath string) []int {
	seen := map[int]bool{}
	var pids []int
	for _, d := range cgroupDirs(cgroupsPath) {
		data, err := os.ReadFile(filepath.Join(d, "cgroup.procs"))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(data)) {
			if pid, err := strconv.Atoi(f); err == nil && !seen[pid] {
				seen[pid] = true
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// killCgroup signals every process of a container's cgroup; it is how pod
// ends a container whose runtime binary is gone.
func killCgroup(cgroupsPath string, sig syscall.Signal) {
	for _, pid := range cgroupPids(cgroupsPath) {
		_ = syscall.Kill(pid, sig)
	}
}

// removeCgroup removes the (empty) cgroup directories of a container,
// deepest first; the runtime's delete does this when it can run.
func removeCgroup(cgroupsPath string) {
	for _, d := range cgroupDirs(cgroupsPath) {
		_ = syscall.Rmdir(d)
	}
}

// prepareCpusetParent gives the parent of a container's cgroupfs path its
// CPUs and memory nodes in the v1 cpuset hierarchy when it has none yet. runc
// and crun fill the levels they create; runsc does not, and then cannot place
// a container below a --cgroup-parent it made itself ("cpuset.cpus:
// permission denied"). Best effort: a failure is left to the runtime to
// report.
func prepareCpusetParent(spec *specs.Spec) {
	if spec == nil || spec.Linux == nil || spec.Linux.CgroupsPath == "" || strings.Contains(spec.Linux.CgroupsPath, ":") {
		return
	}
	parent := filepath.Dir(filepath.Clean("/" + spec.Linux.CgroupsPath))
	if parent == "/" {
		return
	}
	cpus, err := os.ReadFile(filepath.Join(cgroupRoot, "cpuset", parent, "cpuset.cpus"))
	if err == nil && len(bytes.TrimSpace(cpus)) > 0 {
		return
	}
	_ = pods.InheritCpusetV1(parent)
}

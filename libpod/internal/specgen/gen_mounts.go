package specgen

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"sync"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/selinux/go-selinux/label"
)

// sizeOption renders a tmpfs size like Podman: in KiB when it divides evenly.
func sizeOption(n int64) string {
	if n%1024 == 0 {
		return "size=" + strconv.FormatInt(n/1024, 10) + "k"
	}
	return "size=" + strconv.FormatInt(n, 10)
}

// defaultMounts are the filesystems every container gets, as Podman mounts them.
func (g *gen) defaultMounts() ([]specs.Mount, error) {
	priv := g.o.Privileged
	sysOpt := "ro"
	if priv {
		sysOpt = "rw"
	}
	m := []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "noexec", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", sysOpt}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
		{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
	}
	if (g.o.IDMappings != nil && (g.p.NS.Net.Kind == nsHost || g.p.NS.Net.Kind == nsPath)) ||
		(g.h.Rootless && g.p.NS.Net.Kind == nsHost) {
		// sysfs can only be mounted by the owner of the network namespace:
		// a container with its own user namespace in one pod made (or the
		// host's), or an ordinary user's container in the host's (owned by
		// the initial user namespace, not the user's), binds the host's
		// /sys instead, as Podman (canMountSys). crun falls back to that
		// itself, runc fails.
		m[2] = specs.Mount{Destination: "/sys", Type: "bind", Source: "/sys", Options: []string{"rprivate", "nosuid", "noexec", "nodev", sysOpt, "rbind"}}
	}
	if err := g.rootlessHostNSMounts(m); err != nil {
		return nil, err
	}
	if im := g.o.IDMappings; im != nil && !mapsContainerID(im.GIDs, 5) {
		// devpts' gid=5 fails where the container has no gid 5 (Podman drops it too)
		m[3].Options = []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}
	}
	switch g.p.NS.IPC.Kind {
	case nsHost:
		m = append(m, specs.Mount{Destination: "/dev/shm", Type: "bind", Source: "/dev/shm", Options: []string{"rbind", "rprivate", "nosuid", "noexec", "nodev"}})
	case nsNone:
	default:
		if g.o.ShmDir != "" { // the tmpfs libpod mounted, or the one of the IPC namespace joined
			m = append(m, specs.Mount{Destination: "/dev/shm", Type: "bind", Source: g.o.ShmDir, Options: []string{"rbind", "rprivate", "nosuid", "noexec", "nodev"}})
			break
		}
		size, err := ShmSize(g.o, g.d)
		if err != nil {
			return nil, err
		}
		m = append(m, specs.Mount{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", sizeOption(size)}})
	}
	m = append(m, specs.Mount{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"rprivate", "nosuid", "noexec", "nodev", "relatime", sysOpt}})
	return m, nil
}

// mapsContainerID reports whether maps give container id id a host id.
func mapsContainerID(maps []specs.LinuxIDMapping, id uint32) bool {
	for _, m := range maps {
		if id >= m.ContainerID && uint64(id) < uint64(m.ContainerID)+uint64(m.Size) {
			return true
		}
	}
	return false
}

// mounts merges default mounts, containers.conf mounts, the user's -v,
// --mount and --tmpfs, the --read-only tmpfs mounts and the init binary.
// A user mount replaces a default one at the same destination; the result is
// ordered by path depth so that parents are mounted before their children.
func (g *gen) mounts() error {
	defaults, err := g.defaultMounts()
	if err != nil {
		return err
	}
	byDest := map[string]int{}
	var out []specs.Mount
	put := func(m specs.Mount, replace bool) {
		if i, ok := byDest[m.Destination]; ok {
			if replace {
				out[i] = m
			}
			return
		}
		byDest[m.Destination] = len(out)
		out = append(out, m)
	}
	for _, m := range defaults {
		put(m, false)
	}
	user := map[string]bool{}
	claimed := map[string]bool{}      // destinations of mounts that are not volumes
	for _, m := range g.spec.Mounts { // --init
		user[m.Destination] = true
		put(m, true)
	}
	for _, mr := range g.p.Mounts {
		if user[mr.Destination] {
			return flagError(mr.flag, mr.value, "destination %q is used by --init", mr.Destination)
		}
		user[mr.Destination] = true
		if mr.Type == "volume" || mr.Type == "image" {
			continue // resolved by libpod: in h.Volumes
		}
		claimed[mr.Destination] = true
		if mr.Type == "bind" {
			put(g.userMount(mr.Destination, mr.Source, mr.Type, mr.Options), true)
		} else {
			put(mr.spec(), true)
		}
		if mr.Relabel != "" {
			g.res.Relabel = append(g.res.Relabel, Relabel{Path: mr.Source, Shared: mr.Relabel == "z"})
		}
		if mr.Chown {
			g.res.Chown = append(g.res.Chown, mr.Source)
		}
	}
	// The volumes libpod resolved: the user's (-v NAME:…, --mount
	// type=volume), --volumes-from's and the image's VOLUMEs, which yield to
	// any other mount at their destination.
	for _, vm := range g.h.Volumes {
		if claimed[vm.Destination] {
			continue
		}
		user[vm.Destination] = true
		if vm.Chown {
			g.res.Chown = append(g.res.Chown, vm.Source)
		}
		put(g.userMount(vm.Destination, vm.Source, "bind", vm.Options), true)
	}
	for _, v := range g.d.Mounts {
		mr, err := parseMount(v)
		if err != nil {
			return fmt.Errorf("containers.conf mounts: %w", err)
		}
		if user[mr.Destination] {
			continue
		}
		if err := checkBindSource(&mr); err != nil {
			return fmt.Errorf("containers.conf mounts: %w", err)
		}
		user[mr.Destination] = true
		put(mr.spec(), true)
	}
	if g.spec.Root.Readonly && (g.o.ReadOnlyTmpfs == nil || *g.o.ReadOnlyTmpfs) {
		for _, d := range []string{"/tmp", "/var/tmp", "/run"} {
			if !user[d] {
				put(specs.Mount{Destination: d, Type: "tmpfs", Source: "tmpfs", Options: append([]string(nil), tmpfsDefaults...)}, true)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return pathDepth(out[i].Destination) < pathDepth(out[j].Destination)
	})
	g.spec.Mounts = out
	g.maskedPaths()
	return nil
}

func (m mountReq) spec() specs.Mount {
	src := m.Source
	if m.Type != "bind" {
		src = m.Type // tmpfs, devpts, ramfs
	}
	return specs.Mount{Destination: m.Destination, Type: m.Type, Source: src, Options: append([]string(nil), m.Options...)}
}

// Podman's masked and read-only paths (go.podman.io/common pkg/config).
var (
	defaultMaskedPaths = []string{
		"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/sched_debug",
		"/proc/scsi", "/proc/timer_list", "/proc/timer_stats", "/sys/devices/virtual/powercap",
		"/sys/firmware", "/sys/fs/selinux", "/proc/interrupts",
	}
	// globMaskedPaths are the host's per-CPU thermal_throttle dirs, read once
	// per process (a glob over /sys costs more than the rest of Generate).
	globMaskedPaths = sync.OnceValue(func() []string {
		matches, _ := filepath.Glob("/sys/devices/system/cpu/cpu*/thermal_throttle")
		return matches
	})
	defaultReadonlyPath = []string{"/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}
)

func (g *gen) maskedPaths() {
	sec := g.p.Security
	var masked, ro []string
	if !g.o.Privileged {
		masked = append(masked, defaultMaskedPaths...)
		masked = append(masked, globMaskedPaths()...)
		ro = append(ro, defaultReadonlyPath...)
	}
	for _, u := range sec.Unmask {
		if u == "ALL" {
			masked, ro = nil, nil
			break
		}
		masked, ro = dropMatching(masked, u), dropMatching(ro, u)
	}
	for _, m := range sec.Mask {
		if !containsStr(masked, m) {
			masked = append(masked, m)
		}
	}
	g.spec.Linux.MaskedPaths, g.spec.Linux.ReadonlyPaths = masked, ro
}

func dropMatching(list []string, pattern string) []string {
	out := list[:0:0]
	for _, p := range list {
		if ok, _ := filepath.Match(pattern, p); ok || p == pattern {
			continue
		}
		out = append(out, p)
	}
	return out
}

// RelabelMounts relabels the z/Z bind sources of r for SELinux with the
// container's mount label (go-selinux label.Relabel: shared for z, private
// for Z). Without SELinux, or with labels disabled, it does nothing.
func RelabelMounts(r *Result) error {
	if r == nil || r.MountLabel == "" {
		return nil
	}
	for _, rl := range r.Relabel {
		if err := label.Relabel(rl.Path, r.MountLabel, rl.Shared); err != nil {
			return fmt.Errorf("relabeling %s for SELinux: %w", rl.Path, err)
		}
	}
	return nil
}

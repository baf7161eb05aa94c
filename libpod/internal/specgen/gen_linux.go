package specgen

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// rlimitNames are the resource limits by number (RLIMIT_CPU = 0 …).
var rlimitNames = []string{
	"cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile",
	"memlock", "as", "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime",
}

// Podman's default limits for a rootful container when containers.conf has
// no default_ulimits.
var builtinUlimits = []ulimitReq{
	{Name: "nofile", Soft: 1048576, Hard: 1048576},
	{Name: "nproc", Soft: 4194304, Hard: 4194304},
}

func fmtLimit(n uint64) string {
	if n == rlimitUnlimited {
		return "unlimited"
	}
	return strconv.FormatUint(n, 10)
}

// maxHard is the highest value a limit may get: pod's own hard limit unless
// pod holds CAP_SYS_RESOURCE or the limit is unknown or unlimited.
func (g *gen) maxHard(name string) (uint64, bool) {
	if (g.h.CanRaiseRlimits && !g.h.Rootless) || g.h.Rlimits == nil {
		return 0, false
	}
	l, ok := g.h.Rlimits[name]
	if !ok || l.Hard == rlimitUnlimited {
		return 0, false
	}
	return l.Hard, true
}

// rlimits sets the process limits: the defaults (containers.conf
// default_ulimits, else Podman's nofile/nproc), clamped to what pod may set,
// or pod's own limits with --ulimit host; then each --ulimit, which must not
// exceed what pod may set.
func (g *gen) rlimits() error {
	var list []specs.POSIXRlimit
	idx := map[string]int{}
	set := func(name string, soft, hard uint64) {
		l := specs.POSIXRlimit{Type: rlimitType(name), Soft: soft, Hard: hard}
		if i, ok := idx[name]; ok {
			list[i] = l
			return
		}
		idx[name] = len(list)
		list = append(list, l)
	}
	if g.p.UlimitHost {
		for _, n := range rlimitNames {
			if l, ok := g.h.Rlimits[n]; ok {
				set(n, l.Soft, l.Hard)
			}
		}
	} else {
		defs := builtinUlimits
		if len(g.d.Ulimits) > 0 {
			defs = nil
			for _, v := range g.d.Ulimits {
				u, err := parseUlimit("containers.conf default_ulimits", v)
				if err != nil {
					return err
				}
				defs = append(defs, u)
			}
		}
		for _, u := range defs {
			soft, hard := u.Soft, u.Hard
			if max, ok := g.maxHard(u.Name); ok {
				soft, hard = min(soft, max), min(hard, max)
			}
			set(u.Name, soft, hard)
		}
	}
	for _, u := range g.p.Ulimits {
		if max, ok := g.maxHard(u.Name); ok && u.Hard > max {
			return flagError(u.flag, u.value, "limit %s is above the maximum allowed %s for %s (pod's own hard limit; raising it needs CAP_SYS_RESOURCE)",
				fmtLimit(u.Hard), fmtLimit(max), rlimitType(u.Name))
		}
		set(u.Name, u.Soft, u.Hard)
	}
	g.spec.Process.Rlimits = list
	return nil
}

func (g *gen) namespaces() error {
	var list []specs.LinuxNamespace
	add := func(t specs.LinuxNamespaceType, m nsMode) {
		switch m.Kind {
		case nsHost:
		case nsPath:
			list = append(list, specs.LinuxNamespace{Type: t, Path: m.Path})
		default:
			list = append(list, specs.LinuxNamespace{Type: t})
		}
	}
	ns := g.p.NS
	add(specs.PIDNamespace, ns.PID)
	add(specs.NetworkNamespace, ns.Net)
	add(specs.IPCNamespace, ns.IPC)
	add(specs.UTSNamespace, ns.UTS)
	add(specs.MountNamespace, nsMode{Kind: nsPrivate})
	switch m := g.o.IDMappings; {
	case g.p.UserNS.Mode == "ns":
		add(specs.UserNamespace, nsMode{Kind: nsPath, Path: g.p.UserNS.Path})
		if m != nil {
			// A pod member joining the infra's namespace: its maps, which
			// runc wants in the spec even when it joins by path.
			g.spec.Linux.UIDMappings, g.spec.Linux.GIDMappings = m.UIDs, m.GIDs
		}
	case m != nil:
		add(specs.UserNamespace, nsMode{Kind: nsPrivate})
		g.spec.Linux.UIDMappings, g.spec.Linux.GIDMappings = m.UIDs, m.GIDs
	}
	cgns := g.d.CgroupNS
	if cgns == "" && g.h.CgroupV2 {
		cgns = "private"
	}
	switch {
	case g.p.More.CgroupNS != nil: // --cgroupns
		add(specs.CgroupNamespace, *g.p.More.CgroupNS)
	case cgns == "private":
		add(specs.CgroupNamespace, nsMode{Kind: nsPrivate})
	}
	g.spec.Linux.Namespaces = list
	return nil
}

// devices adds --device (and containers.conf devices) nodes and their
// device-cgroup rules after a deny-all rule; --privileged adds every host
// device and allows all.
func (g *gen) devices() error {
	var devs []specs.LinuxDevice
	rules := []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}
	byPath := map[string]int{}
	put := func(d specs.LinuxDevice) {
		if i, ok := byPath[d.Path]; ok {
			devs[i] = d
			return
		}
		byPath[d.Path] = len(devs)
		devs = append(devs, d)
	}
	if g.o.Privileged {
		host, err := hostDevices()
		if err != nil {
			return err
		}
		for _, d := range host {
			put(d)
		}
		rules = []specs.LinuxDeviceCgroup{{Allow: true, Access: "rwm"}}
	}
	var reqs []deviceReq
	for _, v := range g.d.Devices {
		r, err := parseDevice("containers.conf devices", v)
		if err != nil {
			return err
		}
		reqs = append(reqs, r)
	}
	reqs = append(reqs, g.p.Devices...)
	for _, r := range reqs {
		found, err := r.resolve()
		if err != nil {
			return err
		}
		for _, d := range found {
			if g.h.Rootless {
				g.spec.Mounts = append(g.spec.Mounts, deviceBind(r, d))
				continue
			}
			put(d)
			if !g.o.Privileged {
				major, minor := d.Major, d.Minor
				rules = append(rules, specs.LinuxDeviceCgroup{Allow: true, Type: d.Type, Major: &major, Minor: &minor, Access: r.Perms})
			}
		}
	}
	g.spec.Linux.Devices = devs
	g.spec.Linux.Resources = &specs.LinuxResources{Devices: rules}
	return nil
}

// deviceBind is the bind mount of the host's node of a --device at its
// path in the container, for an ordinary user, as Podman: the user cannot
// make device nodes, and the runtime's own fallback (crun binds the host's
// node of the container's path) fails for a device given another name.
func deviceBind(r deviceReq, d specs.LinuxDevice) specs.Mount {
	host := r.Host
	if rel := strings.TrimPrefix(d.Path, r.Ctr); rel != d.Path && rel != "" {
		host = path.Join(r.Host, rel) // a device of a --device directory
	}
	perm := "ro"
	if strings.Contains(r.Perms, "w") {
		perm = "rw"
	}
	return specs.Mount{Destination: d.Path, Type: "bind", Source: host, Options: []string{"rbind", "rprivate", "nosuid", "noexec", perm}}
}

func (g *gen) hasController(name string) bool {
	return g.h.Controllers == nil || containsStr(g.h.Controllers, name)
}

// resources sets the cgroup limits and path. With --cgroups=disabled there
// is neither; a limit the host's hierarchy cannot hold is left out with a
// warning (runc and crun fail on it otherwise).
func (g *gen) resources() error {
	mode := g.o.Cgroups
	if mode == "" {
		mode = g.d.Cgroups
	}
	if err := checkCgroupsMode(mode); err != nil {
		return err
	}
	r := g.p.Res
	if mode == "disabled" {
		if flag, val := r.limitsAsked(g.o); flag != "" {
			return flagError(flag, val, "resource limits need cgroups; they cannot be used with --cgroups=disabled")
		}
		g.spec.Linux.Resources = nil
		return nil
	}
	if g.h.Rootless && !g.h.CgroupV2 {
		// As Podman: an ordinary user cannot create cgroups on a v1 host,
		// so its containers have none and limits cannot be set.
		if flag, val := g.rootlessLimitAsked(); flag != "" {
			return flagError(flag, val, "invalid configuration, cannot specify resource limits without cgroups v2 and --cgroup-manager=systemd (a rootless container on this cgroup v1 host has no cgroup)")
		}
		g.spec.Linux.Resources = nil
		return nil
	}
	res := g.spec.Linux.Resources
	missing := func(ctrl, flag, val string) bool {
		if g.hasController(ctrl) {
			return false
		}
		g.warn("%s %s is ignored: the %s cgroup controller is not available on this host", flag, val, ctrl)
		return true
	}
	if r.Memory > 0 && !missing("memory", flagMemory, g.o.Memory) {
		mem := &specs.LinuxMemory{Limit: &r.Memory}
		switch {
		case r.MemorySwap != 0 && !g.h.SwapAccounting:
			g.warn("%s %s is ignored: swap accounting is not enabled on this host", flagMemorySwap, g.o.MemorySwap)
		case r.MemorySwap != 0:
			swap := r.MemorySwap
			mem.Swap = &swap
		case g.h.SwapAccounting:
			swap := 2 * r.Memory
			mem.Swap = &swap
		}
		res.Memory = mem
	}
	var cpu specs.LinuxCPU
	if r.CPUQuota > 0 && !missing("cpu", flagCPUs, g.o.CPUs) {
		period := uint64(cpuPeriod)
		cpu.Quota, cpu.Period = &r.CPUQuota, &period
	}
	if r.CPUShares > 0 && !missing("cpu", flagCPUShares, strconv.FormatUint(g.o.CPUShares, 10)) {
		shares := r.CPUShares
		cpu.Shares = &shares
	}
	if r.CPUSetCPUs != "" && !missing("cpuset", flagCPUSetCPUs, g.o.CPUSetCPUs) {
		cpu.Cpus = r.CPUSetCPUs
	}
	if cpu != (specs.LinuxCPU{}) {
		res.CPU = &cpu
	}
	switch {
	case r.Pids != nil:
		if !missing("pids", flagPidsLimit, strconv.FormatInt(*r.Pids, 10)) {
			res.Pids = &specs.LinuxPids{Limit: *r.Pids}
		}
	case g.d.PidsLimit > 0 && g.hasController("pids"):
		res.Pids = &specs.LinuxPids{Limit: g.d.PidsLimit}
	}
	return g.cgroupsPath()
}

// cgroupsPath: cgroupfs puts the container at <parent>/<id> (parent default
// /pod); systemd uses <slice>:libpod:<id> (slice default machine.slice).
// rootlessLimitAsked names the first cgroup setting asked for, which a
// rootless container on a cgroup v1 host cannot have.
func (g *gen) rootlessLimitAsked() (flag, value string) {
	if flag, val := g.p.Res.limitsAsked(g.o); flag != "" {
		return flag, val
	}
	if flag, val := g.p.More.asked(g.o); flag != "" {
		return flag, val
	}
	switch {
	case len(g.o.DeviceCgroupRules) > 0:
		return "--device-cgroup-rule", g.o.DeviceCgroupRules[0]
	case g.o.BlkioWeight != 0:
		return "--blkio-weight", strconv.FormatUint(uint64(g.o.BlkioWeight), 10)
	case len(g.p.Throttle.all()) > 0:
		return "--device-read-bps", "(block I/O throttles)"
	}
	return "", ""
}

func (g *gen) cgroupsPath() error {
	parent := g.o.CgroupParent
	if g.h.CgroupManager == "systemd" {
		if parent == "" {
			parent = "machine.slice"
			if g.h.Rootless {
				parent = "user.slice"
			}
		}
		if !strings.HasSuffix(parent, ".slice") || strings.Contains(parent, "/") {
			return flagError(flagCgroupParent, parent, "with the systemd cgroup manager the parent must be a slice name ending in .slice")
		}
		g.spec.Linux.CgroupsPath = parent + ":libpod:" + g.id
		return nil
	}
	if parent == "" {
		parent = "/pod"
	}
	if !strings.HasPrefix(parent, "/") {
		return flagError(flagCgroupParent, parent, "with the cgroupfs cgroup manager the parent must be an absolute path")
	}
	g.spec.Linux.CgroupsPath = path.Join(parent, g.id)
	return nil
}

// sysctls applies containers.conf default_sysctls (those of a namespace the
// container shares with the host are skipped, and the net ones of a network
// namespace pod made outside the container's own user namespace, which its
// root may not write) and then --sysctl.
func (g *gen) sysctls() error {
	m := map[string]string{}
	hostNS := map[string]bool{
		"net": g.p.NS.Net.Kind == nsHost || (g.o.IDMappings != nil && g.p.NS.Net.Kind == nsPath),
		"ipc": g.p.NS.IPC.Kind == nsHost,
		"uts": g.p.NS.UTS.Kind == nsHost,
	}
	for _, s := range g.d.Sysctls {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return fmt.Errorf("containers.conf default_sysctls %q: want KEY=VALUE: %w", s, errdefs.ErrInvalidArgument)
		}
		if hostNS[sysctlNS(k)] {
			continue
		}
		if err := checkSysctl("containers.conf default_sysctls", k, v, g.p.NS); err != nil {
			return err
		}
		m[k] = v
	}
	for k, v := range g.o.Sysctls {
		m[k] = v
	}
	if len(m) > 0 {
		g.spec.Linux.Sysctl = m
	}
	return nil
}

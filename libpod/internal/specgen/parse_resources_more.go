package specgen

import (
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

const (
	flagCPUPeriod         = "--cpu-period"
	flagCPUQuota          = "--cpu-quota"
	flagCPURtPeriod       = "--cpu-rt-period"
	flagCPURtRuntime      = "--cpu-rt-runtime"
	flagCPUSetMems        = "--cpuset-mems"
	flagMemoryReservation = "--memory-reservation"
	flagMemorySwappiness  = "--memory-swappiness"
	flagCgroupNS          = "--cgroupns"
	flagCgroupConf        = "--cgroup-conf"
)

// moreResources are the parsed CPU and memory flags beyond --cpus/--memory.
type moreResources struct {
	Reservation int64   // --memory-reservation bytes; 0 = unset
	CgroupNS    *nsMode // --cgroupns; nil = engine default
	cpu         specs.LinuxCPU
}

// parseMoreResources checks --cpu-period/--cpu-quota (not with --cpus, as
// Podman), the realtime pair, --cpuset-mems, --memory-reservation,
// --memory-swappiness and --cgroupns.
func parseMoreResources(o *Options) (moreResources, error) {
	var r moreResources
	if o.CPUs != "" && (o.CPUPeriod != 0 || o.CPUQuota != 0) {
		return r, flagError(flagCPUs, o.CPUs, "--cpu-period and --cpu-quota cannot be set with --cpus")
	}
	if o.CPUPeriod != 0 {
		if o.CPUPeriod < 1000 || o.CPUPeriod > 1000000 {
			return r, flagError(flagCPUPeriod, strconv.FormatUint(o.CPUPeriod, 10), "want a period from 1000 to 1000000 microseconds")
		}
		p := o.CPUPeriod
		r.cpu.Period = &p
	}
	if o.CPUQuota != 0 {
		if o.CPUQuota < 1000 && o.CPUQuota != -1 {
			return r, flagError(flagCPUQuota, strconv.FormatInt(o.CPUQuota, 10), "want at least 1000 microseconds, or -1 for no limit")
		}
		q := o.CPUQuota
		r.cpu.Quota = &q
	}
	if o.CPURtPeriod != 0 {
		p := o.CPURtPeriod
		r.cpu.RealtimePeriod = &p
	}
	if o.CPURtRuntime != 0 {
		if o.CPURtPeriod != 0 && o.CPURtRuntime > int64(o.CPURtPeriod) {
			return r, flagError(flagCPURtRuntime, strconv.FormatInt(o.CPURtRuntime, 10), "must not exceed --cpu-rt-period")
		}
		rt := o.CPURtRuntime
		r.cpu.RealtimeRuntime = &rt
	}
	if o.CPUSetMems != "" {
		if err := checkCPUList(o.CPUSetMems); err != nil {
			return r, flagError(flagCPUSetMems, o.CPUSetMems, "%v", err)
		}
		r.cpu.Mems = o.CPUSetMems
	}
	if o.MemoryReservation != "" {
		n, err := parseBytes(o.MemoryReservation)
		if err != nil {
			return r, flagError(flagMemoryReservation, o.MemoryReservation, "want a size like 256m")
		}
		r.Reservation = n
	}
	if s := o.MemorySwappiness; s != nil && (*s < -1 || *s > 100) {
		return r, flagError(flagMemorySwappiness, strconv.FormatInt(*s, 10), "want a value from 0 to 100 (or -1 for the default)")
	}
	for _, kv := range o.CgroupConf {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" || strings.ContainsAny(k, "/\x00") || strings.IndexByte(kv, 0) >= 0 || !strings.Contains(k, ".") {
			return r, flagError(flagCgroupConf, kv, "want FILE=VALUE with a cgroup v2 file name, e.g. memory.high=1g")
		}
	}
	if o.CgroupNS != "" {
		ns, err := parseNS(flagCgroupNS, o.CgroupNS)
		if err != nil {
			return r, err
		}
		r.CgroupNS = &ns
	}
	return r, nil
}

// asked names the first of these limits set, for --cgroups=disabled errors.
func (r moreResources) asked(o *Options) (flag, value string) {
	switch {
	case o.CPUPeriod != 0:
		return flagCPUPeriod, strconv.FormatUint(o.CPUPeriod, 10)
	case o.CPUQuota != 0:
		return flagCPUQuota, strconv.FormatInt(o.CPUQuota, 10)
	case o.CPURtPeriod != 0 || o.CPURtRuntime != 0:
		return flagCPURtRuntime, strconv.FormatInt(o.CPURtRuntime, 10)
	case o.CPUSetMems != "":
		return flagCPUSetMems, o.CPUSetMems
	case o.MemoryReservation != "":
		return flagMemoryReservation, o.MemoryReservation
	case o.MemorySwappiness != nil && *o.MemorySwappiness >= 0:
		return flagMemorySwappiness, strconv.FormatInt(*o.MemorySwappiness, 10)
	case o.OOMKillDisable:
		return "--oom-kill-disable", "true"
	case len(o.CgroupConf) > 0:
		return flagCgroupConf, o.CgroupConf[0]
	}
	return "", ""
}

// moreResources applies them to the spec's resources (after resources()).
func (g *gen) moreResources() error {
	res := g.spec.Linux.Resources
	r := g.p.More
	if res == nil {
		return nil // --cgroups=disabled; parse refused limits already
	}
	if r.cpu != (specs.LinuxCPU{}) && g.hasController("cpu") {
		if res.CPU == nil {
			res.CPU = &specs.LinuxCPU{}
		}
		c := res.CPU
		if r.cpu.Period != nil {
			c.Period = r.cpu.Period
		}
		if r.cpu.Quota != nil {
			c.Quota = r.cpu.Quota
		}
		c.RealtimePeriod, c.RealtimeRuntime = r.cpu.RealtimePeriod, r.cpu.RealtimeRuntime
		if r.cpu.Mems != "" {
			c.Mems = r.cpu.Mems
		}
	}
	o := g.o
	if len(o.CgroupConf) > 0 {
		if !g.h.CgroupV2 {
			return flagError(flagCgroupConf, o.CgroupConf[0], "cannot use --cgroup-conf without cgroup v2")
		}
		res.Unified = map[string]string{}
		for _, kv := range o.CgroupConf {
			k, v, _ := strings.Cut(kv, "=")
			res.Unified[k] = v
		}
	}
	swappiness := o.MemorySwappiness != nil && *o.MemorySwappiness >= 0
	if r.Reservation == 0 && !swappiness && !o.OOMKillDisable {
		return nil
	}
	if !g.hasController("memory") {
		g.warn("memory reservation, swappiness and the OOM killer setting are ignored: the memory cgroup controller is not available on this host")
		return nil
	}
	if res.Memory == nil {
		res.Memory = &specs.LinuxMemory{}
	}
	if r.Reservation != 0 {
		n := r.Reservation
		res.Memory.Reservation = &n
	}
	if swappiness {
		if g.h.CgroupV2 {
			g.warn("%s is ignored: cgroup v2 has no swappiness", flagMemorySwappiness)
		} else {
			v := uint64(*o.MemorySwappiness)
			res.Memory.Swappiness = &v
		}
	}
	if o.OOMKillDisable {
		t := true
		res.Memory.DisableOOMKiller = &t
	}
	return nil
}

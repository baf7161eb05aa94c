package specgen

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"

	units "github.com/docker/go-units"
)

const (
	flagUlimit       = "--ulimit"
	flagMemory       = "--memory"
	flagMemorySwap   = "--memory-swap"
	flagCPUs         = "--cpus"
	flagCPUShares    = "--cpu-shares"
	flagCPUSetCPUs   = "--cpuset-cpus"
	flagPidsLimit    = "--pids-limit"
	flagShmSize      = "--shm-size"
	flagSysctl       = "--sysctl"
	flagCgroups      = "--cgroups"
	flagCgroupParent = "--cgroup-parent"
	flagOOMScoreAdj  = "--oom-score-adj"
)

// rlimitUnlimited is RLIM_INFINITY.
const rlimitUnlimited = math.MaxUint64

// ulimitReq is one parsed --ulimit NAME=SOFT[:HARD] (-1 = unlimited).
type ulimitReq struct {
	flag, value string
	Name        string // lowercase, as go-units names it ("nofile")
	Soft, Hard  uint64
}

// parseUlimit parses NAME=SOFT[:HARD] with go-units; -1 means unlimited and
// is the only negative value accepted.
func parseUlimit(flag, v string) (ulimitReq, error) {
	u := ulimitReq{flag: flag, value: v}
	ul, err := units.ParseUlimit(v)
	if err != nil {
		return u, flagError(flag, v, "%v (want NAME=SOFT[:HARD], e.g. nofile=1024:2048)", err)
	}
	toLimit := func(n int64, which string) (uint64, error) {
		switch {
		case n == -1:
			return rlimitUnlimited, nil
		case n < 0:
			return 0, flagError(flag, v, "negative %s limit %d (only -1, unlimited, is allowed)", which, n)
		}
		return uint64(n), nil
	}
	if u.Soft, err = toLimit(ul.Soft, "soft"); err != nil {
		return u, err
	}
	if u.Hard, err = toLimit(ul.Hard, "hard"); err != nil {
		return u, err
	}
	u.Name = ul.Name
	return u, nil
}

// rlimitType is the OCI name of a limit ("nofile" → "RLIMIT_NOFILE").
func rlimitType(name string) string { return "RLIMIT_" + strings.ToUpper(name) }

// parseMemory parses a --memory style size; the kernel refuses tiny limits,
// so (as Podman) anything below 6 MiB is refused here. 0 means no limit.
func parseMemory(flag, v string) (int64, error) {
	n, err := parseBytes(v)
	if err != nil {
		return 0, flagError(flag, v, "want a size like 512m or 2g, or 0 for no limit")
	}
	if n != 0 && n < 6*1024*1024 {
		return 0, flagError(flag, v, "the minimum memory limit is 6m")
	}
	return n, nil
}

// resources are the parsed resource options.
type resources struct {
	Memory, MemorySwap int64 // 0 = unset; MemorySwap -1 = unlimited
	CPUQuota           int64 // 0 = unset; period is cpuPeriod
	CPUShares          uint64
	CPUSetCPUs         string
	Pids               *int64 // nil = engine default; -1 = unlimited
}

const cpuPeriod = 100000

func parseResources(o *Options) (resources, error) {
	var r resources
	var err error
	if o.Memory != "" {
		if r.Memory, err = parseMemory(flagMemory, o.Memory); err != nil {
			return r, err
		}
	}
	if o.MemorySwap != "" {
		if o.MemorySwap == "-1" {
			r.MemorySwap = -1
		} else {
			n, err := parseBytes(o.MemorySwap)
			if err != nil {
				return r, flagError(flagMemorySwap, o.MemorySwap, "want a size like 1g, or -1 for unlimited")
			}
			r.MemorySwap = n
		}
		if r.Memory == 0 {
			return r, flagError(flagMemorySwap, o.MemorySwap, "needs --memory as well")
		}
		if r.MemorySwap > 0 && r.MemorySwap < r.Memory {
			return r, flagError(flagMemorySwap, o.MemorySwap, "must be at least --memory (%s); it is memory plus swap", o.Memory)
		}
	}
	if o.CPUs != "" {
		f, err := strconv.ParseFloat(o.CPUs, 64)
		ncpu := runtime.NumCPU()
		if err != nil || math.IsNaN(f) || f < 0.01 || f > float64(ncpu) {
			return r, flagError(flagCPUs, o.CPUs, "want a number from 0.01 to %d (this host has %d CPUs)", ncpu, ncpu)
		}
		r.CPUQuota = int64(math.Round(f * cpuPeriod))
	}
	if o.CPUShares != 0 {
		if o.CPUShares < 2 || o.CPUShares > 262144 {
			return r, flagError(flagCPUShares, strconv.FormatUint(o.CPUShares, 10), "want a value from 2 to 262144")
		}
		r.CPUShares = o.CPUShares
	}
	if o.CPUSetCPUs != "" {
		if err := checkCPUList(o.CPUSetCPUs); err != nil {
			return r, flagError(flagCPUSetCPUs, o.CPUSetCPUs, "%v", err)
		}
		r.CPUSetCPUs = o.CPUSetCPUs
	}
	if o.PidsLimit != nil {
		n := *o.PidsLimit
		switch {
		case n == 0 || n == -1:
			n = -1
		case n < -1:
			return r, flagError(flagPidsLimit, strconv.FormatInt(n, 10), "want a positive limit, or 0 or -1 for unlimited")
		}
		r.Pids = &n
	}
	if o.ShmSize != "" {
		if _, err := parseShmSize(flagShmSize, o.ShmSize); err != nil {
			return r, err
		}
	}
	return r, nil
}

// limitsAsked names the first cgroup limit set, for --cgroups=disabled errors.
func (r resources) limitsAsked(o *Options) (flag, value string) {
	switch {
	case r.Memory != 0:
		return flagMemory, o.Memory
	case r.MemorySwap != 0:
		return flagMemorySwap, o.MemorySwap
	case r.CPUQuota != 0:
		return flagCPUs, o.CPUs
	case r.CPUShares != 0:
		return flagCPUShares, strconv.FormatUint(o.CPUShares, 10)
	case r.CPUSetCPUs != "":
		return flagCPUSetCPUs, o.CPUSetCPUs
	case r.Pids != nil && *r.Pids > 0:
		return flagPidsLimit, strconv.FormatInt(*r.Pids, 10)
	}
	return "", ""
}

// checkCPUList validates a cpuset list such as "0-3,5".
func checkCPUList(s string) error {
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.ParseUint(lo, 10, 16)
		if err != nil {
			return fmt.Errorf("bad CPU number %q; want a list like 0-3,5", lo)
		}
		if isRange {
			b, err := strconv.ParseUint(hi, 10, 16)
			if err != nil || b < a {
				return fmt.Errorf("bad CPU range %q", part)
			}
		}
	}
	return nil
}

// sysctlNS is the namespace a sysctl belongs to ("" = not namespaced).
func sysctlNS(key string) string {
	switch key {
	case "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
		"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced":
		return "ipc"
	case "kernel.hostname", "kernel.domainname":
		return "uts"
	}
	switch {
	case strings.HasPrefix(key, "fs.mqueue."):
		return "ipc"
	case strings.HasPrefix(key, "net."):
		return "net"
	}
	return ""
}

// checkSysctl validates one --sysctl KEY=VALUE against the namespaces the
// container gets: a sysctl of a namespace shared with the host is refused.
func checkSysctl(flag, key, val string, ns *namespaces) error {
	v := key + "=" + val
	if key == "" || strings.ContainsAny(key, " \t\n\x00=") || strings.ContainsAny(val, "\n\x00") {
		return flagError(flag, v, "want KEY=VALUE")
	}
	if key == "kernel.hostname" {
		// The runtime sets it from the spec's hostname (and refuses both).
		return flagError(flag, v, "set the container's host name with --hostname")
	}
	switch sysctlNS(key) {
	case "":
		return flagError(flag, v, "sysctl %q is not namespaced and cannot be set for a container", key)
	case "net":
		if ns != nil && ns.Net.Kind == nsHost {
			return flagError(flag, v, "cannot set a net.* sysctl with --network host (it would change the host)")
		}
	case "ipc":
		if ns != nil && ns.IPC.Kind == nsHost {
			return flagError(flag, v, "cannot set an IPC sysctl with --ipc host (it would change the host)")
		}
	case "uts":
		if ns != nil && ns.UTS.Kind == nsHost {
			return flagError(flag, v, "cannot set a UTS sysctl with --uts host (it would change the host)")
		}
	}
	return nil
}

func checkCgroupsMode(v string) error {
	switch v {
	case "", "enabled", "disabled", "no-conmon":
		return nil
	case "split":
		return flagError(flagCgroups, v, "split is not supported yet; use enabled, disabled or no-conmon")
	}
	return flagError(flagCgroups, v, "want enabled, disabled or no-conmon")
}

func checkCgroupParent(v string) error {
	if strings.ContainsAny(v, "\x00\n") {
		return flagError(flagCgroupParent, v, "invalid characters")
	}
	for _, c := range strings.Split(v, "/") {
		if c == ".." {
			return flagError(flagCgroupParent, v, "must not contain ..")
		}
	}
	return nil
}

// PodLimits parses a pod's --cpus and --memory (as a container's) into a
// CFS quota per 100ms period and a memory limit in bytes; 0 = no limit.
func PodLimits(cpus, memory string) (cpuQuota, cpuPeriodUS, mem int64, err error) {
	r, err := parseResources(&Options{CPUs: cpus, Memory: memory})
	return r.CPUQuota, cpuPeriod, r.Memory, err
}

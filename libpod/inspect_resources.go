package libpod

import (
	"math"
	"strconv"

	"github.com/pod-engine/pod/libpod/internal/specgen"
)

// InspectResources are HostConfig's cgroup limits beyond Memory and
// PidsLimit, with Podman's keys: what create set and `pod update` changed.
// The Go names are Podman's too: --format templates use them.
type InspectResources struct {
	NanoCpus           int64  `json:"NanoCpus"`
	CpuShares          uint64 `json:"CpuShares"`
	CpuPeriod          uint64 `json:"CpuPeriod"`
	CpuQuota           int64  `json:"CpuQuota"`
	CpuRealtimePeriod  uint64 `json:"CpuRealtimePeriod"`
	CpuRealtimeRuntime int64  `json:"CpuRealtimeRuntime"`
	CpusetCpus         string `json:"CpusetCpus"`
	CpusetMems         string `json:"CpusetMems"`
	MemoryReservation  int64  `json:"MemoryReservation"`
	MemorySwap         int64  `json:"MemorySwap"`
	MemorySwappiness   int64  `json:"MemorySwappiness"`
	BlkioWeight        uint16 `json:"BlkioWeight"`
}

// inspectResources reads them from the container's create options.
func inspectResources(s *specgen.Options) InspectResources {
	r := InspectResources{
		CpuShares: s.CPUShares, CpuPeriod: s.CPUPeriod, CpuQuota: s.CPUQuota,
		CpuRealtimePeriod: s.CPURtPeriod, CpuRealtimeRuntime: s.CPURtRuntime,
		CpusetCpus: s.CPUSetCPUs, CpusetMems: s.CPUSetMems, BlkioWeight: s.BlkioWeight,
	}
	if f, err := strconv.ParseFloat(s.CPUs, 64); err == nil && s.CPUs != "" {
		r.NanoCpus = int64(math.Round(f * 1e9))
		r.CpuPeriod, r.CpuQuota = 100000, int64(math.Round(f*100000)) // the spec's CFS pair, as Podman shows it
	}
	r.MemoryReservation, _ = parseSizeOrZero(s.MemoryReservation)
	mem, _ := parseSizeOrZero(s.Memory)
	switch {
	case s.MemorySwap == "-1":
		r.MemorySwap = -1
	case s.MemorySwap != "":
		r.MemorySwap, _ = parseSize(s.MemorySwap)
	case mem > 0:
		r.MemorySwap = 2 * mem // as the generated spec (and Podman) default it
	}
	if s.MemorySwappiness != nil {
		r.MemorySwappiness = *s.MemorySwappiness
	}
	return r
}

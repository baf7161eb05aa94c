package specgen

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// PodResources parses a pod's resource flags (--cpus, --memory,
// --memory-swap, --cpu-shares, --cpuset-cpus, --cpuset-mems, --blkio-weight,
// --blkio-weight-device, --device-read-bps, --device-write-bps), set in o as
// on a container, into the limits of the pod cgroup. It runs the very steps
// that give a container its limits, so values are checked and a limit the
// host cannot hold is dropped with the same warning. nil: no limit asked.
func PodResources(o *Options, h *Host) (*specs.LinuxResources, []string, error) {
	if h == nil {
		h = &Host{}
	}
	p, err := parse(o, &Defaults{})
	if err != nil {
		return nil, nil, err
	}
	g := &gen{id: "pod", o: o, d: &Defaults{}, h: h, p: p, res: &Result{}, img: &Image{}}
	g.spec = &specs.Spec{Linux: &specs.Linux{Resources: &specs.LinuxResources{}}}
	for _, step := range []func() error{g.resources, g.moreResources, g.runResources} {
		if err := step(); err != nil {
			return nil, nil, err
		}
	}
	res := g.spec.Linux.Resources
	if res == nil || (res.CPU == nil && res.Memory == nil && res.BlockIO == nil) {
		return nil, g.res.Warnings, nil
	}
	return &specs.LinuxResources{CPU: res.CPU, Memory: res.Memory, BlockIO: res.BlockIO}, g.res.Warnings, nil
}

// PodResourceFlag names the first resource flag set in o ("" if none): the
// flags PodResources reads.
func PodResourceFlag(o *Options) string {
	switch {
	case o.CPUs != "":
		return flagCPUs
	case o.Memory != "":
		return flagMemory
	case o.MemorySwap != "":
		return flagMemorySwap
	case o.CPUShares != 0:
		return flagCPUShares
	case o.CPUSetCPUs != "":
		return flagCPUSetCPUs
	case o.CPUSetMems != "":
		return flagCPUSetMems
	case o.BlkioWeight != 0:
		return "--blkio-weight"
	case len(o.BlkioWeightDevice) > 0:
		return "--blkio-weight-device"
	case len(o.DeviceReadBps) > 0:
		return "--device-read-bps"
	case len(o.DeviceWriteBps) > 0:
		return "--device-write-bps"
	}
	return ""
}

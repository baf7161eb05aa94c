package main

import "github.com/spf13/pflag"

// registerContainerFlags registers the container flags of `pod pod create`
// (Podman 4.3's list) into the same spec options `run` fills; libpod
// decides what limits the pod cgroup and what goes on the infra and its
// members (libpod/pod_flags.go).
func (f *podCreateFlags) registerContainerFlags(fl *pflag.FlagSet) {
	s := &f.o.Spec
	fl.Uint16Var(&s.BlkioWeight, "blkio-weight", 0, "Block IO weight (relative weight) accepts a weight value between 10 and 1000.")
	fl.StringSliceVar(&s.BlkioWeightDevice, "blkio-weight-device", nil, "Block IO weight (relative device weight, format: DEVICE_NAME:WEIGHT)")
	fl.Uint64VarP(&s.CPUShares, "cpu-shares", "c", 0, "CPU shares (relative weight)")
	fl.StringVar(&s.CPUSetCPUs, "cpuset-cpus", "", "CPUs in which to allow execution (0-3, 0,1)")
	fl.StringVar(&s.CPUSetMems, "cpuset-mems", "", "Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only effective on NUMA systems.")
	fl.StringSliceVar(&s.Devices, "device", nil, "Add a host device to the pod's containers")
	fl.StringSliceVar(&s.DeviceReadBps, "device-read-bps", nil, "Limit read rate (bytes per second) from a device (e.g. --device-read-bps=/dev/sda:1mb)")
	fl.StringSliceVar(&s.DeviceWriteBps, "device-write-bps", nil, "Limit write rate (bytes per second) to a device (e.g. --device-write-bps=/dev/sda:1mb)")
	fl.StringVar(&s.MemorySwap, "memory-swap", "", "Swap limit equal to memory plus swap: '-1' to enable unlimited swap")
	fl.StringVar(&s.PID, "pid", "", "PID namespace to use")
	fl.StringArrayVar(&s.SecurityOpt, "security-opt", nil, "Security Options")
	fl.StringVar(&s.ShmSize, "shm-size", "", "Size of /dev/shm (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))")
	fl.StringSliceVar(&f.sysctls, "sysctl", nil, "Sysctl options")
	fl.StringSliceVar(&s.UIDMap, "uidmap", nil, "UID map to use for the user namespace")
	fl.StringSliceVar(&s.GIDMap, "gidmap", nil, "GID map to use for the user namespace")
	fl.StringVar(&s.SubUIDName, "subuidname", "", "Name of range listed in /etc/subuid for use in user namespace")
	fl.StringVar(&s.SubGIDName, "subgidname", "", "Name of range listed in /etc/subgid for use in user namespace")
	fl.StringVar(&s.UserNS, "userns", "", "User namespace to use")
	fl.StringVar(&s.UTS, "uts", "", "UTS namespace to use")
	fl.StringArrayVarP(&s.Volumes, "volume", "v", nil, "Bind mount a volume into the container")
	fl.StringArrayVar(&f.o.VolumesFrom, "volumes-from", nil, "Mount volumes from the specified container(s)")
}

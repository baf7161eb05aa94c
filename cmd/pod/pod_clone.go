package main

import (
	"fmt"
	"maps"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// `pod pod clone` and `pod container clone` (Podman 4.3.1's flags): the
// clone is created from the options the original was created with; the
// flags given here replace those options (a --label adds to the labels).

func init() {
	podVerbs = append(podVerbs, podCloneCommand)
	containerCommands = append(containerCommands, containerCloneCommand)
}

// podCloneEdits copy each pod clone flag, when given, from the parsed
// flags into the original pod's create options.
var podCloneEdits = map[string]func(dst, src *libpod.PodCreateOptions){
	"blkio-weight":         func(d, s *libpod.PodCreateOptions) { d.Spec.BlkioWeight = s.Spec.BlkioWeight },
	"blkio-weight-device":  func(d, s *libpod.PodCreateOptions) { d.Spec.BlkioWeightDevice = s.Spec.BlkioWeightDevice },
	"cgroup-parent":        func(d, s *libpod.PodCreateOptions) { d.CgroupParent = s.CgroupParent },
	"cpu-shares":           func(d, s *libpod.PodCreateOptions) { d.Spec.CPUShares = s.Spec.CPUShares },
	"cpus":                 func(d, s *libpod.PodCreateOptions) { d.CPUs = s.CPUs },
	"cpuset-cpus":          func(d, s *libpod.PodCreateOptions) { d.Spec.CPUSetCPUs = s.Spec.CPUSetCPUs },
	"cpuset-mems":          func(d, s *libpod.PodCreateOptions) { d.Spec.CPUSetMems = s.Spec.CPUSetMems },
	"device":               func(d, s *libpod.PodCreateOptions) { d.Spec.Devices = s.Spec.Devices },
	"device-read-bps":      func(d, s *libpod.PodCreateOptions) { d.Spec.DeviceReadBps = s.Spec.DeviceReadBps },
	"device-write-bps":     func(d, s *libpod.PodCreateOptions) { d.Spec.DeviceWriteBps = s.Spec.DeviceWriteBps },
	"gidmap":               func(d, s *libpod.PodCreateOptions) { d.Spec.GIDMap = s.Spec.GIDMap },
	"hostname":             func(d, s *libpod.PodCreateOptions) { d.Hostname = s.Hostname },
	"infra-command":        func(d, s *libpod.PodCreateOptions) { d.InfraCommand = s.InfraCommand },
	"infra-conmon-pidfile": func(d, s *libpod.PodCreateOptions) { d.InfraConmonPidFile = s.InfraConmonPidFile },
	"infra-name":           func(d, s *libpod.PodCreateOptions) { d.InfraName = s.InfraName },
	"label":                mergeLabels,
	"label-file":           mergeLabels,
	"memory":               func(d, s *libpod.PodCreateOptions) { d.Memory = s.Memory },
	"memory-swap":          func(d, s *libpod.PodCreateOptions) { d.Spec.MemorySwap = s.Spec.MemorySwap },
	"pid":                  func(d, s *libpod.PodCreateOptions) { d.Spec.PID = s.Spec.PID },
	"security-opt":         func(d, s *libpod.PodCreateOptions) { d.Spec.SecurityOpt = s.Spec.SecurityOpt },
	"shm-size":             func(d, s *libpod.PodCreateOptions) { d.Spec.ShmSize = s.Spec.ShmSize },
	"subgidname":           func(d, s *libpod.PodCreateOptions) { d.Spec.SubGIDName = s.Spec.SubGIDName },
	"subuidname":           func(d, s *libpod.PodCreateOptions) { d.Spec.SubUIDName = s.Spec.SubUIDName },
	"sysctl":               func(d, s *libpod.PodCreateOptions) { d.Spec.Sysctls = s.Spec.Sysctls },
	"uidmap":               func(d, s *libpod.PodCreateOptions) { d.Spec.UIDMap = s.Spec.UIDMap },
	"userns":               func(d, s *libpod.PodCreateOptions) { d.Spec.UserNS = s.Spec.UserNS },
	"uts":                  func(d, s *libpod.PodCreateOptions) { d.Spec.UTS = s.Spec.UTS },
	"volume":               func(d, s *libpod.PodCreateOptions) { d.Spec.Volumes = s.Spec.Volumes },
	"volumes-from":         func(d, s *libpod.PodCreateOptions) { d.VolumesFrom = s.VolumesFrom },
	"name":                 func(*libpod.PodCreateOptions, *libpod.PodCreateOptions) {}, // PodCloneOptions.Name
}

func mergeLabels(d, s *libpod.PodCreateOptions) {
	if d.Labels == nil && len(s.Labels) > 0 {
		d.Labels = map[string]string{}
	}
	maps.Copy(d.Labels, s.Labels)
}

// addFlags adds the flags of from named in keep to fl (the subset of
// create's flags a clone command takes, bound to the same variables).
func addFlags(fl, from *pflag.FlagSet, keep func(string) bool) {
	from.VisitAll(func(f *pflag.Flag) {
		if keep(f.Name) {
			fl.AddFlag(f)
		}
	})
}

func podCloneCommand() *cobra.Command {
	var f podCreateFlags
	var o libpod.PodCloneOptions
	cmd := &cobra.Command{
		Use:   "clone [options] POD NAME",
		Short: "Clone an existing pod",
		Long:  "Create an exact copy of a pod and the containers within it",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 {
				f.o.Name = args[1]
			}
			o.Name = f.o.Name
			if err := f.options(cmd); err != nil {
				return err
			}
			o.Edit = func(po *libpod.PodCreateOptions) error {
				cmd.Flags().Visit(func(fl *pflag.Flag) {
					if edit := podCloneEdits[fl.Name]; edit != nil {
						edit(po, &f.o)
					}
				})
				return nil
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				src, err := rt.LookupPod(args[0])
				if err != nil {
					return err
				}
				p, err := rt.ClonePod(cmd.Context(), src, o)
				if p != nil {
					fmt.Println(p.ID())
				}
				return err
			})
		},
	}
	registerFlags(cmd, func() {
		tmp := pflag.NewFlagSet("pod create", pflag.ContinueOnError)
		f.register(tmp)
		fl := cmd.Flags()
		addFlags(fl, tmp, func(name string) bool { return podCloneEdits[name] != nil || name == "help" })
		fl.Lookup("name").Usage = "name the new pod"
		fl.BoolVar(&o.Destroy, "destroy", false, "destroy the original pod")
		fl.BoolVar(&o.Start, "start", false, "start the new pod")
	})
	return cmd
}

// containerCloneEdits copy each resource flag of container clone, when
// given, from the parsed flags into the original's create options.
var containerCloneEdits = map[string]func(dst, src *libpod.CreateOptions){
	"blkio-weight":        func(d, s *libpod.CreateOptions) { d.Spec.BlkioWeight = s.Spec.BlkioWeight },
	"blkio-weight-device": func(d, s *libpod.CreateOptions) { d.Spec.BlkioWeightDevice = s.Spec.BlkioWeightDevice },
	"cpu-period":          func(d, s *libpod.CreateOptions) { d.Spec.CPUPeriod = s.Spec.CPUPeriod },
	"cpu-quota":           func(d, s *libpod.CreateOptions) { d.Spec.CPUQuota = s.Spec.CPUQuota },
	"cpu-rt-period":       func(d, s *libpod.CreateOptions) { d.Spec.CPURtPeriod = s.Spec.CPURtPeriod },
	"cpu-rt-runtime":      func(d, s *libpod.CreateOptions) { d.Spec.CPURtRuntime = s.Spec.CPURtRuntime },
	"cpu-shares":          func(d, s *libpod.CreateOptions) { d.Spec.CPUShares = s.Spec.CPUShares },
	"cpus":                func(d, s *libpod.CreateOptions) { d.Spec.CPUs = s.Spec.CPUs },
	"cpuset-cpus":         func(d, s *libpod.CreateOptions) { d.Spec.CPUSetCPUs = s.Spec.CPUSetCPUs },
	"cpuset-mems":         func(d, s *libpod.CreateOptions) { d.Spec.CPUSetMems = s.Spec.CPUSetMems },
	"device-read-bps":     func(d, s *libpod.CreateOptions) { d.Spec.DeviceReadBps = s.Spec.DeviceReadBps },
	"device-write-bps":    func(d, s *libpod.CreateOptions) { d.Spec.DeviceWriteBps = s.Spec.DeviceWriteBps },
	"memory":              func(d, s *libpod.CreateOptions) { d.Spec.Memory = s.Spec.Memory },
	"memory-reservation":  func(d, s *libpod.CreateOptions) { d.Spec.MemoryReservation = s.Spec.MemoryReservation },
	"memory-swap":         func(d, s *libpod.CreateOptions) { d.Spec.MemorySwap = s.Spec.MemorySwap },
	"memory-swappiness":   func(d, s *libpod.CreateOptions) { d.Spec.MemorySwappiness = s.Spec.MemorySwappiness },
}

func containerCloneCommand() *cobra.Command {
	var f createFlags
	var o libpod.ContainerCloneOptions
	var run bool
	cmd := &cobra.Command{
		Use:   "clone [options] CONTAINER NAME IMAGE",
		Short: "Clone an existing container",
		Long:  "Creates a copy of an existing container.",
		Args:  cobra.RangeArgs(1, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				o.Name = args[1]
			}
			if len(args) > 2 {
				o.Image = args[2]
			}
			if o.Force && !o.Destroy {
				return fmt.Errorf("--force needs --destroy: it removes a running original: %w", errdefs.ErrInvalidArgument)
			}
			if err := f.runOptions(cmd, &f.o); err != nil {
				return err
			}
			o.Edit = func(co *libpod.CreateOptions) error {
				cmd.Flags().Visit(func(fl *pflag.Flag) {
					if edit := containerCloneEdits[fl.Name]; edit != nil {
						edit(co, &f.o)
					}
				})
				return nil
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				src, err := rt.LookupContainer(args[0])
				if err != nil {
					return err
				}
				c, err := rt.CloneContainer(cmd.Context(), src, o)
				if err != nil && c == nil {
					return err
				}
				if err == nil && run {
					err = c.Start(cmd.Context(), nil)
				}
				fmt.Println(c.ID())
				return err
			})
		},
	}
	registerFlags(cmd, func() {
		tmp := pflag.NewFlagSet("create", pflag.ContinueOnError)
		f.register(tmp)
		addFlags(cmd.Flags(), tmp, func(name string) bool { return containerCloneEdits[name] != nil || name == "help" })
	})
	fl := cmd.Flags()
	fl.StringVar(&o.Name, "name", "", "Assign a name to the container")
	fl.StringVar(&o.Pod, "pod", "", "Run container in an existing pod")
	fl.BoolVar(&o.Destroy, "destroy", false, "destroy the original container")
	fl.BoolVarP(&o.Force, "force", "f", false, "force the existing container to be destroyed")
	fl.BoolVar(&run, "run", false, "run the new container")
	return cmd
}

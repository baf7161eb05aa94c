package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pod-engine/pod/libpod"
)

func init() {
	commands = append(commands, updateCommand)
	containerCommands = append(containerCommands, updateCommand)
}

// updateEdits are the resource flags of `pod update` (Podman 4.3.1's set):
// container clone's, and the iops limits.
var updateEdits = func() map[string]func(dst, src *libpod.CreateOptions) {
	m := map[string]func(dst, src *libpod.CreateOptions){
		"device-read-iops":  func(d, s *libpod.CreateOptions) { d.Spec.DeviceReadIOps = s.Spec.DeviceReadIOps },
		"device-write-iops": func(d, s *libpod.CreateOptions) { d.Spec.DeviceWriteIOps = s.Spec.DeviceWriteIOps },
	}
	for k, v := range containerCloneEdits {
		m[k] = v
	}
	return m
}()

func updateCommand() *cobra.Command {
	var f createFlags
	var runtime string
	cmd := &cobra.Command{
		Use:   "update [options] CONTAINER",
		Short: "update an existing container",
		Long:  "Updates the cgroup configuration of a given container",
		Example: `pod update --cpus=5 foobar_container
pod update --memory 256m --memory-swap 1g ctr
pod container update --runtime runc stopped_ctr`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.runOptions(cmd, &f.o); err != nil {
				return err
			}
			fl := cmd.Flags()
			var given []string
			fl.Visit(func(x *pflag.Flag) {
				if updateEdits[x.Name] != nil {
					given = append(given, x.Name)
				}
			})
			return withContainer(args[0], func(c *libpod.Container) error {
				if runtime != "" {
					if _, err := c.SetRuntime(runtime); err != nil {
						return err
					}
				}
				if len(given) > 0 {
					edit := func(co *libpod.CreateOptions) {
						for _, name := range given {
							updateEdits[name](co, &f.o)
						}
						cpus := fl.Changed("cpus")
						cfs := fl.Changed("cpu-period") || fl.Changed("cpu-quota")
						// --cpus and --cpu-period/--cpu-quota are one limit: the
						// new one replaces the old (given together, create's
						// check refuses them).
						if cpus && !cfs {
							co.Spec.CPUPeriod, co.Spec.CPUQuota = 0, 0
						}
						if cfs && !cpus {
							co.Spec.CPUs = ""
						}
					}
					if _, err := c.UpdateResources(cmd.Context(), edit); err != nil {
						return err
					}
				}
				fmt.Println(c.ID())
				return nil
			})
		},
	}
	// Its flags are create's resource flags: built from create's whole set,
	// so registered only when update is the verb (lazyflags.go).
	registerFlags(cmd, func() {
		tmp := pflag.NewFlagSet("create", pflag.ContinueOnError)
		f.register(tmp)
		fl := cmd.Flags()
		addFlags(fl, tmp, func(name string) bool { return updateEdits[name] != nil })
		fl.StringVar(&runtime, "runtime", "", "Switch the (stopped) container to this runtime: a name, shim type, alias or absolute path")
	})
	return cmd
}

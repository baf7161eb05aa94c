package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
)

func init() {
	commands = append(commands, portCommand)
	containerCommands = append(containerCommands, portCommand)
}

func portCommand() *cobra.Command {
	var all, latest bool
	cmd := &cobra.Command{
		Use:   "port [options] CONTAINER [PORT]",
		Short: "List port mappings or a specific mapping for the container",
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case all && len(args) > 0:
				return usageError("no arguments are needed with --all")
			case len(args) > 2:
				return usageError("`port` accepts at most 2 arguments")
			case !all && !latest && len(args) == 0:
				return usageError("you must supply a running container name or id")
			case latest && len(args) > 1:
				return usageError("`port` accepts at most one argument with --latest")
			}
			var filter libpod.PortFilter
			portArg := ""
			if len(args) == 2 || (latest && len(args) == 1) {
				portArg = args[len(args)-1]
			}
			if portArg != "" {
				var err error
				if filter, err = libpod.ParsePortFilter(portArg); err != nil {
					return err
				}
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				var cs []*libpod.Container
				switch {
				case all:
					var err error
					if cs, err = rt.Containers(); err != nil {
						return err
					}
				case latest:
					c, err := rt.LatestContainer()
					if err != nil {
						return err
					}
					cs = []*libpod.Container{c}
				default:
					c, err := rt.LookupContainer(args[0])
					if err != nil {
						return err
					}
					cs = []*libpod.Container{c}
				}
				for _, c := range cs {
					// With --all Podman starts every line with the ID and a tab.
					prefix := ""
					if all {
						prefix = c.ID()[:12] + "\t"
					}
					for _, p := range c.Ports(filter) {
						if filter.Port != 0 {
							// Podman prints only the host side for one port.
							fmt.Printf("%s:%d\n", p.HostIP, p.HostPort)
							continue
						}
						fmt.Println(prefix + p.String())
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Display port information for all containers")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "Act on the latest container podman is aware of")
	return cmd
}

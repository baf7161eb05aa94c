package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
)

func init() {
	commands = append(commands, unmountCommand)
	containerCommands = append(containerCommands, unmountCommand)
}

func unmountCommand() *cobra.Command {
	var all, latest, force bool
	cmd := &cobra.Command{
		Use:     "unmount [options] CONTAINER [CONTAINER...]",
		Aliases: []string{"umount"},
		Short:   "Unmount working container's root filesystem",
		Long: `Unmount a working container's root filesystem. Mounts are counted: each mount
needs an unmount; --force drops all of them. The mount a created or running
container holds for its runtime stays until the container is cleaned up.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all && len(args) > 0 {
				return usageError("no arguments are needed with --all")
			}
			if !all && !latest && len(args) == 0 {
				return usageError("you must provide at least one name or id")
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				args, err := addLatest(rt, latest, all, args)
				if err != nil {
					return err
				}
				if all {
					ms, err := rt.MountedContainers()
					if err != nil {
						return err
					}
					for _, m := range ms {
						args = append(args, m.ID)
					}
				}
				return eachContainer(rt, args, func(c *libpod.Container, arg string) error {
					dropped, err := c.Unmount(cmd.Context(), force)
					if err == nil && (dropped || !all) {
						fmt.Println(arg)
					}
					return err
				})
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&all, "all", "a", false, "Unmount all of the currently mounted containers")
	fl.BoolVarP(&force, "force", "f", false, "Force the complete unmount of the specified mounted containers")
	fl.BoolVarP(&latest, "latest", "l", false, "Act on the latest container podman is aware of")
	return cmd
}

package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() {
	commands = append(commands, initCommand)
	containerCommands = append(containerCommands, initCommand)
}

func initCommand() *cobra.Command {
	var all, latest bool
	cmd := &cobra.Command{
		Use:   "init [options] CONTAINER [CONTAINER...]",
		Short: "Initialize one or more containers",
		Long: `Create containers in their runtime without starting them: the container's
state becomes "initialized" and a later start only starts its process.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case all && len(args) > 0:
				return usageError("--all and container names cannot be used together")
			case !all && !latest && len(args) == 0:
				return usageError("you must provide at least one name or id")
			case latest:
				rt, err := newRuntime()
				if err != nil {
					return err
				}
				args, err = addLatest(rt, latest, all, args)
				rt.Shutdown()
				if err != nil {
					return err
				}
			}
			return forEach(args, all, func(c *libpod.Container) error {
				err := c.Init(cmd.Context())
				if all && errors.Is(err, errdefs.ErrConflict) {
					return nil // --all skips containers already created, as Podman
				}
				return err
			}, nil)
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Initialize all containers")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "Act on the latest container podman is aware of")
	return cmd
}

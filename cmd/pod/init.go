package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
)

func init() {
	commands = append(commands, initCommand)
	containerCommands = append(containerCommands, initCommand)
}

func initCommand() *cobra.Command {
	var o manyOptions
	cmd := &cobra.Command{
		Use:   "init [options] CONTAINER [CONTAINER...]",
		Short: "Initialize one or more containers",
		Long: `Create containers in their runtime without starting them: the container's
state becomes "initialized" and a later start only starts its process.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			// --all picks the containers init can act on (the precondition
			// table), so those already created are skipped, as in Podman.
			return manyVerb(cmd, args, &o, libpod.VerbInit, nil, func(ctx context.Context, c *libpod.Container) error {
				return c.Init(ctx)
			})
		},
	}
	o.register(cmd, manyFlags{allHelp: "Initialize all containers", allShort: true})
	return cmd
}

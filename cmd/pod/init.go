package main

import (
	"context"
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
	var o manyOptions
	cmd := &cobra.Command{
		Use:   "init [options] CONTAINER [CONTAINER...]",
		Short: "Initialize one or more containers",
		Long: `Create containers in their runtime without starting them: the container's
state becomes "initialized" and a later start only starts its process.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			// --all, as Podman 4.3.1: every container, and one that is
			// already created in its runtime (initialized, running…) is
			// not an error: its ID is printed with the others.
			o.everyState = o.all
			return manyVerb(cmd, args, &o, libpod.VerbInit, nil, func(ctx context.Context, c *libpod.Container) error {
				err := c.Init(ctx)
				if o.all && errors.Is(err, errdefs.ErrConflict) {
					return nil
				}
				return err
			})
		},
	}
	o.register(cmd, manyFlags{allHelp: "Initialize all containers", allShort: true})
	return cmd
}

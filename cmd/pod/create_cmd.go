package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, createCommand)
	containerCommands = append(containerCommands, createCommand)
}

func createCommand() *cobra.Command {
	f := &createFlags{}
	var attach []string
	cmd := &cobra.Command{
		Use:   "create [options] IMAGE [COMMAND [ARG...]]",
		Short: "Create but do not start a container",
		RunE: func(cmd *cobra.Command, args []string) error {
			// --attach: checked as run checks it; as in Podman 4.3.1 it
			// changes nothing for create (start -a attaches all streams).
			if _, err := newSession(attach, false, false, ""); err != nil {
				return err
			}
			o, err := f.options(cmd, args)
			if err != nil {
				return err
			}
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			undoPod, err := newPodFor(cmd, o)
			if err != nil {
				return err
			}
			c, err := rt.CreateContainer(cmd.Context(), o)
			if err != nil {
				undoPod()
				return err
			}
			fmt.Println(c.ID())
			return nil
		},
	}
	registerFlags(cmd, func() {
		f.register(cmd.Flags())
		cmd.Flags().StringSliceVarP(&attach, "attach", "a", nil, "Attach to STDIN, STDOUT or STDERR")
		// As Podman 4.3.1: create only (run has no --init-ctr).
		cmd.Flags().StringVar(&f.o.InitCtr, "init-ctr", "", "Make this a pod init container.")
	})
	return cmd
}

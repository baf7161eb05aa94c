package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() {
	for _, c := range []func() *cobra.Command{startCommand, stopCommand, killCommand, restartCommand, pauseCommand, unpauseCommand} {
		commands = append(commands, c)
		containerCommands = append(containerCommands, c)
	}
}

// forEach runs fn on each named container (or all with all=true), printing
// each argument as given on success, as Podman does. Errors are printed as
// they happen; the last one decides the exit code.
func forEach(args []string, all bool, fn func(*libpod.Container) error, filter func(*libpod.Container) bool) error {
	rt, err := newRuntime()
	if err != nil {
		return err
	}
	defer rt.Shutdown()
	type target struct {
		label string
		c     *libpod.Container
		err   error
	}
	var targets []target
	if all {
		cs, err := rt.Containers()
		if err != nil {
			return err
		}
		for _, c := range cs {
			if filter == nil || filter(c) {
				targets = append(targets, target{label: c.ID(), c: c})
			}
		}
	}
	for _, a := range args {
		c, err := rt.LookupContainer(a)
		targets = append(targets, target{label: a, c: c, err: err})
	}
	var last error
	for _, t := range targets {
		err := t.err
		if err == nil {
			err = fn(t.c)
		}
		if err != nil {
			if last != nil {
				fmt.Fprintf(os.Stderr, "Error: %v\n", last)
			}
			last = err
			continue
		}
		fmt.Println(t.label)
	}
	return last
}

func needArgs(all bool) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if all && len(args) > 0 {
			return fmt.Errorf("--all and container names cannot be used together: %w", errdefs.ErrInvalidArgument)
		}
		if !all && len(args) == 0 {
			return fmt.Errorf("%s requires at least one container name or ID (or --all): %w", cmd.CommandPath(), errdefs.ErrInvalidArgument)
		}
		return nil
	}
}

func startCommand() *cobra.Command {
	var attach, interactive, sigProxy bool
	var detachKeys string
	cmd := &cobra.Command{
		Use:   "start [options] CONTAINER [CONTAINER...]",
		Short: "Start one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needArgs(false)(cmd, args); err != nil {
				return err
			}
			ctx := cmd.Context()
			if !attach {
				return forEach(args, false, func(c *libpod.Container) error { return c.Start(ctx, nil) }, nil)
			}
			if len(args) != 1 {
				return fmt.Errorf("you cannot start and attach multiple containers at once: %w", errdefs.ErrInvalidArgument)
			}
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			c, err := rt.LookupContainer(args[0])
			if err != nil {
				return err
			}
			spec := c.Config().Spec
			keys := detachKeys
			if keys == "" {
				keys = c.Config().DetachKeys
			}
			sess, err := newSession(nil, interactive || spec.Stdin, spec.Terminal, keys)
			if err != nil {
				return err
			}
			if !interactive {
				sess.attach.Options.Stdin = nil
			}
			return runAttached(ctx, c, sess, spec.Terminal, sigProxy && !spec.Terminal)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&attach, "attach", "a", false, "Attach container's STDOUT and STDERR")
	fl.BoolVarP(&interactive, "interactive", "i", false, "Make STDIN available to the contained process")
	fl.BoolVar(&sigProxy, "sig-proxy", true, "Proxy received signals to the process (default true if attaching, false otherwise)")
	fl.StringVar(&detachKeys, "detach-keys", "", "Select the key sequence for detaching a container")
	return cmd
}

func stopCommand() *cobra.Command {
	var all bool
	var timeout uint
	cmd := &cobra.Command{
		Use:   "stop [options] CONTAINER [CONTAINER...]",
		Short: "Stop one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needArgs(all)(cmd, args); err != nil {
				return err
			}
			var t *uint
			if cmd.Flags().Changed("time") {
				t = &timeout
			}
			return forEach(args, all, func(c *libpod.Container) error { return c.Stop(cmd.Context(), t) },
				func(c *libpod.Container) bool { return c.Status().IsActive() })
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Stop all running containers")
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "Seconds to wait for stop before killing the container")
	cmd.Flags().UintVar(&timeout, "timeout", 10, "Seconds to wait for stop before killing the container")
	_ = cmd.Flags().MarkHidden("timeout")
	return cmd
}

func killCommand() *cobra.Command {
	var all bool
	var sig string
	cmd := &cobra.Command{
		Use:   "kill [options] CONTAINER [CONTAINER...]",
		Short: "Kill one or more running containers with a specific signal",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needArgs(all)(cmd, args); err != nil {
				return err
			}
			s, err := libpod.ParseSignal(sig)
			if err != nil {
				return err
			}
			return forEach(args, all, func(c *libpod.Container) error { return c.Kill(cmd.Context(), s) },
				func(c *libpod.Container) bool {
					return c.Status() == libpod.StatusRunning || c.Status() == libpod.StatusPaused
				})
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Signal all running containers")
	cmd.Flags().StringVarP(&sig, "signal", "s", "KILL", "Signal to send to the container")
	return cmd
}

func restartCommand() *cobra.Command {
	var all bool
	var timeout uint
	cmd := &cobra.Command{
		Use:   "restart [options] CONTAINER [CONTAINER...]",
		Short: "Restart one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needArgs(all)(cmd, args); err != nil {
				return err
			}
			var t *uint
			if cmd.Flags().Changed("time") {
				t = &timeout
			}
			ctx := cmd.Context()
			return forEach(args, all, func(c *libpod.Container) error {
				if err := c.Stop(ctx, t); err != nil {
					return err
				}
				return c.Start(ctx, nil)
			}, nil)
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Restart all containers")
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "Seconds to wait for stop before killing the container")
	return cmd
}

func pauseCommand() *cobra.Command {
	return freezeCommand("pause", "Pause all the processes in one or more containers", "Pause all running containers",
		libpod.StatusRunning, (*libpod.Container).Pause)
}

func unpauseCommand() *cobra.Command {
	return freezeCommand("unpause", "Unpause the processes in one or more containers", "Unpause all paused containers",
		libpod.StatusPaused, (*libpod.Container).Unpause)
}

// freezeCommand builds pause and unpause: op on each named container, or
// with --all on every container in state from.
func freezeCommand(verb, short, allHelp string, from libpod.Status, op func(*libpod.Container, context.Context) error) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   verb + " [options] CONTAINER [CONTAINER...]",
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needArgs(all)(cmd, args); err != nil {
				return err
			}
			return forEach(args, all, func(c *libpod.Container) error { return op(c, cmd.Context()) },
				func(c *libpod.Container) bool { return c.Status() == from })
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, allHelp)
	return cmd
}

package main

import (
	"context"
	"fmt"

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
	var o manyOptions
	var attach, interactive, sigProxy bool
	var detachKeys string
	cmd := &cobra.Command{
		Use:   "start [options] CONTAINER [CONTAINER...]",
		Short: "Start one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.all && len(args) > 0 {
				return usageError("either start all containers or the container(s) provided in the arguments")
			}
			if cmd.Flags().Changed("sig-proxy") && sigProxy && !attach {
				return fmt.Errorf("you cannot use sig-proxy without --attach: %w", errdefs.ErrInvalidArgument)
			}
			if err := o.check(cmd, args); err != nil {
				return err
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				ts, err := o.selectTargets(rt, args, libpod.VerbStart, nil)
				if err != nil {
					return err
				}
				if !attach {
					// Podman prints nothing for a container that was running already.
					wasRunning := map[*libpod.Container]bool{}
					for _, t := range ts {
						wasRunning[t.c] = t.c.Status() == libpod.StatusRunning
					}
					return runMany(cmd.Context(), ts, func(ctx context.Context, c *libpod.Container) error { return c.Start(ctx, nil) },
						func(t target) bool { return wasRunning[t.c] })
				}
				if len(ts) != 1 {
					return usageError("you cannot start and attach multiple containers at once")
				}
				// --sig-proxy defaults to true when attaching.
				proxy := sigProxy || !cmd.Flags().Changed("sig-proxy")
				return startAttached(cmd.Context(), ts[0].c, interactive, proxy, detachKeys)
			})
		},
	}
	o.register(cmd, manyFlags{allHelp: "Start all containers regardless of their state or configuration", filterShort: true})
	fl := cmd.Flags()
	fl.BoolVarP(&attach, "attach", "a", false, "Attach container's STDOUT and STDERR")
	fl.BoolVarP(&interactive, "interactive", "i", false, "Make STDIN available to the contained process")
	fl.BoolVar(&sigProxy, "sig-proxy", false, "Proxy received signals to the process (default true if attaching, false otherwise)")
	fl.StringVar(&detachKeys, "detach-keys", "", "Select the key sequence for detaching a container")
	return cmd
}

// startAttached starts c with the caller's terminal or pipes attached.
func startAttached(ctx context.Context, c *libpod.Container, interactive, sigProxy bool, detachKeys string) error {
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
}

// stopTimeout returns the --time value when it was given, else nil (each
// container's own stop timeout).
func stopTimeout(cmd *cobra.Command, t *uint) *uint {
	if cmd.Flags().Changed("time") || cmd.Flags().Changed("timeout") {
		v := *t
		return &v
	}
	return nil
}

func stopCommand() *cobra.Command {
	var o manyOptions
	var timeout uint
	cmd := &cobra.Command{
		Use:   "stop [options] CONTAINER [CONTAINER...]",
		Short: "Stop one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			t := stopTimeout(cmd, &timeout)
			return manyVerb(cmd, args, &o, libpod.VerbStop, nil,
				func(ctx context.Context, c *libpod.Container) error { return c.Stop(ctx, t) })
		},
	}
	o.register(cmd, manyFlags{allHelp: "Stop all running containers", allShort: true, filterShort: true, ignore: true})
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "Seconds to wait for stop before killing the container")
	cmd.Flags().UintVar(&timeout, "timeout", 10, "Seconds to wait for stop before killing the container")
	_ = cmd.Flags().MarkHidden("timeout")
	return cmd
}

func killCommand() *cobra.Command {
	var o manyOptions
	var sig string
	cmd := &cobra.Command{
		Use:   "kill [options] CONTAINER [CONTAINER...]",
		Short: "Kill one or more running containers with a specific signal",
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := libpod.ParseSignal(sig)
			if err != nil {
				return err
			}
			return manyVerb(cmd, args, &o, libpod.VerbKill, nil,
				func(ctx context.Context, c *libpod.Container) error { return c.Kill(ctx, s) })
		},
	}
	o.register(cmd, manyFlags{allHelp: "Signal all running containers", allShort: true, ignore: true})
	cmd.Flags().StringVarP(&sig, "signal", "s", "KILL", "Signal to send to the container")
	return cmd
}

func restartCommand() *cobra.Command {
	var o manyOptions
	var timeout uint
	var running bool
	cmd := &cobra.Command{
		Use:   "restart [options] CONTAINER [CONTAINER...]",
		Short: "Restart one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			t := stopTimeout(cmd, &timeout)
			var pick func(*libpod.Container) bool
			if running {
				pick = func(c *libpod.Container) bool { return c.Status() == libpod.StatusRunning }
			}
			return manyVerb(cmd, args, &o, libpod.VerbRestart, pick,
				func(ctx context.Context, c *libpod.Container) error { return c.Restart(ctx, t) })
		},
	}
	o.register(cmd, manyFlags{allHelp: "Restart all non-running containers", allShort: true, filterShort: true, ignore: true})
	cmd.Flags().BoolVar(&running, "running", false, "Restart only running containers")
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "Seconds to wait for stop before killing the container")
	cmd.Flags().UintVar(&timeout, "timeout", 10, "Seconds to wait for stop before killing the container")
	_ = cmd.Flags().MarkHidden("timeout")
	return cmd
}

func pauseCommand() *cobra.Command {
	return freezeCommand(libpod.VerbPause, "Pause all the processes in one or more containers", "Pause all running containers",
		(*libpod.Container).Pause)
}

func unpauseCommand() *cobra.Command {
	return freezeCommand(libpod.VerbUnpause, "Unpause the processes in one or more containers", "Unpause all paused containers",
		(*libpod.Container).Unpause)
}

// freezeCommand builds pause and unpause: with --all they pick the
// containers the precondition table allows (running, resp. paused ones).
func freezeCommand(verb libpod.Verb, short, allHelp string, op func(*libpod.Container, context.Context) error) *cobra.Command {
	var o manyOptions
	cmd := &cobra.Command{
		Use:   string(verb) + " [options] CONTAINER [CONTAINER...]",
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			return manyVerb(cmd, args, &o, verb, nil,
				func(ctx context.Context, c *libpod.Container) error { return op(c, ctx) })
		},
	}
	o.register(cmd, manyFlags{allHelp: allHelp, allShort: true, filterShort: true, ignore: true})
	return cmd
}

package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() {
	commands = append(commands, rmCommand)
	containerCommands = append(containerCommands, func() *cobra.Command {
		c := rmCommand()
		c.Use = "rm [options] CONTAINER [CONTAINER...]"
		c.Aliases = []string{"remove"}
		return c
	})
}

func rmCommand() *cobra.Command {
	var o manyOptions
	var depend, volumes bool
	var timeout uint
	cmd := &cobra.Command{
		Use:   "rm [options] CONTAINER [CONTAINER...]",
		Short: "Remove one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			ro := libpod.RemoveOptions{Force: o.force, Timeout: stopTimeout(cmd, &timeout), Volumes: volumes}
			if ro.Timeout != nil && !o.force {
				return usageError("--force option must be specified to use the --time option")
			}
			if err := o.check(cmd, args); err != nil {
				return rmExit(err)
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				named := len(args) > 0
				args, err := rmExternal(rt, args, o.force)
				if err != nil {
					return rmExit(err)
				}
				if named && len(args) == 0 && !o.all {
					return nil // all were storage containers, removed
				}
				ts, err := o.selectTargets(rt, args, libpod.VerbRemove, nil)
				if err != nil {
					return rmExit(err)
				}
				rm := func(ctx context.Context, c *libpod.Container) error {
					err := c.Remove(ctx, ro)
					if (o.force || o.all) && errors.Is(err, errdefs.ErrNotFound) {
						return nil // removed meanwhile (by someone else, the exit command of a --rm container): gone, as asked
					}
					return err
				}
				// Dependents go before what they require (rm_depend.go),
				// pods' infra containers after the pods' other containers.
				var members, infras []target
				for _, t := range ts {
					if t.c.IsInfra() {
						infras = append(infras, t)
					} else {
						members = append(members, t)
					}
				}
				phases, err := rmOrder(rt, members, depend)
				if err != nil {
					return err
				}
				if len(infras) > 0 {
					phases = append(phases, infras)
				}
				for _, phase := range phases {
					err = errors.Join(err, runMany(cmd.Context(), phase, rm, nil))
				}
				return rmExit(err)
			})
		},
	}
	o.register(cmd, manyFlags{allHelp: "Remove all containers", allShort: true, ignore: true})
	fl := cmd.Flags()
	fl.BoolVarP(&o.force, "force", "f", false, "Force removal of a running or unusable container")
	fl.BoolVar(&depend, "depend", false, "Remove container and all containers that depend on the selected container")
	fl.BoolVarP(&volumes, "volumes", "v", false, "Remove anonymous volumes associated with the container")
	fl.UintVarP(&timeout, "time", "t", 10, "Seconds to wait for stop before killing the container")
	return cmd
}

// rmExternal removes, with --force, the named containers that are in the
// shared storage but not pod's (Buildah's working containers, a kept
// `build --rm=false` one), printing each name as Podman 4.3 does, and
// returns the other names.
func rmExternal(rt *libpod.Runtime, args []string, force bool) ([]string, error) {
	if !force || len(args) == 0 {
		return args, nil
	}
	rest := args[:0:0]
	for _, a := range args {
		if _, err := rt.LookupContainer(a); !errors.Is(err, errdefs.ErrNotFound) {
			rest = append(rest, a)
			continue
		}
		switch err := rt.RemoveExternal(a); {
		case err == nil:
			fmt.Println(a)
		case errors.Is(err, errdefs.ErrNotFound):
			rest = append(rest, a)
		default:
			return nil, err
		}
	}
	return rest, nil
}

// rmExit gives rm's errors Podman's exit codes (podman-rm(1)): 1 when a
// container does not exist, 2 when one is running or paused (without -f),
// 125 otherwise.
func rmExit(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errdefs.ErrNotFound):
		return &errdefs.ExitCodeError{Code: 1, Err: err}
	case errors.Is(err, errdefs.ErrConflict):
		return &errdefs.ExitCodeError{Code: 2, Err: err}
	}
	return err
}

func init() {
	for _, c := range []func() *cobra.Command{waitCommand, renameCommand} {
		commands = append(commands, c)
		containerCommands = append(containerCommands, c)
	}
	containerCommands = append(containerCommands, cleanupCommand, existsCommand)
}

func waitCommand() *cobra.Command {
	var conditions []string
	var interval string
	var latest bool
	cmd := &cobra.Command{
		Use:   "wait [options] CONTAINER [CONTAINER...]",
		Short: "Block on one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if latest && len(args) > 0 {
				return usageError("--latest and containers cannot be used together")
			}
			if err := needArgs(latest)(cmd, args); err != nil {
				return err
			}
			want, err := libpod.ParseWaitConditions(conditions)
			if err != nil {
				return err
			}
			every, err := parseInterval(interval)
			if err != nil {
				return err
			}
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			if args, err = addLatest(rt, latest, false, args); err != nil {
				return err
			}
			var errs errTail
			for _, a := range args {
				c, err := rt.LookupContainer(a)
				if err == nil {
					var code int
					if len(conditions) == 0 {
						code, err = c.Wait(cmd.Context())
					} else {
						code, err = c.WaitFor(cmd.Context(), want, every)
					}
					if err == nil {
						fmt.Println(code)
						continue
					}
				} else if errors.Is(err, errdefs.ErrNotFound) {
					// Removed a moment ago (run --rm, rm -f): its code is kept.
					if code, rerr := rt.RemovedExitCode(a); rerr == nil {
						fmt.Println(code)
						continue
					}
				}
				errs.add(err)
			}
			return errs.err()
		},
	}
	cmd.Flags().StringSliceVar(&conditions, "condition", nil, "Condition to wait on")
	cmd.Flags().StringVarP(&interval, "interval", "i", "250ms", "Time Interval to wait before polling for completion")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "Act on the latest container pod is aware of")
	return cmd
}

// parseInterval parses wait --interval: a Go duration, or a number of
// milliseconds as Podman takes it.
func parseInterval(s string) (time.Duration, error) {
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return time.Duration(n) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("--interval %q: want a duration like 250ms: %w", s, errdefs.ErrInvalidArgument)
	}
	return d, nil
}

func renameCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "rename CONTAINER NAME",
		Short: "Rename an existing container",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withContainer(args[0], func(c *libpod.Container) error {
				return c.Rename(args[1])
			})
		},
	}
}

func cleanupCommand() *cobra.Command {
	var rm, rmi, stoppedOnly, all, latest bool
	var execSession string
	cmd := &cobra.Command{
		Use:   "cleanup [options] CONTAINER [CONTAINER...]",
		Short: "Clean up network and mountpoints of one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needArgs(all || latest)(cmd, args); err != nil {
				return err
			}
			o := libpod.CleanupOptions{StoppedOnly: stoppedOnly, Remove: rm}
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			if args, err = addLatest(rt, latest, all, args); err != nil {
				return err
			}
			if execSession != "" {
				if len(args) != 1 {
					return fmt.Errorf("--exec needs exactly one container: %w", errdefs.ErrInvalidArgument)
				}
				c, err := rt.LookupContainer(args[0])
				if err != nil {
					if errors.Is(err, errdefs.ErrNotFound) {
						return nil // the container is gone, and its sessions with it
					}
					return err
				}
				return c.CleanupExec(execSession)
			}
			if all {
				cs, err := rt.Containers()
				if err != nil {
					return err
				}
				for _, c := range cs {
					args = append(args, c.ID())
				}
			}
			var last error
			for _, a := range args {
				c, err := rt.LookupContainer(a)
				if errors.Is(err, errdefs.ErrNotFound) && stoppedOnly {
					continue // the exit command lost a race with rm: fine
				}
				if err == nil {
					err = c.Cleanup(cmd.Context(), o)
				}
				if err != nil {
					last = err
					continue
				}
				if rmi {
					// As Podman: the image goes unless a container still
					// uses it (a failure is logged, not fatal).
					removeImageAfterRun(cmd.Context(), c.Config().ImageID)
				}
				if !stoppedOnly {
					fmt.Println(a)
				}
			}
			return last
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&rm, "rm", false, "After cleanup, remove the container entirely")
	fl.BoolVar(&rmi, "rmi", false, "After cleanup, remove the image entirely")
	fl.BoolVarP(&latest, "latest", "l", false, "Act on the latest container pod is aware of")
	fl.BoolVar(&stoppedOnly, "stopped-only", false, "Only cleanup when the container is in the stopped state")
	fl.BoolVarP(&all, "all", "a", false, "Cleanup all containers")
	fl.StringVar(&execSession, "exec", "", "Clean up the given exec session instead of the container")
	return cmd
}

func existsCommand() *cobra.Command {
	var external bool
	cmd := objectExistsCommand("exists CONTAINER", "Check if a container exists in local storage", func(name string) error {
		return withRuntime(func(rt *libpod.Runtime) error {
			ok, err := rt.ContainerExists(name)
			if err != nil || ok || !external {
				return notFoundUnless(ok, err)
			}
			// --external: a container in the shared store that another tool
			// (Buildah, Podman) made, by name or ID prefix, as Podman.
			ext, err := rt.ExternalContainers()
			if err != nil {
				return err
			}
			for _, sc := range ext {
				if strings.HasPrefix(sc.ID, name) || slices.Contains(sc.Names, name) {
					return nil
				}
			}
			return errdefs.ErrNotFound
		})
	})
	cmd.Flags().BoolVar(&external, "external", false, "Check external storage containers as well as pod containers")
	return cmd
}

func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%q requires exactly %d argument(s): %w", cmd.CommandPath(), n, errdefs.ErrInvalidArgument)
		}
		return nil
	}
}

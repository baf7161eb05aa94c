package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() {
	for _, c := range []func() *cobra.Command{execCommand, attachCommand} {
		commands = append(commands, c)
		containerCommands = append(containerCommands, c)
	}
}

func execCommand() *cobra.Command {
	var o libpod.ExecOptions
	var latest bool
	var env, envFile []string
	var detachKeys string
	cmd := &cobra.Command{
		Use:   "exec [options] CONTAINER COMMAND [ARG...]",
		Short: "Run a process in a running container",
		RunE: func(cmd *cobra.Command, args []string) error {
			// --latest: every argument is the command (as Podman).
			var target []string
			if !latest {
				if len(args) < 2 {
					return fmt.Errorf("exec requires the name or ID of a container and a command: %w", errdefs.ErrInvalidArgument)
				}
				target, args = args[:1], args[1:]
			} else if len(args) == 0 {
				return fmt.Errorf("exec requires a command with --latest: %w", errdefs.ErrInvalidArgument)
			}
			fileEnv, err := readEnvFiles(envFile)
			if err != nil {
				return err
			}
			o.Env = append(fileEnv, env...)
			o.Cmd = args
			if err := checkInherited(o.PreserveFDs); err != nil {
				return err
			}
			return withContainerOrLatest(latest, target, func(c *libpod.Container) error {
				ctx := cmd.Context()
				if o.Detach {
					_, id, err := c.Exec(ctx, o, nil)
					if err != nil {
						return err
					}
					fmt.Println(id)
					return nil
				}
				sess, err := newSession(nil, o.Interactive, o.Tty, detachKeys)
				if err != nil {
					return err
				}
				sess.rawTerminal(o.Tty)
				code, _, err := c.Exec(ctx, o, sess.attach)
				sess.close()
				if errors.Is(err, libpod.ErrDetached) {
					return nil
				}
				if err != nil {
					return &errdefs.ExitCodeError{Code: execExitCode(err), Err: err}
				}
				return &errdefs.ExitCodeError{Code: code}
			})
		},
	}
	fl := cmd.Flags()
	fl.SetInterspersed(false)
	fl.BoolVarP(&o.Detach, "detach", "d", false, "Run the exec session in detached mode (backgrounded)")
	fl.BoolVarP(&latest, "latest", "l", false, "Act on the latest container pod is aware of")
	fl.StringArrayVarP(&env, "env", "e", nil, "Set environment variables")
	fl.StringArrayVar(&envFile, "env-file", nil, "Read in a file of environment variables")
	fl.BoolVarP(&o.Interactive, "interactive", "i", false, "Make STDIN available to the contained process")
	fl.BoolVarP(&o.Tty, "tty", "t", false, "Allocate a pseudo-TTY. The default is false")
	fl.StringVarP(&o.User, "user", "u", "", "Sets the username or UID used and optionally the groupname or GID for the specified command")
	fl.StringVarP(&o.WorkDir, "workdir", "w", "", "Working directory inside the container")
	fl.BoolVar(&o.Privileged, "privileged", false, "Give the process extended Linux capabilities inside the container")
	fl.UintVar(&o.PreserveFDs, "preserve-fds", 0, "Pass N additional file descriptors to the container")
	fl.StringVar(&detachKeys, "detach-keys", "", "Select the key sequence for detaching a container")
	return cmd
}

func attachCommand() *cobra.Command {
	var noStdin, sigProxy, latest bool
	var detachKeys string
	cmd := &cobra.Command{
		Use:   "attach [options] CONTAINER",
		Short: "Attach to a running container",
		Args: func(cmd *cobra.Command, args []string) error {
			// Podman 4.3.1's checks and words.
			switch {
			case len(args) > 1:
				return usageError("`%s` accepts at most one argument", cmd.CommandPath())
			case latest && len(args) > 0:
				return usageError("--latest and containers cannot be used together")
			case !latest && len(args) == 0:
				return usageError("%q requires a name, id, or the \"--latest\" flag", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return withContainerOrLatest(latest, args, func(c *libpod.Container) error {
				if c.Status() != libpod.StatusRunning {
					// Podman's words, without a class's
					return errdefs.WithClass(errors.New("you can only attach to running containers"), errdefs.ErrConflict)
				}
				spec := c.Config().Spec
				keys := detachKeys
				if keys == "" {
					keys = c.Config().DetachKeys
				}
				sess, err := newSession(nil, spec.Stdin && !noStdin, spec.Terminal, keys)
				if err != nil {
					return err
				}
				sess.rawTerminal(spec.Terminal)
				if spec.Terminal {
					sess.forwardResize(c.CtlPath())
				}
				ctx := cmd.Context()
				if sigProxy && !spec.Terminal {
					sess.proxySignals(func(sig syscall.Signal) { _ = c.Kill(context.WithoutCancel(ctx), sig) })
				}
				err = c.Attach(ctx, sess.attach)
				sess.close()
				// Podman ends an attach, detached or not, with a newline on
				// stdout (its ContainerAttach), so a prompt starts on a line
				// of its own.
				if err == nil || errors.Is(err, libpod.ErrDetached) {
					fmt.Fprintln(os.Stdout)
				}
				if errors.Is(err, libpod.ErrDetached) {
					return nil
				}
				if err != nil {
					return err
				}
				code, err := c.Wait(ctx)
				if err != nil {
					return err
				}
				return &errdefs.ExitCodeError{Code: code}
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&noStdin, "no-stdin", false, "Do not attach STDIN. The default is false")
	fl.BoolVarP(&latest, "latest", "l", false, "Act on the latest container pod is aware of")
	fl.BoolVar(&sigProxy, "sig-proxy", true, "Proxy received signals to the process")
	fl.StringVar(&detachKeys, "detach-keys", "", "Select the key sequence for detaching a container")
	return cmd
}

// execExitCode is the exit code of an exec that failed once its container
// was found, as Podman's (TranslateExecErrorToExitCode): 255, its session's
// -1, when the session could not start (the container is not running, an
// unknown --user, the runtime failed it); 126/127 when the command cannot
// be invoked or found; pod's own errors (a lock, the database, a refused
// option or capability) stay 125 with the fix they name.
func execExitCode(err error) int {
	switch {
	case errors.Is(err, errdefs.ErrNoSuchUser), errors.Is(err, errdefs.ErrConflict):
		return 255
	case errors.Is(err, errdefs.ErrPermission), errors.Is(err, errdefs.ErrCommandNotFound):
		return errdefs.ExitCode(err) // 126, 127: before ErrRuntime, which such a runtime error may also carry
	case errors.Is(err, errdefs.ErrRuntime):
		return 255
	}
	return errdefs.ExitCode(err)
}

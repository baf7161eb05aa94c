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
	commands = append(commands, runCommand)
	containerCommands = append(containerCommands, runCommand)
}

func runCommand() *cobra.Command {
	f := &createFlags{}
	var detach, sigProxy bool
	var attachTo []string
	cmd := &cobra.Command{
		Use:   "run [options] IMAGE [COMMAND [ARG...]]",
		Short: "Run a command in a new container",
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := f.options(cmd, args)
			if err != nil {
				return err
			}
			if detach && len(attachTo) > 0 {
				return fmt.Errorf("--attach and --detach cannot be used together: %w", errdefs.ErrInvalidArgument)
			}
			var sess *session
			if !detach {
				if sess, err = newSession(attachTo, o.Spec.Stdin, o.Spec.Terminal, o.DetachKeys); err != nil {
					return err
				}
			}
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			c, err := rt.CreateContainer(cmd.Context(), o)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if detach {
				if err := c.Start(ctx, nil); err != nil {
					if o.Remove {
						_ = c.Remove(context.WithoutCancel(ctx), libpod.RemoveOptions{Force: true})
					}
					return err
				}
				fmt.Println(c.ID())
				return nil
			}
			return runAttached(ctx, c, sess, o.Spec.Terminal, sigProxy && !o.Spec.Terminal)
		},
	}
	f.register(cmd.Flags())
	fl := cmd.Flags()
	fl.BoolVarP(&detach, "detach", "d", false, "Run container in background and print container ID")
	fl.BoolVar(&sigProxy, "sig-proxy", true, "Proxy received signals to the process")
	fl.StringArrayVarP(&attachTo, "attach", "a", nil, "Attach to STDIN, STDOUT or STDERR")
	return cmd
}

// runAttached runs c in the foreground and turns its exit code into pod's.
func runAttached(ctx context.Context, c *libpod.Container, sess *session, tty, sigProxy bool) error {
	sess.rawTerminal(tty)
	if tty {
		sess.attach.Ready = func() { sess.forwardResize(c.CtlPath()) }
	}
	if sigProxy {
		sess.proxySignals(func(sig syscall.Signal) { _ = c.Kill(context.WithoutCancel(ctx), sig) })
	}
	code, err := c.Run(ctx, sess.attach)
	sess.close()
	if errors.Is(err, libpod.ErrDetached) {
		fmt.Fprintln(os.Stderr)
		return nil
	}
	if err != nil {
		return err
	}
	return &errdefs.ExitCodeError{Code: code}
}

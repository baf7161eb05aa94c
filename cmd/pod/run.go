package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagehelper"
)

func init() {
	commands = append(commands, runCommand)
	containerCommands = append(containerCommands, runCommand)
}

func runCommand() *cobra.Command {
	f := &createFlags{}
	var detach, sigProxy, rmi bool
	var attachTo []string
	var preserveFDs uint
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
			files, err := inheritedFiles(preserveFDs)
			if err != nil {
				return err
			}
			o.PreserveFDs = len(files)
			o.Listen = listenFDs()
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
			if o.PreserveFDs > len(files) { // socket activation: libpod took the LISTEN_FDS sockets
				if files, err = inheritedFiles(uint(o.PreserveFDs)); err != nil {
					return err
				}
			}
			c.PreserveFDs(files)
			ctx := cmd.Context()
			if rmi && detach {
				logrus.Warn("--rmi has no effect with --detach: the image is removed only when a foreground run ends")
			}
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
			err = runAttached(ctx, c, sess, o.Spec.Terminal, sigProxy && !o.Spec.Terminal)
			if rmi {
				removeImageAfterRun(ctx, o.Image)
			}
			return err
		},
	}
	registerFlags(cmd, func() { f.register(cmd.Flags()) })
	fl := cmd.Flags()
	fl.BoolVarP(&detach, "detach", "d", false, "Run container in background and print container ID")
	fl.BoolVar(&sigProxy, "sig-proxy", true, "Proxy received signals to the process")
	fl.StringArrayVarP(&attachTo, "attach", "a", nil, "Attach to STDIN, STDOUT or STDERR")
	fl.UintVar(&preserveFDs, "preserve-fds", 0, "Pass a number of additional file descriptors into the container")
	fl.BoolVar(&rmi, "rmi", false, "Remove container image unless used by other containers")
	return cmd
}

// inheritedFiles returns pod's fds 3 … 3+n-1 for --preserve-fds, after
// checkInherited.
func inheritedFiles(n uint) ([]*os.File, error) {
	if err := checkInherited(n); err != nil {
		return nil, err
	}
	var files []*os.File
	for fd := 3; fd < 3+int(n); fd++ {
		files = append(files, os.NewFile(uintptr(fd), "fd"+strconv.Itoa(fd)))
	}
	return files, nil
}

// checkInherited says whether fds 3 … 3+n-1 were passed to pod
// (closeInheritedOnExec found them open across exec). Any other fd is one
// pod itself opened (the Go runtime keeps the cgroup CPU quota files open),
// and must never reach the container.
func checkInherited(n uint) error {
	for fd := 3; fd < 3+int(n); fd++ {
		if !inherited[fd] {
			return fmt.Errorf("file descriptor %d is not available - the preserve-fds option requires that file descriptors must be passed: %w", fd, errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

// removeImageAfterRun is --rmi: the image goes when no other container
// uses it; a failure is logged, as Podman does, and the run's exit code stays.
func removeImageAfterRun(ctx context.Context, image string) {
	if image == "" {
		return
	}
	g := imagehelper.GlobalFlags{
		Root: globals.Root, RunRoot: globals.RunRoot, StorageDriver: globals.StorageDriver,
		LogLevel: globals.LogLevel, TmpDir: globals.TmpDir, StorageOpts: globals.StorageOpts,
		EventsBackend: globals.EventsBackend,
	}
	var stderr bytes.Buffer
	if code, err := imagehelper.Run(context.WithoutCancel(ctx), podExecutable(), g, []string{"rmi", image}, nil, io.Discard, &stderr); err != nil || code != 0 {
		msg := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(stderr.String()), "Error: "))
		if err != nil {
			msg = err.Error()
		}
		logrus.Errorf("removing image %s: %s", image, msg)
	}
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

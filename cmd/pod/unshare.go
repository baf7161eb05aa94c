package main

import (
	"errors"
	"os"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/network/rootlessnet"
	"github.com/pod-engine/pod/pkg/rootless"
)

func init() {
	commands = append(commands, unshareCommand)
}

// unshareCommand runs a command inside the rootless user's namespace (the
// root command's pre-run already joined it), as `podman unshare`: with
// CONTAINERS_GRAPHROOT and CONTAINERS_RUNROOT set, its exit code passed on.
func unshareCommand() *cobra.Command {
	var netns bool
	cmd := &cobra.Command{
		Use:   "unshare [options] [COMMAND [ARG...]]",
		Short: "Run a command in a modified user namespace",
		Long:  "Runs a command in the user namespace pod uses for an ordinary user's containers ($SHELL when no command is given).",
		Example: `  pod unshare id
  pod unshare cat /proc/self/uid_map
  pod unshare rm -rf ~/.local/share/containers/storage`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// As Podman: root is refused before --rootless-netns is looked at.
			if !rootless.InNamespace() {
				// Podman's words exactly, exit 125.
				return &errdefs.ExitCodeError{Code: errdefs.ExitEngine, Err: errors.New("please use unshare with rootless")}
			}
			if len(args) == 0 {
				sh := os.Getenv("SHELL")
				if sh == "" {
					sh = "/bin/sh"
				}
				args = []string{sh}
			}
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			paths := rt.Paths()
			// --rootless-netns: the user's shared network namespace (made
			// with its slirp4netns when missing), as Podman 4.3.
			var shared *rootlessnet.Shared
			if netns {
				if shared, err = rt.RootlessNetNS(); err != nil {
					rt.Shutdown()
					return err
				}
			}
			rt.Shutdown()
			c := exec.Command(args[0], args[1:]...)
			c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
			c.Env = append(os.Environ(), "CONTAINERS_GRAPHROOT="+paths.GraphRoot, "CONTAINERS_RUNROOT="+paths.RunRoot)
			if shared != nil {
				err = shared.RunIn(c)
			} else {
				err = c.Run()
			}
			var exit *exec.ExitError
			var enter *rootlessnet.EnterError
			switch {
			case errors.As(err, &enter):
				return &errdefs.ExitCodeError{Code: errdefs.ExitEngine, Err: err}
			case errors.As(err, &exit):
				return &errdefs.ExitCodeError{Code: exit.ExitCode()}
			case errors.Is(err, exec.ErrNotFound):
				return &errdefs.ExitCodeError{Code: 127, Err: err}
			case err != nil:
				return &errdefs.ExitCodeError{Code: 126, Err: err}
			}
			return nil
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().BoolVar(&netns, "rootless-netns", false, "Join the rootless network namespace used for CNI and netavark networking")
	return cmd
}

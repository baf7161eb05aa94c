package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() {
	commands = append(commands, cpCommand)
	containerCommands = append(containerCommands, cpCommand)
}

func cpCommand() *cobra.Command {
	var o libpod.CopyOptions
	cmd := &cobra.Command{
		Use:   "cp [options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH",
		Short: "Copy files/folders between a container and the local filesystem",
		Long: `Copy the contents of SRC_PATH to DEST_PATH. One or both of them are in a
container (CONTAINER:PATH); a SRC_PATH of "-" reads a tar archive from stdin and
extracts it into the container directory DEST_PATH, a DEST_PATH of "-" writes a
tar archive of SRC_PATH to stdout. Paths in a container are resolved inside its
root filesystem: its symlinks never lead to the host's files.`,
		Example: `  pod cp /etc/hosts ctr:/tmp/
  pod cp ctr:/var/log/app.log ./app.log
  tar -c dir | pod cp - ctr:/srv`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				var err error
				if o.Src, err = copyEndpoint(rt, args[0]); err != nil {
					return err
				}
				if o.Dst, err = copyEndpoint(rt, args[1]); err != nil {
					return err
				}
				o.Stdin, o.Stdout = os.Stdin, os.Stdout
				err = rt.Copy(cmd.Context(), o)
				if o.Dst.Container == nil && o.Dst.Path == "-" && errors.Is(err, syscall.EPIPE) {
					return nil // the reader of the archive went away (| head)
				}
				return err
			})
		},
	}
	cmd.Flags().BoolVarP(&o.Archive, "archive", "a", true, "Chown copied files to the primary uid/gid of the destination container.")
	cmd.Flags().BoolVar(&o.Overwrite, "overwrite", false, "Allow to overwrite directories with non-directories and vice versa")
	return cmd
}

// copyEndpoint parses CONTAINER:PATH or a host PATH as Podman does: a path
// that starts with "/" or "." is on the host, even with a colon in it.
func copyEndpoint(rt *libpod.Runtime, arg string) (libpod.CopyEndpoint, error) {
	if arg == "" || arg[0] == '/' || arg[0] == '.' {
		return libpod.CopyEndpoint{Path: arg}, nil
	}
	name, path, ok := strings.Cut(arg, ":")
	if !ok {
		return libpod.CopyEndpoint{Path: arg}, nil
	}
	c, err := rt.LookupContainer(name)
	if errors.Is(err, errdefs.ErrNotFound) {
		return libpod.CopyEndpoint{}, errdefs.WithClass(fmt.Errorf("container %q does not exist", name), errdefs.ErrNoSuchContainer)
	}
	if err != nil {
		return libpod.CopyEndpoint{}, err
	}
	return libpod.CopyEndpoint{Container: c, Path: path}, nil
}

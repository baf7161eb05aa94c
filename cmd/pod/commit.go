package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() {
	commands = append(commands, commitCommand)
	containerCommands = append(containerCommands, commitCommand)
}

func commitCommand() *cobra.Command {
	var o libpod.CommitOptions
	var iidfile string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "commit [options] CONTAINER [IMAGE]",
		Short: "Create new image based on the changed container",
		Long: `Create an image from a container's changes: its writable layer becomes a new
layer on its image, with the container's settings and the --change instructions
(CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR)
in the image's config. Prints the new image's ID.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return usageError("%q requires a container and, optionally, an image name", cmd.CommandPath())
			}
			if o.Format != "oci" && o.Format != "docker" {
				return usageError("unrecognized image type %q", o.Format)
			}
			if len(args) == 2 {
				o.Name = args[1]
			}
			if !quiet {
				o.Progress = os.Stderr
			}
			return withContainer(args[0], func(c *libpod.Container) error {
				// Podman checks this once the container is found: an OCI
				// image config has no place for the message.
				if o.Message != "" && o.Format == "oci" {
					return fmt.Errorf("messages are only compatible with the docker image format (-f docker): %w", errdefs.ErrInvalidArgument)
				}
				id, err := c.Commit(cmd.Context(), o)
				if err != nil {
					return err
				}
				if !quiet {
					fmt.Fprintln(os.Stderr, "Storing signatures")
				}
				if iidfile != "" {
					if err := os.WriteFile(iidfile, []byte("sha256:"+id), 0o644); err != nil {
						return fmt.Errorf("failed to write image ID to file %q: %w", iidfile, err)
					}
				}
				_, err = io.WriteString(os.Stdout, id+"\n")
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Author, "author", "a", "", "Set the author for the image committed")
	f.StringArrayVarP(&o.Changes, "change", "c", nil, "Apply the following possible instructions to the created image (default []): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | USER | VOLUME | WORKDIR")
	f.StringVarP(&o.Format, "format", "f", "oci", "`Format` of the image manifest and metadata")
	f.StringVarP(&iidfile, "iidfile", "", "", "`file` to write the image ID to")
	f.BoolVar(&o.IncludeVolumes, "include-volumes", false, "Include container volumes as image volumes")
	f.StringVarP(&o.Message, "message", "m", "", "Set commit message for imported image")
	f.BoolVarP(&o.Pause, "pause", "p", false, "Pause container during commit")
	f.BoolVarP(&quiet, "quiet", "q", false, "Suppress output")
	f.BoolVarP(&o.Squash, "squash", "s", false, "squash newly built layers into a single new layer")
	return cmd
}

package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pod-engine/pod/libpod"
)

func init() {
	commands = append(commands, exportCommand)
	containerCommands = append(containerCommands, exportCommand)
}

func exportCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export [options] CONTAINER",
		Short: "Export container's filesystem contents as a tar archive",
		Long: `Export the contents of a container's root filesystem as an uncompressed tar
archive, to the file given with --output or to stdout, which must not be a terminal.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := os.Stdout
			if output == "" && term.IsTerminal(int(os.Stdout.Fd())) {
				return usageError("refusing to export to terminal. Use -o flag or redirect")
			}
			return withContainer(args[0], func(c *libpod.Container) error {
				if output != "" {
					f, err := os.Create(output)
					if err != nil {
						return fmt.Errorf("creating the export file: %w", err)
					}
					err = c.Export(cmd.Context(), f)
					if cerr := f.Close(); err == nil {
						err = cerr
					}
					if err != nil {
						return errors.Join(err, os.Remove(output))
					}
					return nil
				}
				err := c.Export(cmd.Context(), out)
				if errors.Is(err, syscall.EPIPE) {
					return nil // the reader went away (| head): not our failure
				}
				return err
			})
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "Write to a specified file (default: stdout, which must be redirected)")
	return cmd
}

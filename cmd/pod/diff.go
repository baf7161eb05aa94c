package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
)

func init() {
	commands = append(commands, diffCommand)
	containerCommands = append(containerCommands, diffCommand)
}

func diffCommand() *cobra.Command {
	var latest bool
	var format string
	cmd := &cobra.Command{
		Use:   "diff [options] {CONTAINER|IMAGE} [{CONTAINER|IMAGE}]",
		Short: "Display the changes to the object's file system",
		Long: `Display the changes of a container's root filesystem against its image (or of
an image against its parent layer), or of the first object against the second:
A added, C changed, D deleted.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "" && !isJSONFormat(format) {
				return usageError("only supported value for '--format' is 'json'")
			}
			if len(args) > 2 || (latest && len(args) > 1) {
				return usageError("%q accepts at most two names or IDs", cmd.CommandPath())
			}
			if !latest && len(args) == 0 {
				return usageError("%q requires a name, id, or the \"--latest\" flag", cmd.CommandPath())
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				if latest {
					c, err := rt.LatestContainer()
					if err != nil {
						return err
					}
					args = append([]string{c.ID()}, args...)
				}
				other := ""
				if len(args) == 2 {
					other = args[1]
				}
				changes, err := rt.Diff(args[0], other)
				if err != nil {
					return err
				}
				if format != "" {
					return printChangesJSON(changes)
				}
				for _, c := range changes {
					fmt.Printf("%s %s\n", c.Kind, c.Path)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "Change the output format (json)")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "Act on the latest container podman is aware of")
	return cmd
}

// printChangesJSON prints Podman's diff JSON: paths grouped by kind.
func printChangesJSON(changes []libpod.Change) error {
	var out struct {
		Changed []string `json:"changed,omitempty"`
		Added   []string `json:"added,omitempty"`
		Deleted []string `json:"deleted,omitempty"`
	}
	for _, c := range changes {
		switch c.Kind {
		case "A":
			out.Added = append(out.Added, c.Path)
		case "D":
			out.Deleted = append(out.Deleted, c.Path)
		default:
			out.Changed = append(out.Changed, c.Path)
		}
	}
	b, err := json.MarshalIndent(out, "", "     ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(os.Stdout, string(b))
	return err
}

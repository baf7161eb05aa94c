package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/procps"
)

func init() {
	commands = append(commands, topCommand)
	containerCommands = append(containerCommands, topCommand)
}

func topCommand() *cobra.Command {
	var latest bool
	cmd := &cobra.Command{
		Use:   "top [options] CONTAINER [FORMAT-DESCRIPTORS|ARGS...]",
		Short: "Display the running processes of a container",
		Long: fmt.Sprintf(`Display the running processes of a container, described by format
descriptors (default: %v), comma or space separated, or by AIX format codes
(%%C, %%p, ...). Anything else is passed to ps(1) run inside the container.

Format descriptors: %v`, procps.DefaultDescriptors, procps.Known()),
		Example: `  pod top ctr
  pod top ctr pid,user,args
  pod top ctr -ef`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !latest && len(args) == 0 {
				return usageError("you must provide the name or id of a running container")
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				name := ""
				if !latest {
					name, args = args[0], args[1:]
				}
				c, err := latestOrNamed(rt, latest, name)
				if err != nil {
					return fmt.Errorf("unable to look up requested container: %w", err) // Podman's words
				}
				lines, err := c.Top(cmd.Context(), args)
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(os.Stdout, 12, 2, 2, ' ', 0)
				for _, l := range lines {
					fmt.Fprintln(w, l)
				}
				return w.Flush()
			})
		},
	}
	fl := cmd.Flags()
	fl.SetInterspersed(false)
	fl.BoolVarP(&latest, "latest", "l", false, "Act on the latest container podman is aware of")
	return cmd
}

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
)

func init() {
	commands = append(commands, mountCommand)
	containerCommands = append(containerCommands, mountCommand)
}

func mountCommand() *cobra.Command {
	var all, latest, noTrunc bool
	var format string
	cmd := &cobra.Command{
		Use:   "mount [options] [CONTAINER...]",
		Short: "Mount a working container's root filesystem",
		Long: `Mount a working container's root filesystem and print where it is mounted.
Without arguments, list the mounted containers.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all && len(args) > 0 {
				return usageError("no arguments are needed with --all")
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				args, err := addLatest(rt, latest, all, args)
				if err != nil {
					return err
				}
				if all || len(args) > 0 {
					if all {
						cs, err := rt.Containers()
						if err != nil {
							return err
						}
						for _, c := range cs {
							args = append(args, c.ID())
						}
					}
					return eachContainer(rt, args, func(c *libpod.Container, _ string) error {
						p, err := c.Mount(cmd.Context())
						if err == nil {
							fmt.Println(p)
						}
						return err
					})
				}
				return listMounts(rt, format, noTrunc)
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&all, "all", "a", false, "Mount all containers")
	fl.StringVar(&format, "format", "", "Print the mounted containers in specified format (json)")
	fl.BoolVarP(&latest, "latest", "l", false, "Act on the latest container podman is aware of")
	fl.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate output")
	fl.BoolVar(&noTrunc, "notruncate", false, "Do not truncate output")
	_ = fl.MarkHidden("notruncate")
	return cmd
}

// listMounts prints the mounted containers: "ID  PATH" lines, or JSON.
func listMounts(rt *libpod.Runtime, format string, noTrunc bool) error {
	switch {
	case isJSONFormat(format) || format == "":
	default:
		return usageError("unknown --format argument: %q", format)
	}
	ms, err := rt.MountedContainers()
	if err != nil {
		return err
	}
	if format != "" {
		type jsonMount struct {
			ID         string `json:"id"`
			Names      []string
			Mountpoint string `json:"mountpoint"`
		}
		out := make([]jsonMount, 0, len(ms))
		for _, m := range ms {
			out = append(out, jsonMount{ID: m.ID, Names: m.Names, Mountpoint: m.Mountpoint})
		}
		b, err := json.MarshalIndent(out, "", " ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(os.Stdout, string(b))
		return err
	}
	w := tabwriter.NewWriter(os.Stdout, 12, 2, 2, ' ', 0)
	for _, m := range ms {
		fmt.Fprintf(w, "%s\t%s\n", shortID(m.ID, noTrunc), m.Mountpoint)
	}
	return w.Flush()
}

// eachContainer runs fn on every named container (fn gets the name as
// given). Errors are printed as they happen; the last one is returned
// for the exit code, as Podman does.
func eachContainer(rt *libpod.Runtime, args []string, fn func(c *libpod.Container, arg string) error) error {
	var errs errTail
	for _, a := range args {
		c, err := rt.LookupContainer(a)
		if err == nil {
			err = fn(c, a)
		}
		errs.add(err)
	}
	return errs.err()
}

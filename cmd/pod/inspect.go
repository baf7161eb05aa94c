package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() {
	commands = append(commands, func() *cobra.Command { return inspectCommand(true) })
	containerCommands = append(containerCommands, func() *cobra.Command { return inspectCommand(false) })
}

func inspectCommand(anyType bool) *cobra.Command {
	var format, typ string
	var size, latest bool
	cmd := &cobra.Command{
		Use:   "inspect [options] CONTAINER [CONTAINER...]",
		Short: "Display the configuration of a container",
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case latest && len(args) > 0:
				return usageError("--latest and containers cannot be used together")
			case len(args) == 0 && !latest:
				return fmt.Errorf("%s requires at least one name or ID: %w", cmd.CommandPath(), errdefs.ErrInvalidArgument)
			}
			switch typ {
			case "", "all", "container":
			case "image":
				return forwardToImageHelper(cmd, append([]string{"image", "inspect"}, imageInspectArgs(format, args)...))
			case "pod", "volume", "network":
				return inspectOther(cmd, typ, format, latest, args)
			default:
				return fmt.Errorf("invalid --type %q: use container, image, pod, volume, network or all: %w", typ, errdefs.ErrInvalidArgument)
			}
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			if args, err = addLatest(rt, latest, false, args); err != nil {
				return err
			}
			var out []any
			var notFound []string
			var errs errTail
			for _, a := range args {
				c, err := rt.LookupContainer(a)
				if err != nil {
					if errors.Is(err, errdefs.ErrNotFound) && anyType && typ != "container" {
						notFound = append(notFound, a)
						continue
					}
					errs.add(err)
					continue
				}
				ic := c.Inspect()
				if size {
					rw, rootFs, err := c.Sizes()
					if err != nil {
						return err
					}
					ic.SizeRw, ic.SizeRootFs = &rw, rootFs
				}
				out = append(out, ic)
			}
			if len(notFound) > 0 {
				// Not containers: maybe images (pod-image answers for those).
				errs.add(forwardToImageHelper(cmd, append([]string{"image", "inspect"}, imageInspectArgs(format, notFound)...)))
			}
			if err := printInspect(out, format); err != nil {
				return err
			}
			return errs.err()
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "json", "Format the output to a Go template or json")
	fl.BoolVarP(&size, "size", "s", false, "Display total file size")
	fl.BoolVarP(&latest, "latest", "l", false, "Act on the latest container")
	if anyType {
		fl.StringVarP(&typ, "type", "t", "all", "Specify inspect-object type (\"image\", \"container\", \"pod\", \"volume\", \"network\" or \"all\")")
	}
	return cmd
}

// inspectOther runs `pod pod|volume|network inspect` for `inspect --type
// pod|volume|network`, with the same --format (and --latest for pods), as
// Podman does.
func inspectOther(cmd *cobra.Command, typ, format string, latest bool, args []string) error {
	var sub *cobra.Command
	switch typ {
	case "pod":
		sub = podInspectCommand()
	case "volume":
		sub = volumeInspectCommand()
	default:
		sub = networkInspectCommand()
	}
	if format != "" && format != "json" {
		if err := sub.Flags().Set("format", format); err != nil {
			return err
		}
	}
	if latest {
		if sub.Flags().Lookup("latest") == nil {
			return usageError("--latest is for containers and pods")
		}
		if err := sub.Flags().Set("latest", "true"); err != nil {
			return err
		}
	}
	sub.SetContext(cmd.Context())
	return sub.RunE(sub, args)
}

func imageInspectArgs(format string, names []string) []string {
	if format != "" && format != "json" {
		return append([]string{"--format", format}, names...)
	}
	return names
}

// printInspect prints inspect results as a JSON array (even when empty, as
// Podman does) or through a template, one line per object.
func printInspect(objs []any, format string) error {
	if isJSONFormat(format) || format == "" {
		if objs == nil {
			if format == "" {
				return nil
			}
			objs = []any{}
		}
		return printJSON(objs)
	}
	return renderTemplate(os.Stdout, format, nil, objs)
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
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
						if o, ok, err := inspectAnyOther(rt, a); err != nil {
							errs.add(err)
						} else if ok {
							out = append(out, o)
						} else {
							notFound = append(notFound, a)
						}
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
			var imgErr bytes.Buffer
			if len(notFound) > 0 {
				// Nothing else: maybe images, which pod-image inspects;
				// its objects join the others in one array, its errors
				// come after them, as Podman prints them.
				var imgOut bytes.Buffer
				errs.add(forwardToImageHelperIO(cmd, append([]string{"image", "inspect", "--any-type"}, imageInspectArgs(format, notFound)...), &imgOut, &imgErr))
				if !isJSONFormat(format) && format != "" {
					if err := printInspect(out, format); err != nil {
						return err
					}
					out = nil
					_, _ = os.Stdout.Write(imgOut.Bytes())
				} else {
					var imgs []json.RawMessage
					_ = json.Unmarshal(imgOut.Bytes(), &imgs) // "[]" or nothing when none is an image
					for _, m := range imgs {
						out = append(out, m)
					}
					if out == nil {
						out = []any{}
					}
				}
			}
			if out != nil {
				if err := printInspect(out, format); err != nil {
					return err
				}
			}
			_, _ = os.Stderr.Write(imgErr.Bytes())
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

// inspectAnyOther inspects a name that is no container as `inspect`
// without --type does: a volume, a network or a pod, in that order (Podman
// tries images before those; pod asks its image helper last, for what is
// none of them). ok is false when it is none.
func inspectAnyOther(rt *libpod.Runtime, name string) (obj any, ok bool, err error) {
	if v, err := rt.LookupVolume(name); err == nil {
		return v.Inspect(), true, nil
	}
	if n, err := rt.Networks().Inspect(name); err == nil {
		return n, true, nil
	}
	p, err := rt.LookupPod(name)
	if err != nil {
		return nil, false, nil
	}
	in, err := p.Inspect()
	if err != nil {
		return nil, false, err
	}
	return in, true, nil
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
		return writeJSON(os.Stdout, objs, "     ") // Podman's inspect indent
	}
	return renderTemplate(os.Stdout, format, nil, objs)
}

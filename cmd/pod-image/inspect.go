package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
	"go.podman.io/common/pkg/report"
	"go.podman.io/storage"
)

func inspectCmd(a *app) *cobra.Command {
	var format string
	var anyType bool
	cmd := &cobra.Command{
		Use:   "inspect [options] IMAGE [IMAGE...]",
		Short: "Display the configuration of an image",
		Long:  "Displays the low-level information of an image identified by name or ID.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("requires at least 1 arg(s), only received 0")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runInspect(cmd, a, format, anyType, args) },
		Example: `pod image inspect busybox
  pod image inspect --format "{{.Id}} {{.Config.Cmd}}" localhost/busybox`,
	}
	cmd.Flags().StringVarP(&format, "format", "f", "json", "Format the output to a Go template or json")
	// `pod inspect NAME` (any type) asks for the names that are nothing
	// else: a miss is then Podman's "no such object".
	cmd.Flags().BoolVar(&anyType, "any-type", false, "")
	_ = cmd.Flags().MarkHidden("any-type")
	return cmd
}

// runInspect prints Podman's image inspect JSON (or a template per image).
// Unknown images are reported after the known ones; any error exits 125.
func runInspect(cmd *cobra.Command, a *app, format string, anyType bool, args []string) error {
	rt, err := a.Runtime()
	if err != nil {
		return err
	}
	var data []inspectData
	var errs []error
	for _, name := range args {
		img, _, err := rt.LookupImage(name, nil)
		if err != nil {
			if anyType && errors.Is(err, storage.ErrImageUnknown) {
				err = errdefs.WithClass(fmt.Errorf("no such object: %q", name), errdefs.ErrNotFound)
			}
			errs = append(errs, err)
			continue
		}
		d, err := img.Inspect(cmd.Context(), &libimage.InspectOptions{WithParent: true, WithSize: true})
		if err != nil {
			return err
		}
		data = append(data, inspectData{d})
	}
	if report.IsJSON(format) || format == "" {
		if data == nil {
			data = []inspectData{}
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "     ")
		if err := enc.Encode(data); err != nil {
			return err
		}
		if _, err := os.Stdout.Write(bytes.TrimRight(buf.Bytes(), "\n")); err != nil {
			return err
		}
		fmt.Println()
	} else {
		rpt, err := report.New(os.Stdout, cmd.Name()).Parse(report.OriginUser, format)
		if err != nil {
			return classify(err, errdefs.ErrInvalidArgument)
		}
		if err := rpt.Execute(data); err != nil {
			return err
		}
		if err := rpt.Flush(); err != nil {
			return err
		}
	}
	return joinErrors(errs, "inspecting object")
}

// inspectData is libimage's inspect data (Podman's JSON) plus the Id method
// Podman templates use ({{.Id}} as well as {{.ID}}).
type inspectData struct {
	*libimage.ImageData
}

// Id returns the image ID.
func (d inspectData) Id() string { return d.ID } //nolint:revive // Podman's template name

// joinErrors prints all but the last error and returns the last, as Podman
// does for multi-object verbs.
func joinErrors(errs []error, prefix string) error {
	if len(errs) == 0 {
		return nil
	}
	for _, e := range errs[:len(errs)-1] {
		fmt.Fprintf(os.Stderr, "Error: %s: %v\n", prefix, e)
	}
	last := errs[len(errs)-1]
	if prefix != "" {
		return fmt.Errorf("%s: %w", prefix, last)
	}
	return last
}

func existsCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "exists IMAGE",
		Short: "Check if an image exists in local storage",
		Long:  "If the named image exists in local storage, pod image exists exits with 0, otherwise the exit code will be 1.",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := a.Runtime()
			if err != nil {
				return err
			}
			ok, err := rt.Exists(args[0])
			if err != nil {
				return err
			}
			if !ok {
				return &errdefs.ExitCodeError{Code: 1}
			}
			return nil
		},
		Example: "pod image exists localhost/busybox",
	}
}

func tagCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "tag IMAGE TARGET_NAME [TARGET_NAME...]",
		Short: "Add an additional name to a local image",
		Long:  "Adds one or more additional names to locally-stored image.",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			img, err := a.lookupImage(args[0])
			if err != nil {
				return err
			}
			for _, t := range args[1:] {
				if err := img.Tag(t); err != nil {
					return err
				}
			}
			return nil
		},
		Example: "pod tag localhost/busybox localhost/busybox:v1",
	}
}

func untagCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "untag IMAGE [IMAGE...]",
		Short: "Remove a name from a local image",
		Long:  "Removes one or more names from a locally-stored image; without names, all of them.",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			img, err := a.lookupImage(args[0])
			if err != nil {
				return err
			}
			names := args[1:]
			if len(names) == 0 {
				names = img.Names()
			}
			for _, n := range names {
				if err := img.Untag(n); err != nil {
					return err
				}
			}
			return nil
		},
		Example: "pod untag localhost/busybox localhost/busybox:v1",
	}
}

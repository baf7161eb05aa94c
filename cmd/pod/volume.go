package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() { commands = append(commands, volumeCommand) }

func volumeCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "volume", Short: "Manage volumes", RunE: subcommandRequired, Args: cobra.ArbitraryArgs}
	cmd.AddCommand(volumeCreateCommand(), volumeLsCommand(), volumeInspectCommand(), volumeRmCommand(),
		volumePruneCommand(), volumeExistsCommand(), volumeExportCommand(), volumeImportCommand(),
		volumeMountCommand(), volumeUnmountCommand(), volumeReloadCommand())
	return cmd
}

// volumeReloadCommand is `volume reload`: Podman re-reads the volumes of
// volume plugins; pod has only the local driver, whose volumes are the
// state itself, so there is nothing to add or remove (Podman prints
// nothing then either).
func volumeReloadCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "reload",
		Short: "Reload all volumes from volume plugins (pod has only the local driver: nothing to reload)",
		Args:  exactArgs(0),
		RunE:  func(*cobra.Command, []string) error { return nil },
	}
}

func volumeCreateCommand() *cobra.Command {
	var o libpod.VolumeCreateOptions
	var labels, opts []string
	cmd := &cobra.Command{
		Use:   "create [options] [NAME]",
		Short: "Create a new volume",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if o.Labels, err = keyValues("--label", labels); err != nil {
				return err
			}
			if o.Options, err = keyValues("--opt", opts); err != nil {
				return err
			}
			if len(args) == 1 {
				o.Name = args[0]
				if o.Name == "" {
					return fmt.Errorf("volume name \"\" is invalid: give a name matching [a-zA-Z0-9][a-zA-Z0-9_.-]* or none: %w", errdefs.ErrInvalidArgument)
				}
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				v, err := rt.CreateVolume(cmd.Context(), o)
				if err != nil {
					return err
				}
				fmt.Println(v.Name())
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.Driver, "driver", "d", "local", "Specify volume driver name")
	fl.BoolVar(&o.IgnoreIfExists, "ignore", false, "Don't fail if volume already exists")
	fl.StringArrayVarP(&labels, "label", "l", nil, "Set metadata for a volume (e.g. --label mykey=value)")
	fl.StringArrayVarP(&opts, "opt", "o", nil, "Set driver specific options (default [])")
	return cmd
}

// volumeFilter builds `volume ls --filter`'s matcher with Podman's keys:
// name (a regular expression), label (KEY or KEY=VALUE), driver, scope,
// opt, dangling (true/false), until (a time or a duration ago). Values of
// one key are ORed, keys are ANDed. prune takes only label, label! and until.
func volumeFilter(rt *libpod.Runtime, filters []string, prune bool) (func(*libpod.Volume) bool, error) {
	var preds []func(*libpod.Volume) bool
	by := map[string][]string{}
	var keys []string
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("invalid filter %q: use KEY=VALUE: %w", f, errdefs.ErrInvalidArgument)
		}
		if _, seen := by[k]; !seen {
			keys = append(keys, k)
		}
		by[k] = append(by[k], v)
	}
	for _, k := range keys {
		vals := by[k]
		var one func(v *libpod.Volume, val string) bool
		switch k {
		case "name":
			if prune {
				return nil, fmt.Errorf("%q is an invalid volume filter: %w", k, errdefs.ErrInvalidArgument)
			}
			res := make([]*regexp.Regexp, len(vals))
			for i, val := range vals {
				re, err := regexp.Compile(val)
				if err != nil {
					return nil, fmt.Errorf("invalid filter name=%q: %v: %w", val, err, errdefs.ErrInvalidArgument)
				}
				res[i] = re
			}
			one = func(v *libpod.Volume, val string) bool {
				for _, re := range res {
					if re.MatchString(v.Name()) {
						return true
					}
				}
				return false
			}
			vals = vals[:1]
		case "label", "label!":
			neg := k == "label!"
			one = func(v *libpod.Volume, val string) bool {
				lk, lv, hasV := strings.Cut(val, "=")
				have, ok := v.Config().Labels[lk]
				m := ok && (!hasV || have == lv)
				return m != neg
			}
		case "driver":
			one = func(v *libpod.Volume, val string) bool { return !prune && v.Config().Driver == val }
		case "scope":
			one = func(v *libpod.Volume, val string) bool { return val == "local" }
		case "opt":
			one = func(v *libpod.Volume, val string) bool {
				ok, ov, hasV := strings.Cut(val, "=")
				have, found := v.Config().Options[ok]
				return found && (!hasV || have == ov)
			}
		case "dangling":
			want, err := strconv.ParseBool(vals[0])
			if err != nil {
				return nil, fmt.Errorf("invalid dangling filter value %q: %w", vals[0], errdefs.ErrInvalidArgument)
			}
			one = func(v *libpod.Volume, _ string) bool {
				d, err := v.Dangling()
				return err == nil && d == want
			}
		case "until":
			t, err := parseFilterTime(vals[0])
			if err != nil {
				return nil, err
			}
			one = func(v *libpod.Volume, _ string) bool { return v.Config().CreatedAt.Before(t) }
		default:
			return nil, fmt.Errorf("%q is an invalid volume filter: %w", k, errdefs.ErrInvalidArgument)
		}
		if k == "label!" {
			preds = append(preds, func(v *libpod.Volume) bool { // none of them
				for _, val := range vals {
					if !one(v, val) {
						return false
					}
				}
				return true
			})
			continue
		}
		preds = append(preds, func(v *libpod.Volume) bool {
			for _, val := range vals {
				if one(v, val) {
					return true
				}
			}
			return false
		})
	}
	_ = rt
	return func(v *libpod.Volume) bool {
		for _, p := range preds {
			if !p(v) {
				return false
			}
		}
		return true
	}, nil
}

// parseFilterTime reads an until= value: RFC 3339, a Unix time or a
// duration before now ("10m").
func parseFilterTime(s string) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid until filter %q: use a time (RFC 3339, Unix seconds) or a duration: %w", s, errdefs.ErrInvalidArgument)
}

func volumeLsCommand() *cobra.Command {
	var format string
	var filters []string
	var noHeading, quiet bool
	cmd := &cobra.Command{
		Use:     "ls [options]",
		Aliases: []string{"list"},
		Short:   "List volumes",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				match, err := volumeFilter(rt, filters, false)
				if err != nil {
					return err
				}
				vols, err := rt.Volumes()
				if err != nil {
					return err
				}
				rows := []any{}
				datas := []libpod.InspectVolumeData{}
				for _, v := range vols {
					if match(v) {
						d := v.Inspect()
						rows = append(rows, d)
						datas = append(datas, d)
					}
				}
				switch {
				case quiet:
					for _, d := range datas {
						fmt.Println(d.Name)
					}
					return nil
				case isJSONFormat(format):
					return writeJSON(os.Stdout, datas, "  ")
				}
				if len(rows) == 0 && format == "" {
					return nil // Podman prints not even the header
				}
				var b bytes.Buffer
				err = printReport(&b, reportSpec{Name: "volume ls", Format: format, Default: "{{.Driver}}\t{{.Name}}",
					HeaderOf: libpod.InspectVolumeData{}, Headers: map[string]string{"Name": "VOLUME NAME"}, NoHeading: noHeading}, rows)
				if err != nil {
					return err
				}
				_, err = os.Stdout.Write(b.Bytes())
				return err
			})
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVarP(&filters, "filter", "f", nil, "Filter volume output")
	fl.StringVar(&format, "format", "", "Format volume output using JSON or a Go template")
	fl.BoolVar(&noHeading, "noheading", false, "Do not print headers")
	fl.BoolVarP(&quiet, "quiet", "q", false, "Print volume output in quiet mode")
	return cmd
}

func volumeInspectCommand() *cobra.Command {
	var format string
	var all bool
	cmd := &cobra.Command{
		Use:   "inspect [options] VOLUME [VOLUME...]",
		Short: "Display detailed information on one or more volumes",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return usageError("provide one or more volume names or use --all")
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				if all {
					vols, err := rt.Volumes()
					if err != nil {
						return err
					}
					for _, v := range vols {
						args = append(args, v.Name())
					}
				}
				datas := []any{}
				var errs []error
				for _, a := range args {
					v, err := rt.LookupVolume(a)
					if err != nil {
						errs = append(errs, errdefs.WithClass(fmt.Errorf("inspecting object: no such volume %s", a), errdefs.ErrNotFound))
						continue
					}
					datas = append(datas, v.Inspect())
				}
				var err error
				if format != "" && !isJSONFormat(format) {
					err = renderTemplate(os.Stdout, format, nil, datas)
				} else {
					err = writeJSON(os.Stdout, datas, "     ")
				}
				if err != nil {
					errs = append(errs, err)
				}
				return lastError(errs)
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&all, "all", "a", false, "Inspect all volumes")
	fl.StringVarP(&format, "format", "f", "json", "Format volume output using Go template")
	return cmd
}

func volumeExistsCommand() *cobra.Command {
	return objectExistsCommand("exists VOLUME", "Check if volume exists", func(name string) error {
		return withRuntime(func(rt *libpod.Runtime) error {
			_, err := rt.LookupVolume(name)
			return err
		})
	})
}

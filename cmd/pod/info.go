package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/pod-engine/pod/libpod"
)

func init() {
	commands = append(commands, versionCommand, infoCommand, runtimeCommand)
}

func versionCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "version [options]",
		Short: "Display the pod version information",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			v := struct {
				Client libpod.VersionInfo `json:"Client"`
			}{libpod.VersionInfo{APIVersion: version, Version: version, GoVersion: runtime.Version(),
				OsArch: runtime.GOOS + "/" + runtime.GOARCH, Os: runtime.GOOS}}
			return printFormatted(format, v, func() error {
				c := v.Client
				_, err := fmt.Printf("Version:      %s\nAPI Version:  %s\nGo Version:   %s\nOS/Arch:      %s\n", c.Version, c.APIVersion, c.GoVersion, c.OsArch)
				return err
			})
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Change the output format to JSON or a Go template")
	return cmd
}

func infoCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "info [options]",
		Short: "Display pod system information, including every runtime",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			info, err := rt.Info(cmd.Context())
			if err != nil {
				return err
			}
			info.Version.Version, info.Version.APIVersion = version, version
			return printFormatted(format, info, func() error {
				enc := yaml.NewEncoder(os.Stdout)
				enc.SetIndent(2)
				defer func() { _ = enc.Close() }()
				return enc.Encode(info)
			})
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Change the output format to JSON or a Go template")
	return cmd
}

func runtimeCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "runtime", Short: "Manage and inspect container runtimes", RunE: subcommandRequired, Args: cobra.ArbitraryArgs}
	var format string
	ls := &cobra.Command{
		Use:     "ls [options]",
		Aliases: []string{"list"},
		Short:   "List every configured runtime, found or not, with version and features",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			rts := rt.Runtimes(cmd.Context())
			if isJSONFormat(format) {
				if rts == nil {
					rts = []libpod.RuntimeInfo{}
				}
				return printJSON(rts)
			}
			type row struct {
				libpod.RuntimeInfo
				Version, Features, Status string
			}
			rows := make([]any, 0, len(rts))
			for _, r := range rts {
				v := row{RuntimeInfo: r, Version: firstLineOf(r.Version), Features: strings.Join(r.Features, ","), Status: "available"}
				if v.Features == "" {
					v.Features = "-"
				}
				if v.Version == "" {
					v.Version = "-"
				}
				if v.Path == "" {
					v.Path = "-"
				}
				if r.Default {
					v.Status += " (default)"
				}
				if !r.Available {
					v.Status = "unavailable: " + r.Reason
				}
				rows = append(rows, v)
			}
			if format == "" {
				format = "table {{.Name}}\t{{.Kind}}\t{{.Path}}\t{{.Version}}\t{{.Features}}\t{{.Status}}"
			}
			return renderTemplate(os.Stdout, format, nil, rows)
		},
	}
	ls.Flags().StringVar(&format, "format", "", "Change the output format to JSON or a Go template")
	var inspectFormat string
	inspect := &cobra.Command{
		Use:   "inspect [options] NAME [NAME...]",
		Short: "Show a runtime as new containers would get it: path, flags, version, features, capabilities",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			infos := make([]any, 0, len(args))
			for _, name := range args {
				i, err := rt.InspectRuntime(cmd.Context(), name)
				if err != nil {
					return err
				}
				infos = append(infos, i)
			}
			if inspectFormat == "" || isJSONFormat(inspectFormat) {
				return printJSON(infos)
			}
			return renderTemplate(os.Stdout, inspectFormat, nil, infos)
		},
	}
	inspect.Flags().StringVarP(&inspectFormat, "format", "f", "", "Change the output format to JSON or a Go template")
	cmd.AddCommand(ls, inspect)
	return cmd
}

func firstLineOf(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

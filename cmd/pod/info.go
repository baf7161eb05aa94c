package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/pod-engine/pod/libpod"
)

func init() {
	commands = append(commands, versionCommand, infoCommand, runtimeCommand)
}

// versionReport is `pod version`: Podman's layout; pod has no server.
type versionReport struct {
	Client *libpod.VersionInfo `json:"Client"`
	Server *libpod.VersionInfo `json:"Server,omitempty"`
}

func versionCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "version [options]",
		Short: "Display the pod version information",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			v := libpod.NewVersionInfo(version)
			r := versionReport{Client: &v}
			if isJSONFormat(format) {
				// Podman prints this one on a single line.
				b, err := json.Marshal(r)
				if err != nil {
					return err
				}
				_, err = fmt.Println(string(b))
				return err
			}
			return printFormatted(format, r, func() error {
				w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintf(w, "Client:\tpod\nVersion:\t%s\nAPI Version:\t%s\nGo Version:\t%s\n", v.Version, v.APIVersion, v.GoVersion)
				if v.GitCommit != "" {
					fmt.Fprintf(w, "Git Commit:\t%s\n", v.GitCommit)
				}
				fmt.Fprintf(w, "Built:\t%s\nOS/Arch:\t%s\n", v.BuiltTime, v.OsArch)
				return w.Flush()
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
			info, err := rt.Info(cmd.Context(), version)
			if err != nil {
				return err
			}
			switch {
			case isJSONFormat(format):
				b, err := json.MarshalIndent(info, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Println(string(b))
				return err
			case format != "":
				return renderTemplate(os.Stdout, format, nil, []any{info})
			}
			// The raw `features` documents are for JSON readers only.
			for i := range info.Host.OCIRuntimes {
				info.Host.OCIRuntimes[i].Raw = nil
			}
			b, err := sortedYAML(info)
			if err != nil {
				return err
			}
			_, err = os.Stdout.Write(b)
			return err
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Change the output format to JSON or a Go template")
	// Podman keeps a hidden, no-op --debug/-D on info.
	cmd.Flags().BoolP("debug", "D", false, "Display additional debug information")
	_ = cmd.Flags().MarkHidden("debug")
	return cmd
}

// sortedYAML renders v as Podman renders `info`: v's JSON keys, sorted, in
// block-style YAML indented by two.
func sortedYAML(v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(j, &n); err != nil {
		return nil, err
	}
	blockStyle(&n)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	enc.CompactSeqIndent()
	if err := enc.Encode(&n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// blockStyle drops the flow style JSON gave every node and sorts mappings
// by key.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	if n.Kind == yaml.MappingNode {
		type pair struct{ k, v *yaml.Node }
		pairs := make([]pair, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			pairs = append(pairs, pair{n.Content[i], n.Content[i+1]})
		}
		sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].k.Value < pairs[j].k.Value })
		n.Content = n.Content[:0]
		for _, p := range pairs {
			n.Content = append(n.Content, p.k, p.v)
		}
	}
	for _, c := range n.Content {
		blockStyle(c)
	}
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
				Version, Features, Status, Rootless string
			}
			rows := make([]any, 0, len(rts))
			for _, r := range rts {
				v := row{RuntimeInfo: r, Version: firstLineOf(r.Version), Features: strings.Join(r.Features, ","), Status: "available", Rootless: r.RootlessSupport()}
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
				format = "table {{.Name}}\t{{.Kind}}\t{{.Path}}\t{{.Version}}\t{{.Features}}\t{{.Rootless}}\t{{.Status}}"
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

package main

// `pod search`: registry search on libimage's Search (the v1 search API, or
// the v2 catalog where a registry has no search), with Podman 4.3.1's flags
// and output.

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
	"go.podman.io/common/libimage/filter"
	"go.podman.io/common/pkg/auth"
	"go.podman.io/common/pkg/report"
	"go.podman.io/image/v5/types"
)

type searchFlags struct {
	authFile, certDir, creds, format string
	filters                          []string
	limit                            int
	compatible, listTags, noTrunc    bool
	tlsVerify                        bool
}

// searchRow is one result; its fields are Podman's template names.
type searchRow struct {
	Index       string
	Name        string
	Description string
	Stars       int
	Official    string
	Automated   string
	Tag         string
}

func searchCmd(a *app, use string) *cobra.Command {
	f := &searchFlags{}
	cmd := &cobra.Command{
		Use:   use + " [options] TERM",
		Short: "Search registry for image",
		Long:  "Search registries for a given image. Can search all the default registries or a specific registry.\n\nUsers can limit the number of results, and filter the output based on certain conditions.",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runSearch(cmd, a, f, args[0]) },
		Example: `pod search --filter=is-official --limit 3 alpine
  pod search --tls-verify=false 127.0.0.1:5000/
  pod search --list-tags 127.0.0.1:5000/library/busybox`,
	}
	fs := cmd.Flags()
	fs.StringVar(&f.authFile, "authfile", auth.GetDefaultAuthFile(), "Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override")
	fs.StringVar(&f.certDir, "cert-dir", "", "Pathname of a directory containing TLS certificates and keys")
	fs.StringVar(&f.creds, "creds", "", "Credentials (USERNAME:PASSWORD) to use for authenticating to a registry")
	fs.BoolVar(&f.compatible, "compatible", false, "List stars, official and automated columns (Docker compatibility)")
	fs.StringSliceVarP(&f.filters, "filter", "f", nil, "Filter output based on conditions provided (default [])")
	fs.StringVar(&f.format, "format", "", "Change the output format to JSON or a Go template")
	fs.IntVar(&f.limit, "limit", 0, "Limit the number of results")
	fs.BoolVar(&f.listTags, "list-tags", false, "List the tags of the input registry")
	fs.BoolVar(&f.noTrunc, "no-trunc", false, "Do not truncate the output")
	fs.BoolVar(&f.tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when contacting registries")
	return cmd
}

func runSearch(cmd *cobra.Command, a *app, f *searchFlags, term string) error {
	sf, err := filter.ParseSearchFilter(f.filters)
	if err != nil {
		return classify(err, errdefs.ErrInvalidArgument)
	}
	if f.limit < 0 {
		return invalid("--limit %d: must be positive", f.limit)
	}
	if f.listTags && len(f.filters) > 0 {
		return invalid("filters are not applicable to list tags result")
	}
	if err := auth.CheckAuthFile(f.authFile); err != nil {
		return classify(err, errdefs.ErrInvalidArgument)
	}
	o := &libimage.SearchOptions{Filter: *sf, Limit: f.limit, NoTrunc: f.noTrunc, ListTags: f.listTags,
		Authfile: f.authFile, CertDirPath: f.certDir}
	if f.creds != "" {
		if o.Username, o.Password, err = parseCreds(f.creds); err != nil {
			return err
		}
	}
	if cmd.Flags().Changed("tls-verify") {
		o.InsecureSkipTLSVerify = types.NewOptionalBool(!f.tlsVerify)
	}
	// Search needs no store; the runtime gives the registries.conf in use.
	rt, err := a.Runtime()
	if err != nil {
		return err
	}
	results, err := rt.Search(cmd.Context(), term, o)
	if err != nil {
		return err
	}
	rows := make([]searchRow, 0, len(results))
	for _, r := range results {
		rows = append(rows, searchRow(r))
	}
	return printSearch(cmd, f, rows)
}

func printSearch(cmd *cobra.Command, f *searchFlags, rows []searchRow) error {
	var row string
	origin := report.OriginPodman
	switch {
	case f.listTags && report.IsJSON(f.format):
		type tags struct {
			Name string
			Tags []string
		}
		var out []tags
		for _, r := range rows {
			if n := len(out); n > 0 && out[n-1].Name == r.Name {
				out[n-1].Tags = append(out[n-1].Tags, r.Tag)
				continue
			}
			out = append(out, tags{Name: r.Name, Tags: []string{r.Tag}})
		}
		return printJSON(out)
	case f.listTags:
		row = "{{.Name}}\t{{.Tag}}\n"
	case report.IsJSON(f.format):
		return printJSON(rows)
	case cmd.Flags().Changed("format"):
		row, origin = report.NormalizeFormat(f.format), report.OriginUser
	default:
		row = "{{.Name}}\t{{.Description}}"
		if f.compatible {
			row += "\t{{.Stars}}\t{{.Official}}\t{{.Automated}}"
		}
		row += "\n"
	}
	rpt, err := report.New(os.Stdout, cmd.Name()).Parse(origin, report.EnforceRange(row))
	if err != nil {
		return classify(err, errdefs.ErrInvalidArgument)
	}
	defer rpt.Flush()
	if rpt.RenderHeaders {
		if err := rpt.Execute(report.Headers(searchRow{}, nil)); err != nil {
			return err
		}
	}
	return rpt.Execute(rows)
}

// printJSON prints v as Podman's indented JSON ([] for nothing).
func printJSON(v any) error {
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	if string(b) == "null" {
		b = []byte("[]")
	}
	fmt.Println(string(b))
	return nil
}

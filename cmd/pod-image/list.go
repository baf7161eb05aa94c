package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/docker/go-units"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
	"go.podman.io/common/pkg/report"
	"go.podman.io/image/v5/docker/reference"
)

// imageSummary is one image as `images --format json` shows it (Podman's
// entities.ImageSummary).
type imageSummary struct {
	ID          string `json:"Id"`
	ParentId    string //nolint:revive // Podman's JSON key
	RepoTags    []string
	RepoDigests []string
	Created     int64
	Size        int64
	SharedSize  int
	VirtualSize int64
	Labels      map[string]string
	Containers  int
	ReadOnly    bool     `json:",omitempty"`
	Dangling    bool     `json:",omitempty"`
	Names       []string `json:",omitempty"`
	Digest      string   `json:",omitempty"`
	History     []string `json:",omitempty"`
}

// Id returns the full image ID ({{.Id}} in Podman templates).
func (s imageSummary) Id() string { return s.ID } //nolint:revive // Podman's template name

type listFlags struct {
	all, digests, history, noHeading, noTrunc, quiet bool
	filters                                          []string
	format, sort                                     string
}

var sortFields = []string{"created", "id", "repository", "size", "tag"}

func listCmd(a *app, use string, aliases []string) *cobra.Command {
	f := &listFlags{}
	cmd := &cobra.Command{
		Use:     use + " [options] [IMAGE]",
		Aliases: aliases,
		Short:   "List images in local storage",
		Long:    "Lists images previously pulled to the system or created on the system.",
		Args:    cobra.MaximumNArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runList(cmd, a, f, args) },
		Example: `pod images --format json
  pod images --sort repository --format "table {{.ID}} {{.Repository}} {{.Tag}}"
  pod images --filter dangling=true`,
	}
	fs := cmd.Flags()
	fs.BoolVarP(&f.all, "all", "a", false, "Show all images (default hides intermediate images)")
	fs.StringSliceVarP(&f.filters, "filter", "f", []string{}, "Filter output based on conditions provided (default [])")
	fs.StringVar(&f.format, "format", "", "Change the output format to JSON or a Go template")
	fs.BoolVar(&f.digests, "digests", false, "Show digests")
	fs.BoolVarP(&f.noHeading, "noheading", "n", false, "Do not print column headings")
	fs.BoolVar(&f.noTrunc, "no-trunc", false, "Do not truncate output")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "Display only image IDs")
	fs.StringVar(&f.sort, "sort", "created", "Sort by "+strings.Join(sortFields, ", "))
	fs.BoolVar(&f.history, "history", false, "Display the image name history")
	return cmd
}

func runList(cmd *cobra.Command, a *app, f *listFlags, args []string) error {
	if len(f.filters) > 0 && len(args) > 0 {
		return invalid("cannot specify an image and a filter(s)")
	}
	filters := append([]string(nil), f.filters...)
	if len(args) > 0 {
		filters = append(filters, "reference="+args[0])
	}
	if cmd.Flags().Changed("sort") && !slices.Contains(sortFields, f.sort) {
		return invalid("\"%s\" is not a valid field for sorting. Choose from: %s", f.sort, strings.Join(sortFields, ", "))
	}
	rt, err := a.Runtime()
	if err != nil {
		return err
	}
	sums, err := summaries(cmd.Context(), rt, filters, f.all)
	if err != nil {
		return err
	}
	rows, err := reporters(sums, f)
	if err != nil {
		return err
	}
	switch {
	case report.IsJSON(f.format):
		return listJSON(rows)
	case f.quiet:
		seen := map[string]bool{}
		for _, r := range rows {
			if id := r.ID(); !seen[id] {
				seen[id] = true
				fmt.Println(id)
			}
		}
		return nil
	}
	noHeading := f.noHeading
	if cmd.Flags().Changed("format") && !report.HasTable(f.format) {
		noHeading = true
	}
	rpt := report.New(os.Stdout, cmd.Name())
	defer rpt.Flush()
	if cmd.Flags().Changed("format") {
		rpt, err = rpt.Parse(report.OriginUser, f.format)
	} else {
		rpt, err = rpt.Parse(report.OriginPodman, defaultListFormat(f, rows))
	}
	if err != nil {
		return classify(err, errdefs.ErrInvalidArgument)
	}
	if rpt.RenderHeaders && !noHeading {
		hdrs := report.Headers(imageRow{}, map[string]string{"ID": "IMAGE ID", "ReadOnly": "R/O"})
		if err := rpt.Execute(hdrs); err != nil {
			return err
		}
	}
	return rpt.Execute(rows)
}

// summaries lists the images as Podman's image engine does.
func summaries(ctx context.Context, rt *libimage.Runtime, filters []string, all bool) ([]*imageSummary, error) {
	opts := &libimage.ListImagesOptions{Filters: filters, SetListData: true}
	if !all && !slices.Contains(filters, "intermediate=true") {
		opts.Filters = append(opts.Filters, "intermediate=false")
	}
	imgs, err := rt.ListImages(ctx, opts)
	if err != nil {
		return nil, classify(err, errdefs.ErrInvalidArgument)
	}
	out := make([]*imageSummary, 0, len(imgs))
	for _, img := range imgs {
		s, err := summarize(ctx, img)
		if err != nil {
			if libimage.ErrorIsImageUnknown(err) {
				continue // removed meanwhile
			}
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func summarize(ctx context.Context, img *libimage.Image) (*imageSummary, error) {
	repoDigests, err := img.RepoDigests()
	if err != nil {
		return nil, fmt.Errorf("getting repoDigests from image %q: %w", img.ID(), err)
	}
	s := &imageSummary{
		ID:          img.ID(),
		Created:     img.Created().Unix(),
		Digest:      string(img.Digest()),
		RepoDigests: repoDigests,
		History:     img.NamesHistory(),
		Names:       img.Names(),
		ReadOnly:    img.IsReadOnly(),
		RepoTags:    img.Names(),
	}
	if img.ListData.IsDangling != nil {
		s.Dangling = *img.ListData.IsDangling
	}
	if img.ListData.Parent != nil {
		s.ParentId = img.ListData.Parent.ID()
	}
	if s.Labels, err = img.Labels(ctx); err != nil {
		return nil, fmt.Errorf("retrieving label for image %q: you may need to remove the image to resolve the error: %w", img.ID(), err)
	}
	ctrs, err := img.Containers()
	if err != nil {
		return nil, fmt.Errorf("retrieving containers for image %q: you may need to remove the image to resolve the error: %w", img.ID(), err)
	}
	s.Containers = len(ctrs)
	if s.Size, err = img.Size(); err != nil {
		return nil, fmt.Errorf("retrieving size of image %q: you may need to remove the image to resolve the error: %w", img.ID(), err)
	}
	s.VirtualSize = s.Size
	return s, nil
}

// imageRow is one line of `images`: an image under one of its names.
type imageRow struct {
	Repository string `json:"repository,omitempty"`
	Tag        string `json:"tag,omitempty"`
	imageSummary
	noTrunc bool
}

func (r imageRow) ID() string {
	if !r.noTrunc && len(r.imageSummary.ID) >= 12 {
		return r.imageSummary.ID[:12]
	}
	return "sha256:" + r.imageSummary.ID
}

func (r imageRow) created() time.Time { return time.Unix(r.imageSummary.Created, 0).UTC() }

// Created is the age, "2 weeks ago".
func (r imageRow) Created() string { return units.HumanDuration(time.Since(r.created())) + " ago" }

// CreatedAt is the creation time.
func (r imageRow) CreatedAt() string { return r.created().String() }

// CreatedSince is Created.
func (r imageRow) CreatedSince() string { return r.Created() }

// CreatedTime is CreatedAt.
func (r imageRow) CreatedTime() string { return r.CreatedAt() }

// Size is the human size, "4.86 MB".
func (r imageRow) Size() string {
	s := units.HumanSizeWithPrecision(float64(r.imageSummary.Size), 3)
	j := strings.LastIndexFunc(s, unicode.IsNumber)
	return s[:j+1] + " " + s[j+1:]
}

// History joins the name history.
func (r imageRow) History() string { return strings.Join(r.imageSummary.History, ", ") }

func reporters(sums []*imageSummary, f *listFlags) ([]imageRow, error) {
	rows := make([]imageRow, 0, len(sums))
	for _, s := range sums {
		if len(s.RepoTags) == 0 {
			rows = append(rows, imageRow{Repository: "<none>", Tag: "<none>", imageSummary: *s, noTrunc: f.noTrunc})
			continue
		}
		var tagged, untagged []imageRow
		for _, t := range s.RepoTags {
			repo, tag, err := splitRepoTag(t)
			if err != nil {
				return nil, fmt.Errorf("parsing repository tag %q: %w", t, err)
			}
			r := imageRow{Repository: repo, Tag: tag, imageSummary: *s, noTrunc: f.noTrunc}
			if tag == "<none>" {
				untagged = append(untagged, r)
			} else {
				tagged = append(tagged, r)
			}
		}
		if len(tagged) > 0 {
			rows = append(rows, tagged...)
		} else {
			rows = append(rows, untagged[0])
		}
	}
	var less func(i, j int) bool
	switch f.sort {
	case "id":
		less = func(i, j int) bool { return rows[i].ID() < rows[j].ID() }
	case "repository":
		less = func(i, j int) bool { return rows[i].Repository < rows[j].Repository }
	case "size":
		less = func(i, j int) bool { return rows[i].imageSummary.Size < rows[j].imageSummary.Size }
	case "tag":
		less = func(i, j int) bool { return rows[i].Tag < rows[j].Tag }
	default:
		less = func(i, j int) bool { return rows[i].created().After(rows[j].created()) }
	}
	sort.SliceStable(rows, less)
	return rows, nil
}

// splitRepoTag splits a stored name into repository and tag ("<none>" for
// a missing part).
func splitRepoTag(ref string) (string, string, error) {
	if ref == "<none>:<none>" {
		return "<none>", "<none>", nil
	}
	parsed, err := reference.Parse(ref)
	if err != nil {
		return "<none>", "<none>", err
	}
	named, ok := parsed.(reference.Named)
	if !ok {
		return ref, "<none>", nil
	}
	name := named.Name()
	if name == "" {
		name = "<none>"
	}
	tagged, ok := parsed.(reference.Tagged)
	if !ok || tagged.Tag() == "" {
		return name, "<none>", nil
	}
	return name, tagged.Tag(), nil
}

func defaultListFormat(f *listFlags, rows []imageRow) string {
	cols := []string{"{{if .Repository}}{{.Repository}}{{else}}<none>{{end}}", "{{if .Tag}}{{.Tag}}{{else}}<none>{{end}}"}
	if f.digests {
		cols = append(cols, "{{.Digest}}")
	}
	cols = append(cols, "{{.ID}}", "{{.Created}}", "{{.Size}}")
	if f.history {
		cols = append(cols, "{{if .History}}{{.History}}{{else}}<none>{{end}}")
	}
	for _, r := range rows {
		if r.ReadOnly {
			cols = append(cols, "{{.ReadOnly}}")
			break
		}
	}
	return "{{range . }}" + strings.Join(cols, "\t") + "\n{{end -}}"
}

func listJSON(rows []imageRow) error {
	type entry struct {
		imageSummary
		Created   int64
		CreatedAt string
	}
	out := make([]entry, 0, len(rows))
	for _, r := range rows {
		e := entry{imageSummary: r.imageSummary, Created: r.imageSummary.Created, CreatedAt: r.created().Format(time.RFC3339Nano)}
		e.RepoTags = nil
		out = append(out, e)
	}
	b, err := json.MarshalIndent(out, "", "    ")
	if err != nil {
		return err
	}
	fmt.Println(string(b))
	return nil
}

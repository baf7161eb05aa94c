package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/docker/go-units"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/spf13/cobra"
	"go.podman.io/common/pkg/report"
)

// historyLayer is one entry of `history` (Podman's ImageHistoryLayer).
type historyLayer struct {
	ID        string    `json:"id"`
	Created   time.Time `json:"created,omitempty"`
	CreatedBy string    `json:",omitempty"`
	Tags      []string  `json:"tags,omitempty"`
	Size      int64     `json:"size"`
	Comment   string    `json:"comment,omitempty"`
}

type historyRow struct {
	historyLayer
	human, noTrunc bool
}

func (h historyRow) Created() string {
	if h.human {
		return units.HumanDuration(time.Since(h.historyLayer.Created)) + " ago"
	}
	return h.historyLayer.Created.Format(time.RFC3339)
}

func (h historyRow) Size() string {
	return units.HumanSizeWithPrecision(float64(h.historyLayer.Size), 3)
}

func (h historyRow) CreatedBy() string {
	if !h.noTrunc && len(h.historyLayer.CreatedBy) > 45 {
		return h.historyLayer.CreatedBy[:42] + "..."
	}
	return h.historyLayer.CreatedBy
}

func (h historyRow) ID() string {
	if !h.noTrunc && len(h.historyLayer.ID) >= 12 {
		return h.historyLayer.ID[:12]
	}
	return h.historyLayer.ID
}

func (h historyRow) CreatedAt() string {
	return time.Unix(h.historyLayer.Created.Unix(), 0).Format(time.RFC3339)
}

func (h historyRow) CreatedSince() string { return h.Created() }

func historyCmd(a *app) *cobra.Command {
	var human, noTrunc, quiet bool
	var format string
	cmd := &cobra.Command{
		Use:   "history [options] IMAGE",
		Short: "Show history of a specified image",
		Long:  "Displays the history of an image.",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			img, err := a.lookupImage(args[0])
			if err != nil {
				return err
			}
			hist, err := img.History(cmd.Context())
			if err != nil {
				return err
			}
			layers := make([]historyLayer, len(hist))
			for i, h := range hist {
				layers[i] = historyLayer{ID: h.ID, CreatedBy: h.CreatedBy, Size: h.Size, Comment: h.Comment}
				if h.Created != nil {
					layers[i].Created = *h.Created
				}
			}
			if report.IsJSON(format) {
				if len(layers) == 0 {
					fmt.Println("[]")
					return nil
				}
				type jsonLayer struct {
					historyLayer
					Created string `json:"Created"`
				}
				out := make([]jsonLayer, len(layers))
				for i, l := range layers {
					out[i] = jsonLayer{historyLayer: l, Created: l.Created.Format(time.RFC3339)}
				}
				return json.NewEncoder(os.Stdout).Encode(out)
			}
			rows := make([]historyRow, len(layers))
			for i, l := range layers {
				rows[i] = historyRow{historyLayer: l, human: human, noTrunc: noTrunc}
			}
			rpt := report.New(os.Stdout, cmd.Name())
			defer rpt.Flush()
			switch {
			case quiet:
				rpt, err = rpt.Parse(report.OriginUser, "{{range .}}{{.ID}}\n{{end -}}")
			case cmd.Flags().Changed("format"):
				rpt, err = rpt.Parse(report.OriginUser, format)
			default:
				rpt, err = rpt.Parse(report.OriginPodman, "{{range .}}{{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}\n{{end -}}")
			}
			if err != nil {
				return classify(err, errdefs.ErrInvalidArgument)
			}
			if rpt.RenderHeaders {
				if err := rpt.Execute(report.Headers(historyRow{}, map[string]string{"CreatedBy": "CREATED BY"})); err != nil {
					return err
				}
			}
			return rpt.Execute(rows)
		},
		Example: "pod history localhost/busybox",
	}
	fs := cmd.Flags()
	fs.StringVar(&format, "format", "", "Change the output to JSON or a Go template")
	fs.BoolVarP(&human, "human", "H", true, "Display sizes and dates in human readable format")
	fs.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate the output")
	fs.BoolVarP(&quiet, "quiet", "q", false, "Display the numeric IDs only")
	return cmd
}

package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	units "github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
)

func systemDfCommand() *cobra.Command {
	var verbose bool
	var format string
	cmd := &cobra.Command{
		Use:   "df [options]",
		Short: "Show pod disk usage",
		Long:  `Show pod disk usage for images, containers and volumes.`,
		Example: `  pod system df
  pod system df -v
  pod system df --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if verbose && format != "" {
				return usageError("cannot combine --format and --verbose flags")
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				du, err := rt.SystemDf(cmd.Context())
				if err != nil {
					return err
				}
				if verbose {
					return printDfVerbose(du)
				}
				return printDfSummary(du, format)
			})
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "Show detailed information on disk usage")
	cmd.Flags().StringVar(&format, "format", "", "Pretty-print images using a Go template")
	return cmd
}

// dfSummary is one line of `system df`: Podman's template fields (.Type,
// .Total, .Active, .Size, .Reclaimable, .RawSize, .RawReclaimable).
type dfSummary struct {
	Type           string
	Total          int
	Active         int
	RawSize        int64
	RawReclaimable int64
}

// Size is the human size ("2.141MB").
func (d dfSummary) Size() string { return humanSize(d.RawSize) }

// Reclaimable is the human reclaimable size with its share ("15B (56%)").
func (d dfSummary) Reclaimable() string {
	percent := 0
	if d.RawSize > 0 {
		percent = int(math.Round(float64(d.RawReclaimable) / float64(d.RawSize) * 100))
	}
	return fmt.Sprintf("%s (%d%%)", humanSize(d.RawReclaimable), percent)
}

// MarshalJSON gives Podman's JSON: sizes as numbers of bytes.
func (d dfSummary) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type        string
		Total       int
		Active      int
		Size        int64
		Reclaimable int64
	}{d.Type, d.Total, d.Active, d.RawSize, d.RawReclaimable})
}

// humanSize is Podman's size text: four significant digits, SI units.
func humanSize(n int64) string { return units.HumanSizeWithPrecision(float64(n), 4) }

// dfSummaries computes the three lines as Podman does: images with
// containers are active and the others reclaimable (each tag counts);
// running containers are active and the others' writable layers
// reclaimable; volumes some container mounts are active and the others
// reclaimable.
func dfSummaries(du *libpod.DiskUsage) []dfSummary {
	img := dfSummary{Type: "Images", Total: len(du.Images), RawSize: du.ImagesSize}
	for _, i := range du.Images {
		if i.Containers > 0 {
			img.Active++
		} else {
			img.RawReclaimable += i.Size
		}
	}
	ctr := dfSummary{Type: "Containers", Total: len(du.Containers)}
	for _, c := range du.Containers {
		ctr.RawSize += c.RWSize
		if c.Status == "running" {
			ctr.Active++
		} else {
			ctr.RawReclaimable += c.RWSize
		}
	}
	vol := dfSummary{Type: "Local Volumes", Total: len(du.Volumes)}
	for _, v := range du.Volumes {
		vol.RawSize += v.Size
		if v.Links > 0 {
			vol.Active++
		} else {
			vol.RawReclaimable += v.Size
		}
	}
	return []dfSummary{img, ctr, vol}
}

func printDfSummary(du *libpod.DiskUsage, format string) error {
	rows := dfSummaries(du)
	if strings.TrimSpace(format) == "json" {
		// Podman 4.3 printed the word "json" for each line (a bug Podman
		// 5 fixed): pod prints the JSON array, as Podman 5 does.
		return printJSON(rows)
	}
	return printReport(os.Stdout, reportSpec{
		Name: "df", Format: format, Default: "{{.Type}}\t{{.Total}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
		HeaderOf: rows[0], Headers: map[string]string{"Size": "SIZE", "Reclaimable": "RECLAIMABLE"},
	}, rows)
}

// dfImageRow and dfContainerRow are the lines of `system df -v`.
type dfImageRow struct {
	Repository, Tag, ImageID, Created, Size, SharedSize, UniqueSize string
	Containers                                                      int
}

type dfContainerRow struct {
	ContainerID, Image, Command string
	LocalVolumes                int
	Size, Created, Status       string
	Names                       string
}

type dfVolumeRow struct {
	VolumeName string
	Links      int
	Size       string
}

func printDfVerbose(du *libpod.DiskUsage) error {
	ago := func(t time.Time) string { return units.HumanDuration(time.Since(t)) }
	imgs := make([]dfImageRow, 0, len(du.Images))
	for _, i := range du.Images {
		imgs = append(imgs, dfImageRow{Repository: i.Repository, Tag: i.Tag, ImageID: shortID(i.ID, false),
			Created: ago(i.Created), Size: humanSize(i.Size), SharedSize: humanSize(i.SharedSize),
			UniqueSize: humanSize(i.UniqueSize), Containers: i.Containers})
	}
	ctrs := make([]dfContainerRow, 0, len(du.Containers))
	for _, c := range du.Containers {
		ctrs = append(ctrs, dfContainerRow{ContainerID: shortID(c.ID, false), Image: shortID(c.ImageID, false),
			Command: c.Command, LocalVolumes: c.LocalVolumes, Size: humanSize(c.RWSize), Created: ago(c.Created), Status: c.Status, Names: c.Name})
	}
	vols := make([]dfVolumeRow, 0, len(du.Volumes))
	for _, v := range du.Volumes {
		vols = append(vols, dfVolumeRow{VolumeName: v.Name, Links: v.Links, Size: humanSize(v.Size)})
	}
	sections := []struct {
		title, row string
		header     any
		headers    map[string]string
		rows       any
	}{
		{"Images space usage:", "{{.Repository}}\t{{.Tag}}\t{{.ImageID}}\t{{.Created}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}",
			dfImageRow{}, map[string]string{"ImageID": "IMAGE ID"}, imgs},
		{"Containers space usage:", "{{.ContainerID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.Created}}\t{{.Status}}\t{{.Names}}",
			dfContainerRow{}, map[string]string{"ContainerID": "CONTAINER ID"}, ctrs},
		{"Local Volumes space usage:", "{{.VolumeName}}\t{{.Links}}\t{{.Size}}", dfVolumeRow{}, map[string]string{"VolumeName": "VOLUME NAME"}, vols},
	}
	for i, s := range sections {
		if i > 0 {
			fmt.Println()
		}
		fmt.Printf("%s\n\n", s.title)
		if err := printReport(os.Stdout, reportSpec{Name: "df", Default: s.row, HeaderOf: s.header, Headers: s.headers}, s.rows); err != nil {
			return err
		}
	}
	return nil
}

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// podStatsRow is one container's line of `pod stats`: Podman 4.3.1's
// PodStatsReport, in its JSON key order.
type podStatsRow struct {
	CPU           string `json:"CPU"`
	MemUsage      string `json:"MemUsage"`
	MemUsageBytes string `json:"MemUsageBytes"`
	Mem           string `json:"Mem"`
	NetIO         string `json:"NetIO"`
	BlockIO       string `json:"BlockIO"`
	PIDS          string `json:"PIDS"`
	Pod           string `json:"Pod"`
	CID           string `json:"CID"`
	Name          string `json:"Name"`
}

const podStatsDefaultFormat = "table {{.Pod}}\t{{.CID}}\t{{.Name}}\t{{.CPU}}\t{{.MemUsage}}\t{{.Mem}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}"

var podStatsHeaders = map[string]string{
	"Pod": "POD", "CID": "CID", "Name": "NAME", "CPU": "CPU %", "MemUsage": "MEM USAGE/ LIMIT",
	"MemUsageBytes": "MEM USAGE/ LIMIT", "Mem": "MEM %", "NetIO": "NET IO", "BlockIO": "BLOCK IO", "PIDS": "PIDS",
}

// podStatsCommand is `pod pod stats`: the statistics of the pods' containers
// (the infra included), one row per container labelled with its pod, as
// Podman's pod stats prints them.
func podStatsCommand() *cobra.Command {
	var f podManyFlags
	var format string
	var noStream, noReset bool
	cmd := &cobra.Command{
		Use:   "stats [options] [POD...]",
		Short: "Display a live stream of resource usage statistics for the containers in one or more pods",
		RunE: func(cmd *cobra.Command, args []string) error {
			if (f.all || f.latest) && len(args) > 0 || f.all && f.latest {
				return usageError("--all, --latest and arguments cannot be used together")
			}
			if err := libpod.StatsSupported("pod stats"); err != nil {
				return err
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				if len(args) == 0 && !f.latest {
					f.all = true // no pod named: every pod, as Podman
				}
				ps, err := f.pods(rt, args)
				if err != nil {
					return fmt.Errorf("unable to get list of pods: %w", err)
				}
				podOf := map[string]string{}
				var ids []string
				for _, p := range ps {
					ctrs, err := p.Containers()
					if err != nil {
						return err
					}
					for _, c := range ctrs {
						podOf[c.ID()] = p.ID()[:12]
						ids = append(ids, c.ID())
					}
				}
				if len(ids) == 0 {
					if len(args) > 0 {
						return fmt.Errorf("no containers in pod %s: %w", args[0], errdefs.ErrNoSuchContainer)
					}
					return printPodStats(nil, podOf, format)
				}
				o := libpod.StatsOptions{Names: ids, Interval: 5 * time.Second, Stream: !noStream}
				return rt.Stats(cmd.Context(), o, func(report []*libpod.ContainerStats) error {
					if o.Stream && !noReset {
						fmt.Print("\033[2J\033[1;1H")
					}
					return printPodStats(report, podOf, format)
				})
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&f.all, "all", "a", false, "Provide stats for all pods")
	fl.BoolVarP(&f.latest, "latest", "l", false, "Act on the latest pod pod is aware of")
	fl.StringVar(&format, "format", "", "Pretty-print container statistics to JSON or using a Go template")
	fl.BoolVar(&noReset, "no-reset", false, "Disable resetting the screen when streaming")
	fl.BoolVar(&noStream, "no-stream", false, "Disable streaming stats and only pull the first result")
	return cmd
}

func printPodStats(report []*libpod.ContainerStats, podOf map[string]string, format string) error {
	rows := make([]podStatsRow, 0, len(report))
	for _, s := range report {
		r := statsRow{s}
		rows = append(rows, podStatsRow{CPU: r.CPUPerc(), MemUsage: r.MemUsage(), MemUsageBytes: r.MemUsageBytes(),
			Mem: r.MemPerc(), NetIO: r.NetIO(), BlockIO: r.BlockIO(), PIDS: r.PIDS(), Pod: podOf[s.ContainerID],
			CID: r.ID(), Name: s.Name})
	}
	if isJSONFormat(format) {
		b, err := json.MarshalIndent(rows, "", "     ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(os.Stdout, string(b))
		return err
	}
	if format == "" {
		format = podStatsDefaultFormat
	}
	out := make([]any, len(rows))
	for i := range rows {
		out[i] = rows[i]
	}
	return renderTemplate(os.Stdout, format, podStatsHeaders, out)
}

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	units "github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
)

func init() {
	commands = append(commands, statsCommand)
	containerCommands = append(containerCommands, statsCommand)
}

// statsRow is one container's line of `stats`: the fields and methods
// Podman's --format templates use.
type statsRow struct {
	*libpod.ContainerStats
}

func (s statsRow) ID() string      { return s.ContainerID[:min(12, len(s.ContainerID))] }
func (s statsRow) CPUPerc() string { return percent(s.CPU) }
func (s statsRow) AVGCPU() string  { return percent(s.AvgCPU) }
func (s statsRow) Up() string      { return s.UpTime.String() }
func (s statsRow) MemPerc() string { return percent(s.ContainerStats.MemPerc) }
func (s statsRow) MemUsage() string {
	return humanPair(s.ContainerStats.MemUsage, s.MemLimit, units.HumanSize)
}

func (s statsRow) MemUsageBytes() string {
	return humanPair(s.ContainerStats.MemUsage, s.MemLimit, units.BytesSize)
}
func (s statsRow) NetIO() string   { return humanPair(s.NetInput, s.NetOutput, units.HumanSize) }
func (s statsRow) BlockIO() string { return humanPair(s.BlockInput, s.BlockOutput, units.HumanSize) }
func (s statsRow) PIDS() string    { return strconv.FormatUint(s.PIDs, 10) }

func percent(f float64) string { return fmt.Sprintf("%.2f%%", f) }

func humanPair(a, b uint64, f func(float64) string) string {
	if a == 0 && b == 0 {
		return "0B / 0B"
	}
	return f(float64(a)) + " / " + f(float64(b))
}

// statsJSON is Podman's --format json entry.
type statsJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	CPUTime    string `json:"cpu_time"`
	CPUPercent string `json:"cpu_percent"`
	AvgCPU     string `json:"avg_cpu"`
	MemUsage   string `json:"mem_usage"`
	MemPercent string `json:"mem_percent"`
	NetIO      string `json:"net_io"`
	BlockIO    string `json:"block_io"`
	PIDS       string `json:"pids"`
}

const statsDefaultFormat = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}\t{{.UpTime}}\t{{.AVGCPU}}"

var statsHeaders = map[string]string{
	"ID": "ID", "Name": "NAME", "UpTime": "CPU TIME", "CPUPerc": "CPU %", "AVGCPU": "AVG CPU %",
	"MemUsage": "MEM USAGE / LIMIT", "MemUsageBytes": "MEM USAGE / LIMIT", "MemPerc": "MEM %",
	"NetIO": "NET IO", "BlockIO": "BLOCK IO", "PIDS": "PIDS", "ContainerID": "CONTAINER ID",
	"CPUNano": "CPU NANO", "MemLimit": "MEM LIMIT", "PIDs": "PI DS", "Up": "UP",
}

func statsCommand() *cobra.Command {
	var o libpod.StatsOptions
	var format string
	var interval int
	var noStream, noReset, noTrunc bool
	cmd := &cobra.Command{
		Use:   "stats [options] [CONTAINER...]",
		Short: "Display a live stream of container resource usage statistics",
		Long: `Display the CPU, memory, network, block I/O and process counts of containers,
read from their cgroups (v1 or v2), every --interval seconds until interrupted.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (o.All && len(args) > 0) || (o.Latest && (o.All || len(args) > 0)) {
				return usageError("--all, --latest and containers cannot be used together")
			}
			if interval < 1 {
				return usageError("invalid interval, must be a positive number greater zero")
			}
			if err := libpod.StatsSupported("stats"); err != nil {
				return err
			}
			o.Names, o.Interval, o.Stream = args, time.Duration(interval)*time.Second, !noStream
			return withRuntime(func(rt *libpod.Runtime) error {
				return rt.Stats(cmd.Context(), o, func(report []*libpod.ContainerStats) error {
					if o.Stream && !noReset {
						fmt.Print("\033[2J\033[1;1H")
					}
					return printStats(report, format)
				})
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&o.All, "all", "a", false, "Show all containers. Only running containers are shown by default. The default is false")
	fl.StringVar(&format, "format", "", "Pretty-print container statistics to JSON or using a Go template")
	fl.IntVarP(&interval, "interval", "i", 5, "Time in seconds between stats reports")
	fl.BoolVarP(&o.Latest, "latest", "l", false, "Act on the latest container podman is aware of")
	fl.BoolVar(&noReset, "no-reset", false, "Disable resetting the screen between intervals")
	fl.BoolVar(&noStream, "no-stream", false, "Disable streaming stats and only pull the first result, default setting is false")
	fl.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate output")
	return cmd
}

func printStats(report []*libpod.ContainerStats, format string) error {
	if isJSONFormat(format) {
		out := make([]statsJSON, 0, len(report))
		for _, s := range report {
			r := statsRow{s}
			out = append(out, statsJSON{ID: r.ID(), Name: s.Name, CPUTime: r.Up(), CPUPercent: r.CPUPerc(),
				AvgCPU: r.AVGCPU(), MemUsage: r.MemUsage(), MemPercent: r.MemPerc(), NetIO: r.NetIO(),
				BlockIO: r.BlockIO(), PIDS: r.PIDS()})
		}
		b, err := json.MarshalIndent(out, "", " ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(os.Stdout, string(b))
		return err
	}
	if format == "" {
		format = statsDefaultFormat
	}
	rows := make([]any, len(report))
	for i, s := range report {
		rows[i] = statsRow{s}
	}
	return renderTemplate(os.Stdout, format, statsHeaders, rows)
}

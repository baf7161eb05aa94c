package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() {
	commands = append(commands, logsCommand)
	containerCommands = append(containerCommands, logsCommand)
}

// logTimeFormat is how -t prints a line's time (Podman's LogTimeFormat).
const logTimeFormat = "2006-01-02T15:04:05.999999999Z07:00"

func logsCommand() *cobra.Command {
	var o libpod.LogOptions
	var since, until string
	var timestamps, names, latest, color bool
	cmd := &cobra.Command{
		Use:   "logs [options] CONTAINER [CONTAINER...]",
		Short: "Fetch the logs of one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if latest && len(args) > 0 {
				return usageError("--latest and containers cannot be used together")
			}
			if err := needArgs(latest)(cmd, args); err != nil {
				return err
			}
			var err error
			if o.Since, err = parseTimeFlag("--since", since); err != nil {
				return err
			}
			if o.Until, err = parseTimeFlag("--until", until); err != nil {
				return err
			}
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			if args, err = addLatest(rt, latest, false, args); err != nil {
				return err
			}
			var cs []*libpod.Container
			colors := map[*libpod.Container]string{}
			for _, a := range args {
				c, err := rt.LookupContainer(a)
				if err != nil {
					return err
				}
				colors[c] = logColors[len(cs)%len(logColors)]
				cs = append(cs, c)
			}
			// Podman labels lines only when several containers are asked for.
			multi := len(cs) > 1
			return libpod.LogsOf(cmd.Context(), cs, o, func(c *libpod.Container, l libpod.LogLine) error {
				out := os.Stdout
				if l.Stream == "stderr" {
					out = os.Stderr
				}
				var b strings.Builder
				if color {
					b.WriteString(colors[c])
				}
				if multi {
					if names {
						b.WriteString(c.Name())
					} else {
						b.WriteString(c.ID()[:12])
					}
					b.WriteByte(' ')
				}
				if timestamps {
					b.WriteString(l.Time.Format(logTimeFormat))
					b.WriteByte(' ')
				}
				b.Write(l.Content)
				if color {
					b.WriteString("\033[0m")
				}
				if !l.Incomplete {
					b.WriteByte('\n')
				}
				_, err := out.WriteString(b.String())
				return err
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&o.Follow, "follow", "f", false, "Follow log output")
	fl.IntVar(&o.Tail, "tail", -1, "Output the specified number of LINES at the end of the logs. Defaults to -1, which prints all lines")
	fl.StringVar(&since, "since", "", "Show logs since TIMESTAMP")
	fl.StringVar(&until, "until", "", "Show logs until TIMESTAMP")
	fl.BoolVarP(&timestamps, "timestamps", "t", false, "Output the timestamps in the log")
	fl.BoolVarP(&names, "names", "n", false, "Output the container name in the log")
	fl.BoolVarP(&latest, "latest", "l", false, "Act on the latest container pod is aware of")
	fl.BoolVar(&color, "color", false, "Output the containers with different colors in the log.")
	return cmd
}

// logColors are --color's ANSI colours, one per container in the order
// given, cycling as Podman 4.3.1's do (white, red, yellow, blue, magenta,
// cyan, green); each line is wrapped in its colour and a reset.
var logColors = []string{"\033[37m", "\033[31m", "\033[33m", "\033[34m", "\033[35m", "\033[36m", "\033[32m"}

// parseTimeFlag accepts, in Podman's order (its util.ParseInputTime), RFC
// 3339 times and dates, Unix timestamps (with fractions: "0" is the epoch,
// not a zero duration) and Go durations, which mean "that long ago" for
// --since and "that long from now" for --until, as in Podman.
func parseTimeFlag(flag, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02Z07:00", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			return t, nil
		}
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)), nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		if flag == "--until" {
			return time.Now().Add(d), nil
		}
		return time.Now().Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("invalid %s %q: give a time (RFC 3339, a date, a Unix timestamp) or a duration such as 10m: %w", flag, v, errdefs.ErrInvalidArgument)
}

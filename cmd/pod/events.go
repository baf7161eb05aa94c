package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"go.podman.io/common/pkg/report"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
)

func init() { commands = append(commands, eventsCommand) }

// eventsCommand is `pod events`: the event log, followed by default.
func eventsCommand() *cobra.Command {
	var (
		filters      []string
		since, until string
		format       string
		stream       bool
		noTrunc      bool
	)
	cmd := &cobra.Command{
		Use:   "events [options]",
		Short: "Show pod events",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			now := time.Now()
			o := events.ReadOptions{Filters: filters, Stream: stream}
			var err error
			if since != "" {
				if o.Since, err = events.ParseTime(since, now); err != nil {
					return fmt.Errorf("--since: %w: %w", err, errdefs.ErrInvalidArgument)
				}
			}
			if until != "" {
				if o.Until, err = events.ParseTime(until, now); err != nil {
					return fmt.Errorf("--until: %w: %w", err, errdefs.ErrInvalidArgument)
				}
			}
			var rpt *report.Formatter
			jsonOut := isJSONFormat(format)
			if format != "" && !jsonOut {
				if rpt, err = report.New(os.Stdout, "events").Parse(report.OriginUser, format); err != nil {
					return fmt.Errorf("--format %q: %w: %w", format, err, errdefs.ErrInvalidArgument)
				}
			}
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			defer rt.Shutdown()
			ev, err := rt.Events()
			if err != nil {
				return err
			}
			ch := make(chan events.Event, 64)
			o.Out = ch
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			errc := make(chan error, 1)
			go func() { errc <- ev.Read(ctx, o) }()
			w := bufio.NewWriter(os.Stdout)
			for e := range ch {
				switch {
				case jsonOut:
					line, err := e.ToJSON()
					if err != nil {
						return err
					}
					_, _ = w.Write(append(line, '\n')) // a write error shows at Flush
				case rpt != nil:
					if err := rpt.Execute([]events.Event{e}); err != nil {
						return fmt.Errorf("--format %q: %w: %w", format, err, errdefs.ErrInvalidArgument)
					}
				default:
					fmt.Fprintln(w, e.ToHumanReadable(!noTrunc))
				}
				if len(ch) == 0 {
					if err := w.Flush(); err != nil {
						cancel() // stdout closed: stop following
						return nil
					}
					if rpt != nil {
						_ = rpt.Flush()
					}
				}
			}
			_ = w.Flush()
			if rpt != nil {
				_ = rpt.Flush()
			}
			if err := <-errc; err != nil {
				return fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&filters, "filter", "f", nil, "filter output")
	f.StringVar(&format, "format", "", "format the output using a Go template")
	f.BoolVar(&noTrunc, "no-trunc", true, "do not truncate the output")
	f.StringVar(&since, "since", "", "show all events created since timestamp")
	f.BoolVar(&stream, "stream", true, "stream events and do not exit when returning the last known event")
	f.StringVar(&until, "until", "", "show all events until timestamp")
	return cmd
}

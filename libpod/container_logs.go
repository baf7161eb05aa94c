package libpod

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/k8sfile"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/systemd/journal"
)

// LogOptions select which log lines to read.
type LogOptions struct {
	Follow       bool
	Tail         int // < 0: all
	Since, Until time.Time
	// caughtUp, when set, is called each time a follower has read all
	// there is (LogsOf uses it to stop waiting for this container).
	caughtUp func()
}

// LogLine is one line of container output.
type LogLine = k8sfile.Line

// Logs calls fn for each line the container logged. With Follow it keeps
// reading while the container runs and returns once it has stopped and
// everything was read.
func (c *Container) Logs(ctx context.Context, o LogOptions, fn func(LogLine) error) error {
	switch c.config.LogDriver {
	case conmon.LogDriverK8sFile:
	case conmon.LogDriverJournald:
		return c.journalLogs(ctx, o, fn)
	case conmon.LogDriverNone:
		return fmt.Errorf("container %s uses the %q log driver and keeps no logs: %w", c.config.Name, c.config.LogDriver, errdefs.ErrInvalidArgument)
	default:
		return fmt.Errorf("container %s logs to %s: read them there (pod reads k8s-file and journald logs): %w", c.config.Name, c.config.LogDriver, errdefs.ErrNotImplemented)
	}
	path := c.logPath()
	follow := o.Follow && c.state.Status.IsActive()
	if _, err := os.Stat(path); os.IsNotExist(err) && !follow {
		return nil // never started: no output yet
	}
	ko := k8sfile.Options{Since: o.Since, Until: o.Until, Tail: o.Tail, Follow: follow}
	if follow {
		ko.Stop = func() bool {
			if o.caughtUp != nil {
				o.caughtUp()
			}
			if err := c.reload(); err != nil {
				return true
			}
			c.syncExit()
			return !c.state.Status.IsActive()
		}
	}
	return k8sfile.ReadLog(ctx, path, ko, fn)
}

// journalLogs reads the journald log driver's entries (pkg/systemd/journal).
func (c *Container) journalLogs(ctx context.Context, o LogOptions, fn func(LogLine) error) error {
	jo := journal.Options{Tail: o.Tail, Since: o.Since, Until: o.Until}
	if o.Follow && c.state.Status.IsActive() {
		jo.Follow = func() bool {
			if o.caughtUp != nil {
				o.caughtUp()
			}
			if err := c.reload(); err != nil {
				return true
			}
			c.syncExit()
			return !c.state.Status.IsActive()
		}
	}
	err := journal.Read(ctx, c.config.ID, jo, func(l journal.Line) error {
		return fn(LogLine{Time: l.Time, Stream: l.Stream, Content: l.Content})
	})
	if err != nil {
		return fmt.Errorf("container %s (journald log driver): %w", c.config.Name, err)
	}
	return nil
}

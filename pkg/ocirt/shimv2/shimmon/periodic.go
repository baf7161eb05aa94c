package shimmon

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
)

// startPeriodic runs --periodic-command (the container's healthcheck) every
// --periodic-interval ms, one run at a time, until the returned stop is
// called (when the task exited). Runs get at most one interval plus a
// minute; stop lets one still going finish (it may be the healthcheck's
// on-failure action stopping or restarting this very container).
func startPeriodic(a *conmon.Args) (stop func()) {
	if a.PeriodicCommand == "" || a.PeriodicInterval <= 0 {
		return func() {}
	}
	every := time.Duration(a.PeriodicInterval) * time.Millisecond
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "_OCI_") && !strings.HasPrefix(e, "NOTIFY_SOCKET=") {
			env = append(env, e)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		t := time.NewTimer(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			e := &conmon.ExitCommand{Path: a.PeriodicCommand, Args: a.PeriodicCommandArgs, Env: env, Setpgid: true}
			rctx, rcancel := context.WithTimeout(context.Background(), every+time.Minute)
			if _, err := e.Run(rctx); err != nil {
				diag.warn("periodic command %s: %v", a.PeriodicCommand, err)
			}
			rcancel()
			t.Reset(every)
		}
	}()
	return cancel
}

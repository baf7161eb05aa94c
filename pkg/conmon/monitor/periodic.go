package monitor

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
)

// periodic runs --periodic-command (the container's healthcheck, `pod …
// healthcheck run ID`) every --periodic-interval ms while the container
// runs, so healthchecks need no systemd timer. One run at a time: a run
// still going when the next is due makes that one skip. The child is
// reaped by reap's wait4(-1) like every other child.
type periodic struct {
	next time.Time // zero: not scheduled
	pid  int       // the run in progress, 0 when none
}

func (m *mon) periodicInterval() time.Duration {
	if m.c.PeriodicCommand == "" || m.c.PeriodicInterval <= 0 {
		return 0
	}
	return time.Duration(m.c.PeriodicInterval) * time.Millisecond
}

// startPeriodic schedules the first run one interval after the container started.
func (m *mon) startPeriodic() {
	if d := m.periodicInterval(); d > 0 {
		m.per.next = time.Now().Add(d)
	}
}

// stopPeriodic cancels what is scheduled once the container is gone.
func (m *mon) stopPeriodic() { m.per.next = time.Time{} }

// periodicDue starts the command when its time came and schedules the next.
func (m *mon) periodicDue(now time.Time) {
	if m.per.next.IsZero() || now.Before(m.per.next) {
		return
	}
	m.per.next = now.Add(m.periodicInterval())
	if m.per.pid > 0 || m.containerDone {
		return
	}
	e := &conmon.ExitCommand{Path: m.c.PeriodicCommand, Args: m.c.PeriodicCommandArgs, Env: periodicEnv(), Setpgid: true}
	cmd, err := e.Start(context.Background())
	if err != nil {
		warnf("Failed to run periodic command " + m.c.PeriodicCommand + ": " + err.Error())
		return
	}
	m.per.pid = cmd.Process.Pid
	_ = cmd.Process.Release() // reap collects it
	if diag.on(levelDebug) {
		debugf("periodic command started: pid " + itoa(m.per.pid))
	}
}

// periodicEnv is the periodic command's environment: ours without the
// handshake pipes and the notify socket.
func periodicEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "_OCI_") && !strings.HasPrefix(e, "NOTIFY_SOCKET=") {
			env = append(env, e)
		}
	}
	return env
}

// periodicReaped reports whether pid was the periodic command's.
func (m *mon) periodicReaped(pid int) bool {
	if pid != 0 && pid == m.per.pid {
		m.per.pid = 0
		return true
	}
	return false
}

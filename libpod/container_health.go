package libpod

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"syscall"
	"time"

	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/healthcheck"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// resetHealth starts a container's health afresh ("starting") at each
// start. The container is locked.
func (c *Container) resetHealth() {
	if c.config.Healthcheck == nil {
		c.state.Health = nil
		return
	}
	h := healthcheck.Initial()
	c.state.Health = &h
}

// HealthStatus is the container's health ("starting", "healthy",
// "unhealthy"), "" without a healthcheck or while not running.
func (c *Container) HealthStatus() string {
	if c.state.Health == nil || c.config.Healthcheck == nil || c.state.Status != StatusRunning {
		return ""
	}
	return c.state.Health.Status
}

// HealthCheck runs the container's healthcheck once in the container (as an
// exec), records the result in its health state (a health_status event),
// takes the --health-on-failure action when it turned unhealthy, and returns
// this run's status for `pod healthcheck run`: healthy, unhealthy, or
// starting (a failure inside the start period).
func (c *Container) HealthCheck(ctx context.Context) (string, error) {
	if err := c.lockAndSync(); err != nil {
		return "", err
	}
	hc, status, startedAt := c.config.Healthcheck, c.state.Status, c.state.StartedAt
	c.unlock()
	if hc == nil {
		return "", fmt.Errorf("container %s has no defined healthcheck: create it with --health-cmd or from an image with a HEALTHCHECK: %w", c.config.Name, errdefs.ErrInvalidArgument)
	}
	if status != StatusRunning {
		return "", fmt.Errorf("container %s is not running: %w", c.config.Name, errdefs.ErrConflict)
	}
	argv, err := hc.Argv()
	if err != nil {
		return "", fmt.Errorf("container %s: %w: %w", c.config.Name, err, errdefs.ErrInvalidArgument)
	}
	var out bytes.Buffer
	w := &limitWriter{w: &out, n: healthcheck.MaxOutput}
	res := healthcheck.Result{Start: time.Now()}
	tctx, cancel := context.WithTimeout(ctx, hc.Timeout)
	code, _, err := c.Exec(tctx, ExecOptions{Cmd: argv, healthcheck: true}, &Attach{Options: client.AttachOptions{Stdout: w, Stderr: w}})
	cancel()
	res.End = time.Now()
	res.ExitCode, res.Output = code, strings.TrimRight(out.String(), "\n")
	switch {
	case tctx.Err() == context.DeadlineExceeded:
		res.ExitCode = 1
		res.Output = fmt.Sprintf("healthcheck command exceeded timeout of %s", hc.Timeout)
	case err != nil:
		// The command could not run (not found, not executable): a failure
		// of the check, as in Podman, with the reason as its output.
		res.ExitCode = 1
		if res.Output == "" {
			res.Output = err.Error()
		}
	}
	if err := c.lockAndSync(); err != nil {
		return "", err
	}
	if c.state.Status != StatusRunning || c.state.Health == nil || !c.state.StartedAt.Equal(startedAt) {
		c.unlock()
		return healthcheck.RunStatus(hc, startedAt, res), nil // stopped or restarted meanwhile
	}
	d := healthcheck.Update(c.state.Health, hc, c.config.HealthOnFailure, startedAt, res)
	err = c.save()
	health := c.state.Health.Status
	c.unlock()
	if err != nil {
		return "", err
	}
	c.healthEvent(health)
	if d.Action != "" && d.Action != healthcheck.ActionNone {
		if err := c.healthAction(ctx, d.Action); err != nil {
			c.rt.warnf("container %s is unhealthy and --health-on-failure=%s failed: %v", c.config.Name, d.Action, err)
		}
	}
	return healthcheck.RunStatus(hc, startedAt, res), nil
}

// healthAction is --health-on-failure for a container that turned unhealthy.
func (c *Container) healthAction(ctx context.Context, a healthcheck.OnFailure) error {
	switch a {
	case healthcheck.ActionKill:
		return c.Kill(ctx, syscall.SIGKILL)
	case healthcheck.ActionStop:
		return c.Stop(ctx, nil)
	case healthcheck.ActionRestart:
		return c.Restart(ctx, nil)
	}
	return nil
}

// limitWriter keeps the first n bytes written and drops the rest.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.n -= k
		_, _ = l.w.Write(p[:k])
	}
	return len(p), nil
}

// healthTimer is what the container's monitor runs every interval: its
// healthcheck, `pod <global flags> healthcheck run ID` (none without a
// healthcheck or with --health-interval=disable).
func (c *Container) healthTimer() ocirt.Periodic {
	hc := c.config.Healthcheck
	if hc == nil || c.config.HealthUnscheduled || hc.Interval <= 0 {
		return ocirt.Periodic{}
	}
	cmd := c.rt.globalArgv()
	cmd = append(cmd, "healthcheck", "run", c.config.ID)
	return ocirt.Periodic{Command: cmd, Interval: hc.Interval}
}

package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/healthcheck"
	"github.com/pod-engine/pod/pkg/pidwatch"
	"github.com/pod-engine/pod/pkg/restartpolicy"
	"github.com/pod-engine/pod/pkg/systemd/sdnotify"
)

// applyPolicies records --restart and the healthcheck (flags over the
// image's HEALTHCHECK, already in cfg.Healthcheck) at create.
func applyPolicies(cfg *ContainerConfig, o *CreateOptions) error {
	p, err := restartpolicy.Parse(o.Restart)
	if err != nil {
		return fmt.Errorf("--restart %q: %w: %w", o.Restart, err, errdefs.ErrInvalidArgument)
	}
	if p.Restarts() && o.Remove {
		return fmt.Errorf(`the --rm option conflicts with --restart, when the restartPolicy is not "" and "no": %w`, errdefs.ErrInvalidArgument)
	}
	cfg.RestartPolicy, cfg.RestartRetries = p.Name, p.Retries
	hc, scheduled, err := healthcheck.Resolve(o.Health, cfg.Healthcheck)
	if err != nil {
		return fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument)
	}
	cfg.Healthcheck = hc
	cfg.HealthUnscheduled = hc != nil && !scheduled
	if o.SdNotify == sdnotify.ModeHealthy && (hc == nil || !scheduled) {
		return fmt.Errorf(`sdnotify policy "healthy" requires a healthcheck to be set (--health-cmd, or an image with HEALTHCHECK, and an interval): %w`, errdefs.ErrInvalidArgument)
	}
	if cfg.HealthOnFailure, err = healthcheck.ParseOnFailure(o.Health.OnFailure); err != nil {
		return fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument)
	}
	return nil
}

// restartPolicy is the container's --restart.
func (c *Container) restartPolicy() restartpolicy.Policy {
	return restartpolicy.Policy{Name: c.config.RestartPolicy, Retries: c.config.RestartRetries}
}

// RestartPolicy returns the container's --restart value ("" for none).
func (c *Container) RestartPolicy() string { return c.restartPolicy().String() }

// willRestart reports whether the restart policy restarts the exited,
// locked container.
func (c *Container) willRestart() bool {
	st := &c.state
	return c.restartPolicy().ShouldRestart(restartpolicy.Exit{Code: st.ExitCode, StoppedByUser: st.StoppedByUser, RestartCount: st.RestartCount})
}

// restartAfterCleanup is the restart policy, applied by the monitor's exit
// command once it cleaned up the exited container (locked). It decides and
// unlocks; a restart waits out the back-off unlocked (so `pod stop` can end
// the loop meanwhile), then starts the container again.
func (c *Container) restartAfterCleanup(ctx context.Context) error {
	p := c.restartPolicy()
	st := &c.state
	if !c.willRestart() {
		c.unlock()
		return nil
	}
	delay, streak := restartpolicy.Backoff(st.RestartStreak, st.FinishedAt.Sub(st.StartedAt))
	finished := st.FinishedAt
	c.unlock()
	if delay > 0 {
		c.rt.debugf("restarting container %s in %s", c.config.ID, delay)
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	if err := c.lockAndSync(); err != nil {
		if errors.Is(err, errdefs.ErrNotFound) {
			return nil
		}
		return err
	}
	defer c.unlock()
	if c.state.Status != StatusExited || c.state.StoppedByUser || !c.state.FinishedAt.Equal(finished) {
		return nil // stopped, started or removed meanwhile
	}
	c.state.RestartCount++
	c.state.RestartStreak = streak
	c.event(events.Restart)
	c.policyRestart = true
	_, err := c.startLocked(ctx, nil)
	c.policyRestart = false
	if err != nil {
		return fmt.Errorf("restarting container %s (--restart %s): %w", c.config.Name, p, err)
	}
	return nil
}

// endRestartLoop is what `pod stop` does to a container that waits for its
// policy's restart: mark it stopped by the user, so the waiting exit command
// gives up. The container is locked.
func (c *Container) endRestartLoop() error {
	if !c.restartPolicy().Restarts() || c.state.StoppedByUser {
		return nil
	}
	c.state.StoppedByUser = true
	return c.save()
}

// Restart stops a running container (its stop signal, then SIGKILL after
// timeout seconds; nil = its stop timeout) and starts it again. A container
// that is not running is started; a paused one is refused, as Podman does.
func (c *Container) Restart(ctx context.Context, timeout *uint) error {
	if err := c.lockAndSync(); err != nil {
		return err
	}
	status := c.state.Status
	c.unlock()
	if _, err := checkVerb(VerbRestart, c.config.ID, status, false); err != nil {
		return err
	}
	c.event(events.Restart) // first, as Podman
	if status == StatusRunning {
		// The member's exit command, running meanwhile, must not take
		// this stop for its pod's last exit (--exit-policy=stop).
		if err := c.markRestarting(true); err != nil {
			return err
		}
		if err := c.stop(ctx, timeout); err != nil {
			_ = c.markRestarting(false)
			return err
		}
	}
	if err := c.Start(ctx, nil); err != nil {
		_ = c.markRestarting(false)
		return err
	}
	return nil
}

// markRestarting records (or clears) that this pod process is restarting
// the container; a start clears it too.
func (c *Container) markRestarting(on bool) error {
	if err := c.lockAndSync(); err != nil {
		return err
	}
	defer c.unlock()
	c.state.RestarterPid, c.state.RestarterStart = 0, 0
	if on {
		c.state.RestarterPid = os.Getpid()
		c.state.RestarterStart, _ = pidwatch.StartTime(os.Getpid())
	}
	return c.save()
}

// restarting reports whether a live pod process is restarting the
// container now (between the stop and the start of Restart).
func (c *Container) restarting() bool {
	return c.state.RestarterPid > 0 && pidwatch.Running(c.state.RestarterPid, c.state.RestarterStart)
}

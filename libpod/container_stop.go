package libpod

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/ocirt"
	"go.podman.io/storage/pkg/unshare"
)

// killTimeout is how long a SIGKILLed container gets to be reaped.
const killTimeout = 5 * time.Second

// Stop stops a container: its stop signal, then SIGKILL after timeout
// seconds (nil = the container's stop timeout; 0 = SIGKILL at once), then
// cleanup. Stopping a container that is not running is not an error. A pod
// member's stop applies its pod's exit policy (pod_exitpolicy.go). It returns
// once the container's monitor has exited too (container_monitorwait.go).
func (c *Container) Stop(ctx context.Context, timeout *uint) error {
	err := c.stop(ctx, timeout)
	if err == nil {
		c.podExitPolicy(ctx)
		if c.foreground == nil { // else its monitor waits for us (Run)
			awaitMonitors(ctx, c.monitorProc())
		}
	}
	return err
}

// stop is Stop without the pod's exit policy: what a pod's own verbs and
// a restart use.
func (c *Container) stop(ctx context.Context, timeout *uint) error {
	if err := c.lockAndSync(); err != nil {
		return err
	}
	if run, err := checkVerb(VerbStop, c.config.ID, c.state.Status, false); err != nil || !run {
		if err == nil && c.state.Status == StatusExited {
			err = c.endRestartLoop()
		}
		c.unlock()
		return err
	}
	if c.state.Status == StatusStopped || c.state.Status == StatusCreated {
		err := c.cleanupLocked(ctx)
		c.unlock()
		return err
	}
	wasPaused := c.state.Status == StatusPaused
	c.state.StoppedByUser = true
	if err := c.setStatus(StatusStopping); err != nil {
		c.unlock()
		return err
	}
	c.setStopper()
	if err := c.save(); err != nil {
		c.unlock()
		return err
	}
	// The stop event goes before the signal: the monitor's exit command,
	// which runs as soon as the process dies, writes died (Podman's order
	// is stop, died).
	c.event(events.Stop)
	// Stopping can take the whole timeout: let cleanup and inspect run meanwhile.
	c.unlock()
	t := c.config.StopTimeout
	if timeout != nil {
		t = *timeout
	}
	stopErr := c.stopProcess(ctx, t, wasPaused)

	if err := c.lockAndSync(); err != nil {
		if errors.Is(err, errdefs.ErrNotFound) {
			return nil // removed meanwhile (--rm)
		}
		return err
	}
	defer c.unlock()
	if c.state.Status == StatusStopping && stopErr != nil {
		// Still not dead: put it back so the user can retry.
		c.state.Status = StatusRunning
		c.state.StopperPid, c.state.StopperStart = 0, 0
		_ = c.save()
		return stopErr
	}
	return c.cleanupLocked(ctx)
}

// stopProcess signals the container and waits for its exit file. The
// container is not locked.
func (c *Container) stopProcess(ctx context.Context, timeout uint, paused bool) error {
	sig := syscall.Signal(c.state.StopSignal)
	if sig == 0 {
		sig = syscall.Signal(c.config.StopSignal)
	}
	if sig == 0 {
		sig = syscall.SIGTERM
	}
	if timeout > 0 {
		if err := c.signalThawing(ctx, sig, false, paused); err != nil {
			return err
		}
		wctx, cancel := context.WithTimeout(ctx, time.Duration(timeout)*time.Second)
		_, err := c.waitExitFile(wctx)
		cancel()
		if err == nil || errors.Is(err, conmon.ErrMonitorDead) {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.rt.warnf("StopSignal %s failed to stop container %s in %d seconds, resorting to SIGKILL", SignalName(sig), c.config.Name, timeout)
	}
	if err := c.signalThawing(ctx, syscall.SIGKILL, !c.hasPIDNamespace() && c.hasCgroup(), paused && timeout == 0); err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, killTimeout)
	defer cancel()
	if _, err := c.waitExitFile(wctx); err != nil && !errors.Is(err, conmon.ErrMonitorDead) {
		return fmt.Errorf("container %s did not exit after SIGKILL: %w", c.config.Name, errdefs.ErrTimeout)
	}
	return nil
}

// signalThawing signals a container and, when it was paused, thaws it so
// the signal takes effect. runc and crun queue a signal for a frozen
// process; a runtime that refuses to signal a paused container (runsc) gets
// the signal again after the thaw. A container that exited meanwhile is no
// error.
func (c *Container) signalThawing(ctx context.Context, sig syscall.Signal, all, paused bool) error {
	err := c.signal(ctx, sig, all)
	if paused {
		c.resume(ctx)
		if err != nil && !c.exited() {
			err = c.signal(ctx, sig, all)
		}
	}
	// A runtime that no longer knows the process ("process already
	// finished") has nothing left to signal: that is done too.
	if err != nil && !errors.Is(err, errdefs.ErrNotFound) && !c.exitsWithin(ctx, signalRaceWait) {
		return err
	}
	return nil
}

// signalRaceWait is how long a failed signal waits for the container's exit
// status before it counts as a failure.
const signalRaceWait = 2 * time.Second

// exitsWithin reports whether the container has exited, or does within d.
// A runtime asked to signal a container that another pod process is ending
// at the same moment can fail (runsc: "connecting to control server …
// connection refused" from a sandbox going away) before the monitor has
// written the exit status: that container is gone, as asked.
func (c *Container) exitsWithin(ctx context.Context, d time.Duration) bool {
	if c.exited() {
		return true
	}
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	_, err := c.waitExitFile(wctx)
	return err == nil
}

// signal sends sig through the container's runtime. When the runtime cannot
// run (its binary is gone) it signals the container's init process, and its
// cgroup for SIGKILL, directly and says so.
func (c *Container) signal(ctx context.Context, sig syscall.Signal, all bool) error {
	t, err := c.task()
	if err == nil {
		err = t.Kill(ctx, sig, all)
	}
	if err == nil || !errors.Is(err, errdefs.ErrUnavailable) {
		return err
	}
	pid := c.state.Task.Pid
	if pid <= 0 {
		return err
	}
	c.rt.warnf("%v; signalling container %s (pid %d) directly", err, c.config.Name, pid)
	if kerr := syscall.Kill(pid, sig); kerr != nil && !errors.Is(kerr, syscall.ESRCH) {
		return fmt.Errorf("signalling container %s: %w", c.config.Name, kerr)
	}
	if all || sig == syscall.SIGKILL {
		if spec := c.readSpec(); spec != nil && spec.Linux != nil {
			killCgroup(spec.Linux.CgroupsPath, sig)
		}
	}
	return nil
}

func (c *Container) resume(ctx context.Context) {
	if t, err := c.task(); err == nil {
		if p, ok := t.(ocirt.Pauser); ok {
			_ = p.Resume(ctx)
		}
	}
}

// exited reports whether the container's exit file exists.
func (c *Container) exited() bool {
	_, err := conmon.ReadExitFile(c.exitFile(), "")
	return err == nil
}

// hasPIDNamespace reports whether the container has its own PID namespace
// (without one, SIGKILL must go to every process of its cgroup).
func (c *Container) hasPIDNamespace() bool {
	return c.config.Spec.PID != "host"
}

// hasCgroup reports whether the container has a cgroup: not with
// --cgroups=disabled, nor an ordinary user's on a cgroup v1 host. Without
// one, `kill --all` finds no process to signal (it lists the cgroup's), so
// SIGKILL goes to the init process only, as Podman.
func (c *Container) hasCgroup() bool {
	return c.config.Spec.Cgroups != "disabled" && (cgroupV2() || !unshare.IsRootless())
}

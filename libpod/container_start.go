package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/network"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/pidwatch"
	"github.com/pod-engine/pod/pkg/systemd/sdnotify"
)

// Attach says which of the caller's streams to connect to a container.
type Attach struct {
	Options client.AttachOptions
	// Ready, when set, is called once the attach socket is connected and,
	// for Start, before the process starts: a terminal size sent from it
	// reaches the container before its first read of the size.
	Ready func()
}

// Start starts a container. With a nil attach it returns once the process
// runs; a running container is left alone, as Podman does. With an attach the streams are connected before the process starts
// (no output is lost) and Start returns when the attach ends: the container
// closed its output (nil), or the user detached (client.ErrDetached).
func (c *Container) Start(ctx context.Context, attach *Attach) error {
	if err := c.startRequirements(ctx); err != nil {
		return err
	}
	if err := c.lockAndSync(); err != nil {
		return err
	}
	conn, err := c.startLocked(ctx, attach)
	c.unlock()
	if err != nil {
		return err
	}
	if attach == nil {
		return c.notifyWhenHealthy(ctx)
	}
	go func() { _ = c.notifyWhenHealthy(ctx) }()
	return conn.Stream(ctx, attach.Options)
}

// startLocked runs init when needed, connects the attach socket when asked
// (calling attach.Ready), and starts the process. The container is locked.
func (c *Container) startLocked(ctx context.Context, attach *Attach) (*client.AttachConn, error) {
	run, err := checkVerb(VerbStart, c.config.ID, c.state.Status, false)
	if err != nil {
		return nil, err
	}
	if !run {
		if attach != nil {
			return nil, fmt.Errorf("container %s is already running: use `pod attach %s`: %w", c.config.Name, c.config.Name, errdefs.ErrConflict)
		}
		return nil, nil // Podman: starting a running container does nothing
	}
	if c.state.Status == StatusStopped {
		if err := c.cleanupLocked(ctx); err != nil {
			return nil, err
		}
	}
	var conn *client.AttachConn
	dial := func(sock string) (err error) {
		conn, err = client.Dial(sock)
		if err != nil {
			return fmt.Errorf("container %s: %w", c.config.Name, err)
		}
		if attach.Ready != nil {
			attach.Ready()
		}
		return nil
	}
	closeConn := func() {
		if conn != nil {
			conn.Close()
		}
	}
	started := false
	startedAt := time.Now()
	if c.state.Status != StatusCreated {
		// Create and start in one step where the runtime can.
		var err error
		// With a restart policy the exit command cleans up and restarts:
		// the monitor must not wait for this process (foreground).
		foreground := attach != nil && !c.restartPolicy().Restarts()
		var attachFn func(string) error
		if attach != nil {
			attachFn = dial
		}
		if started, err = c.init(ctx, foreground, true, attachFn); err != nil {
			closeConn()
			return nil, err
		}
	}
	if !started {
		if attach != nil && c.foreground == nil && !c.restartPolicy().Restarts() {
			// Created earlier (pod init): this process cleans up after
			// the exit, and the monitor waits for it (holdForeground).
			if err := c.holdForeground(); err != nil {
				return nil, err
			}
		}
		if attach != nil && conn == nil {
			if err := dial(c.AttachSocket()); err != nil {
				return nil, err
			}
		}
		t, err := c.task()
		if err != nil {
			closeConn()
			return nil, err
		}
		c.rt.debugf("starting container %s", c.config.ID)
		startedAt = time.Now()
		if err := t.Start(ctx); err != nil {
			closeConn()
			c.releaseForeground()
			// The process never ran: clean up so a later start begins afresh.
			c.syncExit()
			_ = c.cleanupLocked(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("starting container %s: %w", c.config.Name, err)
		}
	}
	if err := c.setStatus(StatusRunning); err != nil {
		closeConn()
		return nil, err
	}
	c.rt.debugf("started container %s", c.config.ID)
	c.state.StartedAt = startedAt
	c.state.StoppedByUser = false
	c.state.RestarterPid, c.state.RestarterStart = 0, 0
	if !c.policyRestart {
		c.state.RestartCount, c.state.RestartStreak = 0, 0
	}
	c.resetHealth()
	if err := c.save(); err != nil {
		closeConn()
		return nil, err
	}
	c.notifyStarted()
	c.event(events.Start)
	if attach != nil {
		c.event(events.Attach)
	}
	return conn, nil
}

// init generates the spec and creates the container in its runtime, under
// its monitor. The container is locked and configured, exited or stopped.
// foreground says a pod process stays attached until the container exits.
// With start set, the runtime may also start the process right away (after
// calling attach, when set: an attached start, foreground or not); started
// reports whether it did.
func (c *Container) init(ctx context.Context, foreground, start bool, attach func(string) error) (started bool, retErr error) {
	r := c.rt
	if err := ocirt.Missing(c.config.Runtime); err != nil {
		return false, fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	runtime, err := r.registry.Open(c.config.Runtime)
	if err != nil {
		return false, err
	}
	if err := c.prepareRun(ctx, runtime, foreground); err != nil {
		return false, err
	}
	defer func() {
		if retErr != nil {
			c.releaseForeground()
		}
	}()
	req := c.createRequest(foreground, start, attach)
	// The monitor's process start overlaps the mount and the spec below.
	pending, err := c.prestart(ctx, runtime, req)
	if err != nil {
		return false, err
	}
	if pending != nil {
		r.debugf("monitor started, held until the spec is written")
	}
	defer func() {
		if pending != nil {
			pending.Abort()
		}
	}()
	rootfs, err := r.mountStorage(c)
	if err != nil {
		return false, err
	}
	defer func() {
		if retErr != nil {
			_ = r.unmountStorage(c, false)
		}
	}()
	r.debugf("rootfs mounted at %s", rootfs)
	host, err := r.hostInfo(c)
	if err != nil {
		return false, err
	}
	c.overlayHost(host)
	if host.Volumes, err = c.mountVolumes(ctx, rootfs); err != nil {
		return false, err
	}
	defer func() {
		if retErr != nil {
			c.unmountVolumes()
		}
	}()
	imgMounts, err := c.mountImages()
	if err != nil {
		return false, err
	}
	defer func() {
		if retErr != nil {
			c.unmountImages()
			_ = c.save()
		}
	}()
	host.Volumes = append(host.Volumes, imgMounts...)
	genOpts, err := c.podSpec()
	if err != nil {
		return false, err
	}
	if err := c.joinNamespaces(genOpts); err != nil {
		return false, err
	}
	if err := c.mountShm(genOpts); err != nil {
		return false, err
	}
	defer func() {
		if retErr != nil {
			c.unmountShm(false)
		}
	}()
	nsPath, hold, err := c.setupNetwork()
	if err != nil {
		return false, err
	}
	defer func() {
		for _, f := range hold {
			_ = f.Close() // the monitor has its copies (or failed)
		}
		if retErr != nil {
			c.teardownNetwork()
		}
	}()
	if nsPath != "" {
		genOpts.Network = "ns:" + nsPath // the namespace pod made (or the other container's)
	}
	spec, res, err := specgen.Generate(c.config.ID, genOpts, &c.config.ImageConfig, r.specDefaults(), host, rootfs)
	if errors.Is(err, errdefs.ErrNoSuchUser) {
		return false, err // Podman's words as they are: "unable to find user X: …"
	}
	if err != nil {
		return false, fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	r.debugf("spec generated")
	for _, w := range res.Warnings {
		r.warnf("container %s: %s", c.config.Name, w)
	}
	if err := specgen.RelabelMounts(res); err != nil {
		return false, fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	if err := chownMounts(res.Chown, spec); err != nil {
		return false, fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	if err := c.prepareOverlays(res.Overlays); err != nil {
		return false, fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	defer func() {
		if retErr != nil {
			_ = c.cleanupOverlays()
		}
	}()
	if err := c.setupFiles(spec, res, rootfs); err != nil {
		return false, fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	if err := c.setupSecrets(spec); err != nil {
		return false, fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	var notifySocket notifyReq
	if err := c.setupNotify(spec, &notifySocket); err != nil {
		return false, err
	}
	req.Spec, req.IO.Hold, req.NotifySocket = spec, hold, string(notifySocket)
	prepareCpusetParent(spec)
	r.debugf("creating container %s with %s", c.config.ID, c.config.Runtime.Path)
	var t ocirt.Task
	switch p := pending; {
	case p == nil:
		t, err = runtime.Create(ctx, req)
	case len(hold) == 0 && notifySocket == "":
		pending = nil // Create lets it go or cleans up after it
		t, err = p.Create(ctx, spec)
	default: // not foreseen by prestart: the monitor must get these at its start
		pending = nil
		p.Abort()
		t, err = runtime.Create(ctx, req)
	}
	if err != nil {
		return false, err
	}
	r.debugf("created container %s: pid %d, monitor %d", c.config.ID, t.Ref().Pid, t.Ref().MonitorPid)
	c.state.Task = t.Ref()
	c.state.MonitorStart, _ = pidwatch.StartTime(c.state.Task.MonitorPid)
	c.state.PidStart, _ = pidwatch.StartTime(c.state.Task.Pid)
	c.state.Mountpoint = rootfs
	c.state.StopSignal = res.StopSignal
	c.state.ExitCode = 0
	c.state.OOMKilled = false
	c.state.Error = ""
	c.state.FinishedAt = time.Time{}
	if err := c.writePidFiles(); err != nil {
		return false, err
	}
	if err := c.setStatus(StatusCreated); err != nil {
		return false, err
	}
	c.event(events.Init)
	if t.Ref().Started {
		// The caller marks it running (and saves) as after Task.Start.
		return true, nil
	}
	return false, c.save()
}

// prepareRun readies the files of a new run before its monitor starts:
// the container's directories, no exit files of an earlier run, the
// foreground lock (foreground: the monitor waits for it,
// conmon.ExitCommand.Hold; the caller releases it on failure) and no monitor
// an interrupted start left behind.
func (c *Container) prepareRun(ctx context.Context, runtime ocirt.Runtime, foreground bool) error {
	for _, d := range []string{c.staticDir(), c.runDir(), c.rt.paths.Exits, c.persistDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("container %s: %w", c.config.Name, err)
		}
	}
	// A previous run's exit files must not be mistaken for this one's.
	for _, f := range []string{c.exitFile(), filepath.Join(c.persistDir(), "exit"), filepath.Join(c.persistDir(), "oom"),
		filepath.Join(c.persistDir(), conmon.CleanedName), c.foregroundFile()} {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("container %s: removing old exit file: %w", c.config.Name, err)
		}
	}
	if foreground {
		if err := c.holdForeground(); err != nil {
			return err
		}
	}
	if c.killStaleMonitor() {
		// A pod killed halfway through an earlier start left a monitor and
		// a created container behind: clear both before creating again.
		_ = runtime.Load(ocirt.TaskRef{ID: c.config.ID, Bundle: c.staticDir(), RunDir: c.runDir()}).Delete(ctx, true)
		for _, f := range []string{c.exitFile(), filepath.Join(c.persistDir(), "exit")} {
			_ = os.Remove(f)
		}
	}
	return nil
}

// createRequest is the runtime's create request of the container, without
// what the start's later steps add: the spec, the network's held files and
// the sd_notify socket.
func (c *Container) createRequest(foreground, start bool, attach func(string) error) *ocirt.CreateRequest {
	r := c.rt
	req := &ocirt.CreateRequest{
		ID:     c.config.ID,
		Name:   c.config.Name,
		Bundle: c.staticDir(),
		RunDir: c.runDir(),
		IO:     ocirt.IO{Terminal: c.config.Spec.Terminal, Stdin: c.config.Spec.Stdin, ExtraFiles: c.preserveFDs},
		Log:    ocirt.Log{Driver: c.config.LogDriver, Path: c.logPath(), MaxSize: c.config.LogSizeMax, Tag: c.config.LogTag},
		Exit: ocirt.Exit{Dir: r.paths.Exits, PersistDir: c.persistDir(), Command: r.exitCommand(c),
			Delay: time.Duration(map[bool]int{true: foregroundExitDelay}[foreground]) * time.Second},
		Periodic:     c.healthTimer(),
		LogLevel:     r.opts.LogLevel,
		NoPivotRoot:  r.cfg.Engine.NoPivotRoot,
		NoNewKeyring: !r.cfg.Containers.EnableKeyring,
		Cgroups:      cgroupMode(c),
		MaxRunTime:   time.Duration(c.config.Timeout) * time.Second,
		Restore:      c.restore,
	}
	if start {
		// An attached start connects before the process starts, foreground
		// or not (a restart policy's run is attached but not foreground).
		req.Start, req.Attach = true, attach
	}
	return req
}

// prestart starts the container's monitor before its storage is mounted
// when the runtime can (ocirt.Prestarter) and nothing the monitor gets at
// its start comes from the later steps: no network namespace of pod's own
// (its held files) and no sd_notify relay. nil: the monitor starts at
// Create.
func (c *Container) prestart(ctx context.Context, runtime ocirt.Runtime, req *ocirt.CreateRequest) (ocirt.Pending, error) {
	p, ok := runtime.(ocirt.Prestarter)
	if !ok || req.Attach == nil || sdnotify.Relayed(c.config.SdNotify) ||
		c.config.Net != nil && network.OwnsNamespace(c.config.Net.Kind) {
		return nil, nil
	}
	return p.Prestart(ctx, req)
}

// cgroupMode is who places the container in a cgroup.
func cgroupMode(c *Container) ocirt.CgroupMode {
	switch {
	case c.config.Spec.Cgroups == "disabled":
		return ocirt.CgroupsDisabled
	case c.config.CgroupMgr == "systemd":
		return ocirt.CgroupsSystemd
	}
	return ocirt.CgroupsCgroupfs
}

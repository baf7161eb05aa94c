package oci

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// SpecVersion is the ociVersion written into config.json: crun 1.8 accepts
// only versions containing "1.0"; runc and runsc accept it as well.
const SpecVersion = "1.0.2-dev"

// defaultCreateTimeout is Podman's ContainerCreateTimeout.
const defaultCreateTimeout = 240 * time.Second

// Create implements ocirt.Runtime: it writes config.json, starts the monitor
// which runs `runtime create`, and waits for the container's pid.
func (r *runtime) Create(ctx context.Context, req *ocirt.CreateRequest) (ocirt.Task, error) {
	if err := ocirt.Missing(r.h); err != nil {
		return nil, err
	}
	if r.h.Monitor == "" {
		return nil, fmt.Errorf("runtime %q: no monitor (pod-conmon or conmon) configured: %w", r.h.Name, errdefs.ErrUnavailable)
	}
	if err := r.q.check(req); err != nil {
		return nil, err
	}
	spec := req.Spec
	sc := r.seccompCacheFor(spec)
	cached := false
	if sc != nil {
		copied := *spec
		if cached = sc.apply(&copied); cached {
			spec = &copied
		}
	}
	if err := writeSpec(req.Bundle, spec, r.q); err != nil {
		return nil, err
	}
	data := taskData{Extra: r.q.containerFlags(req.Spec, req.NoCgroups)}
	t := &task{r: r, data: data, ref: ocirt.TaskRef{ID: req.ID, Bundle: req.Bundle, RunDir: req.RunDir}}
	t.ref.Data, _ = json.Marshal(data)

	args := r.monitorArgs(req, t)
	timeout := req.Timeout
	if timeout == 0 {
		timeout = defaultCreateTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	opts := &client.Options{
		Monitor:    r.h.Monitor,
		Args:       args,
		Env:        ocirt.MonitorEnv(req.Env),
		ExtraFiles: req.PreserveFDs,
		Dir:        req.Bundle,
	}
	if req.Stdio != nil {
		opts.Stdin, opts.Stdout, opts.Stderr = req.Stdio.Stdin, req.Stdio.Stdout, req.Stdio.Stderr
	}
	// A terminal is sized through the ctl FIFO between create and start,
	// which one `run` call leaves no room for: keep create+start there.
	run := req.Start && r.monitorCanRun() && (spec.Process == nil || !spec.Process.Terminal)
	if run {
		// Create and start in one runtime call (`run --detach`), with the
		// attach client connected before the process starts.
		args.Run = true
		args.ExecAttach = req.Attach != nil
		opts.Args = args
	}
	m, err := client.Start(cctx, opts)
	if err != nil {
		return nil, fmt.Errorf("container %s: %w", req.Name, err)
	}
	defer m.Close()
	var pid int
	if run {
		pid, err = ocirt.AttachHandshake(cctx, m, "container "+req.Name, req.Bundle, req.Attach)
	} else {
		pid, err = m.ReadPid(cctx)
	}
	if err != nil {
		_ = t.Delete(context.WithoutCancel(ctx), true)
		return nil, r.createError(req, err)
	}
	t.ref.Started = run
	t.ref.Pid = pid
	t.ref.MonitorPid = m.Pid()
	if sc != nil && !cached {
		sc.store(r.stateRoot(), req.ID)
	}
	return t, nil
}

// createError turns a failed create into an error naming the runtime with
// the runtime's own message, classified for exit codes 125/126/127.
func (r *runtime) createError(req *ocirt.CreateRequest, err error) error {
	log := ""
	if r.h.JSONLog {
		log = filepath.Join(req.RunDir, "oci-log")
	}
	return ocirt.MonitorError("container "+req.Name, r.name(), err, func(se *client.SyncError) string {
		return runtimeMessage(log, se)
	})
}

// runtimeMessage is the runtime's own error: the last error of its JSON log
// when it keeps one, else what the monitor relayed from its stderr.
func runtimeMessage(log string, se *client.SyncError) string {
	if log != "" {
		if data, err := os.ReadFile(log); err == nil {
			if msg := lastError(data); msg != "" {
				return msg
			}
		}
	}
	return stderrMessage([]byte(se.Message))
}

// monitorArgs renders the monitor command line the way Podman does
// (interfaces.md §2.13).
func (r *runtime) monitorArgs(req *ocirt.CreateRequest, t *task) conmon.Args {
	g, _ := t.global()
	a := conmon.Args{
		APIVersion:       true,
		CID:              req.ID,
		CUUID:            req.ID,
		Name:             req.Name,
		Runtime:          r.h.Path,
		Bundle:           req.Bundle,
		ContainerPidFile: filepath.Join(req.RunDir, "pidfile"),
		ConmonPidFile:    filepath.Join(req.RunDir, "conmon.pid"),
		LogPaths:         []string{logSpec(req)},
		LogLevel:         monitorLogLevel(req.LogLevel),
		LogSizeMax:       req.LogSizeMax,
		LogTag:           req.LogTag,
		ExitDir:          req.ExitDir,
		PersistDir:       req.PersistDir,
		FullAttach:       true,
		Terminal:         req.Terminal,
		Stdin:            req.Stdin && !req.Terminal, // with a tty, input flows anyway; -i would let a detaching client close it
		LeaveStdinOpen:   req.LeaveStdinOpen,
		SystemdCgroup:    req.SystemdCgroup && !req.NoCgroups && !r.q.runsc,
		RuntimeArgs:      g.args(),
		NoPivot:          req.NoPivot && !r.q.runsc,
		NoNewKeyring:     req.NoNewKeyring && !r.q.runsc,
		SdNotifySocket:   req.SdNotifySocket,
	}
	if n := len(req.PreserveFDs); n > 0 {
		a.RuntimeOpts = append(a.RuntimeOpts, "--preserve-fds", strconv.Itoa(n))
	}
	if len(req.ExitCommand) > 0 {
		a.ExitCommand = req.ExitCommand[0]
		a.ExitCommandArgs = req.ExitCommand[1:]
		a.ExitDelay = req.ExitDelay
	}
	return a
}

// logSpec renders the monitor's --log-path for the request's log driver.
func logSpec(req *ocirt.CreateRequest) string {
	switch req.LogDriver {
	case "", conmon.LogDriverK8sFile:
		return conmon.LogDriverK8sFile + ":" + req.LogPath
	case conmon.LogDriverJournald:
		return conmon.LogDriverJournald + ":"
	default:
		return req.LogDriver
	}
}

// monitorLogLevel maps pod's --log-level to one conmon accepts.
func monitorLogLevel(l string) string {
	switch strings.ToLower(l) {
	case "", "warn", "warning":
		return "warn"
	case "error", "fatal", "panic", "info", "debug", "trace":
		return strings.ToLower(l)
	}
	return "warn"
}

// check refuses requests the runtime cannot honour, before anything runs.
func (q quirks) check(req *ocirt.CreateRequest) error {
	if q.runsc && len(req.PreserveFDs) > 0 {
		return fmt.Errorf("runsc does not support --preserve-fds: %w", errdefs.ErrInvalidArgument)
	}
	return nil
}

// writeSpec writes spec as bundle/config.json with the ociVersion all
// supported runtimes accept, adapted to the runtime's quirks.
func writeSpec(bundle string, spec *specs.Spec, q quirks) error {
	if spec == nil {
		return fmt.Errorf("no runtime spec given: %w", errdefs.ErrInvalidArgument)
	}
	s := *spec
	s.Version = SpecVersion
	if s.Process != nil {
		p := *s.Process
		if p.Capabilities != nil {
			caps := *p.Capabilities
			p.Capabilities = &caps
		}
		q.adaptProcess(&p)
		s.Process = &p
	}
	data, err := json.Marshal(&s)
	if err != nil {
		return fmt.Errorf("encoding config.json: %w", err)
	}
	path := filepath.Join(bundle, "config.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// monitorCanRun reports whether the container's monitor can create and
// start in one step (--run): pod-conmon can, the real conmon cannot.
func (r *runtime) monitorCanRun() bool {
	return filepath.Base(r.h.Monitor) == "pod-conmon"
}

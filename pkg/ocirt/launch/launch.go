// Package launch is the one monitored launch of pod's runtime kinds: it
// renders a conmon-protocol monitor's command line from an ocirt request,
// starts the monitor (pod-conmon or conmon for the oci kind, pod-shim for
// the shimv2 kind) with package conmon/client, completes the handshake and
// turns what the monitor reported into a classified error. A kind supplies
// only what differs: the monitor and runtime binaries, the runtime's global
// arguments, the options only conmon's command line carries, and how to
// read the runtime's own error message.
package launch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// DefaultCreateTimeout is Podman's ContainerCreateTimeout.
const DefaultCreateTimeout = 240 * time.Second

// Monitor is how a kind runs a container's or an exec session's monitor.
type Monitor struct {
	Binary      string   // pod-conmon, conmon, pod-shim
	Runtime     string   // what the monitor drives (-r): the runtime or the shim binary
	RuntimeName string   // how errors name the runtime
	RuntimeArgs []string // --runtime-arg: the runtime's global flags, or the kind's settings
	Dir         string   // the monitor's working directory ("" = the request's bundle or session dir)
	// Runtime settings conmon's command line carries to `runtime create`
	// (the oci kind; the shimv2 kind passes them in the shim's options).
	SystemdCgroup, NoPivot, NoNewKeyring bool
	// Run creates and starts in one step (`runtime run`, pod-conmon --run),
	// with the attach client connected before the process starts.
	Run bool
	// SealedRuntime: the monitor execs the runtime from a sealed copy
	// (pod-conmon --sealed-runtime; crun, see pkg/sealedexe).
	SealedRuntime bool
	// Periodic says the monitor runs a periodic command (--periodic-*,
	// pod-conmon and pod-shim; the real conmon does not).
	Periodic bool
	// Direct says the monitor needs no daemonizing re-exec
	// (conmon.EnvDirect, pod-conmon and pod-shim; see client.Options.Direct).
	Direct bool
	// Message returns the runtime's own error message for a failure the
	// monitor reported (nil: the monitor's message as is).
	Message func(*client.SyncError) string
}

// Started is a process a monitor started.
type Started struct {
	Pid        int // the process (for the container, its init)
	MonitorPid int
}

// Create starts the monitor of a new container (the kind wrote its
// config.json) and returns once the container's init process exists (and,
// with m.Run, runs). On failure the kind still cleans up the runtime's state.
func Create(ctx context.Context, m *Monitor, req *ocirt.CreateRequest) (Started, error) {
	p, err := Start(ctx, m, req)
	if err != nil {
		return Started{}, err
	}
	return p.Finish()
}

// Pending is a container's monitor that was started and has not yet been
// let go to run the runtime: with m.Run and req.Attach it waits for the
// attach client, so the caller may still write config.json meanwhile.
type Pending struct {
	m      *Monitor
	req    *ocirt.CreateRequest
	mon    *client.Monitor
	ctx    context.Context
	cancel context.CancelFunc
	what   string
}

// Held reports whether a monitor started for m and req waits for the
// caller before it runs the runtime (so config.json may come later).
func Held(m *Monitor, req *ocirt.CreateRequest) bool {
	return m.Run && req.Attach != nil
}

// Start starts the monitor of a new container; Finish completes the
// handshake. The create timeout runs from here.
func Start(ctx context.Context, m *Monitor, req *ocirt.CreateRequest) (*Pending, error) {
	args := m.args(req.ID, req.IO, req.Exit, req.LogLevel)
	if p := req.Periodic; m.Periodic && len(p.Command) > 0 && p.Interval > 0 {
		args.PeriodicCommand, args.PeriodicCommandArgs = p.Command[0], p.Command[1:]
		args.PeriodicInterval = p.Interval.Milliseconds()
	}
	args.CUUID = req.ID
	args.Name = req.Name
	args.Bundle = req.Bundle
	args.ContainerPidFile = filepath.Join(req.RunDir, "pidfile")
	args.ConmonPidFile = filepath.Join(req.RunDir, "conmon.pid")
	args.LogPaths = []string{logSpec(req.Log)}
	args.LogSizeMax = req.Log.MaxSize
	args.LogTag = req.Log.Tag
	args.ExitDir, args.PersistDir = req.Exit.Dir, req.Exit.PersistDir
	args.LeaveStdinOpen = req.IO.LeaveStdinOpen
	args.SystemdCgroup = m.SystemdCgroup
	args.NoPivot, args.NoNewKeyring = m.NoPivot, m.NoNewKeyring
	args.SdNotifySocket = req.NotifySocket
	args.Timeout = int(req.MaxRunTime / time.Second)
	if m.Run {
		args.Run = true
		args.ExecAttach = req.Attach != nil
	}
	restoreArgs(&args, req.Restore)
	timeout := req.Timeout
	if timeout == 0 {
		timeout = DefaultCreateTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	what := "container " + req.Name
	// The held files follow the preserved ones: the monitor keeps every
	// inherited fd until the container exits, --preserve-fds hands only
	// the first len(ExtraFiles) on to the container.
	opts := m.options(args, req.Env, append(append([]*os.File(nil), req.IO.ExtraFiles...), req.IO.Hold...), req.Bundle)
	if p := req.IO.Passthrough; p != nil {
		opts.Stdin, opts.Stdout, opts.Stderr = p.Stdin, p.Stdout, p.Stderr
	}
	mon, err := client.Start(cctx, opts)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return &Pending{m: m, req: req, mon: mon, ctx: cctx, cancel: cancel, what: what}, nil
}

// Finish completes the handshake of a started monitor: with m.Run it lets
// req.Attach connect and releases the monitor, then it reads the pid.
func (p *Pending) Finish() (Started, error) {
	defer p.cancel()
	defer p.mon.Close()
	var pid int
	var err error
	if p.m.Run {
		pid, err = handshake(p.ctx, p.mon, p.what, p.req.Bundle, p.req.Attach)
	} else {
		pid, err = p.mon.ReadPid(p.ctx)
	}
	if err != nil {
		return Started{}, p.m.failure(p.what, err)
	}
	return Started{Pid: pid, MonitorPid: p.mon.Pid()}, nil
}

// Abort kills a monitor that was not let go yet (Held): it ran nothing.
// Once it is gone, the files it made in the bundle (the attach socket, the
// ctl and winsz FIFOs) are removed, as a cleanup would.
func (p *Pending) Abort() {
	defer p.cancel()
	defer p.mon.Close()
	pid := p.mon.Pid()
	if pid <= 0 {
		return
	}
	// Its pidfd says when it is gone (the client reaps it); the pid alone
	// could be reused meanwhile.
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		return
	}
	defer unix.Close(fd)
	if unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0) != nil {
		return
	}
	// Bounded only against a process stuck in the kernel.
	for deadline := time.Now().Add(5 * time.Second); ; {
		left := time.Until(deadline)
		if n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, int(left.Milliseconds())); n > 0 || err != unix.EINTR || left <= 0 {
			break
		}
	}
	for _, n := range []string{conmon.AttachName, conmon.CtlName, conmon.WinszName} {
		_ = os.Remove(filepath.Join(p.req.Bundle, n))
	}
}

// Exec starts the monitor of an exec session of container id: it writes
// the (kind-adapted) process to <req.Dir>/process.json, and the monitor
// serves the session's attach socket in req.Dir and writes its exit code to
// <req.Dir>/exit/<id>. It returns once the process runs.
func Exec(ctx context.Context, m *Monitor, id string, req *ocirt.ExecRequest, proc *specs.Process) (ocirt.ExecProcess, error) {
	what := "exec session " + req.SessionID
	exitDir := filepath.Join(req.Dir, "exit")
	persist := filepath.Join(req.Dir, "persist", id)
	for _, d := range []string{exitDir, persist} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
	spec := filepath.Join(req.Dir, "process.json")
	body, err := json.Marshal(proc)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(spec, body, 0o600); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	args := m.args(id, req.IO, req.Exit, req.LogLevel)
	args.CUUID = req.SessionID
	args.Bundle = req.Dir
	args.ContainerPidFile = filepath.Join(req.Dir, "exec_pid")
	args.ConmonPidFile = filepath.Join(req.Dir, "conmon.pid")
	args.LogPaths = []string{conmon.LogDriverNone}
	args.ExitDir, args.PersistDir = exitDir, persist
	args.Exec = true
	args.ExecProcessSpec = spec
	args.ExecAttach = req.Attach != nil
	args.Timeout = int(req.Timeout / time.Second)
	mon, err := client.Start(ctx, m.options(args, req.Env, req.IO.ExtraFiles, req.Dir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	pid, err := handshake(ctx, mon, what, req.Dir, req.Attach)
	if err != nil {
		return nil, m.failure(what, err)
	}
	return &execProcess{m: mon, what: what, attached: req.Attach != nil, pid: pid, exitFile: filepath.Join(exitDir, id)}, nil
}

// restoreArgs makes the monitor run `runtime restore` from r's images
// (--restore) with r's criu options (--runtime-opt); nil r: nothing.
func restoreArgs(a *conmon.Args, r *ocirt.Restore) {
	if r == nil {
		return
	}
	a.Restore = r.ImagePath
	if r.TCPEstablished {
		a.RuntimeOpts = append(a.RuntimeOpts, "--tcp-established")
	}
	if r.FileLocks {
		a.RuntimeOpts = append(a.RuntimeOpts, "--file-locks")
	}
}

// args renders what create and exec share.
func (m *Monitor) args(id string, io ocirt.IO, exit ocirt.Exit, logLevel string) conmon.Args {
	a := conmon.Args{
		APIVersion:  true,
		CID:         id,
		Runtime:     m.Runtime,
		LogLevel:    LogLevel(logLevel),
		FullAttach:  true,
		Terminal:    io.Terminal,
		Stdin:       io.Stdin && !io.Terminal, // a terminal's input always flows; -i would let a detaching client close it
		RuntimeArgs: m.RuntimeArgs,
		// SealedRuntime: set only for pod-conmon (Direct: its own monitor)
		SealedRuntime: m.SealedRuntime && m.Direct,
	}
	if n := len(io.ExtraFiles); n > 0 {
		a.RuntimeOpts = append(a.RuntimeOpts, "--preserve-fds", strconv.Itoa(n))
	}
	if len(exit.Command) > 0 {
		a.ExitCommand = exit.Command[0]
		a.ExitCommandArgs = exit.Command[1:]
		a.ExitDelay = int(exit.Delay / time.Second)
	}
	return a
}

func (m *Monitor) options(args conmon.Args, env []string, extra []*os.File, dir string) *client.Options {
	if m.Dir != "" {
		dir = m.Dir
	}
	return &client.Options{Monitor: m.Binary, Args: args, Env: Env(env), ExtraFiles: extra, Dir: dir, Direct: m.Direct}
}

// logSpec renders the monitor's --log-path for a log driver.
func logSpec(l ocirt.Log) string {
	switch l.Driver {
	case "", ocirt.LogK8sFile:
		if l.Path == "" {
			return conmon.LogDriverNone
		}
		return conmon.LogDriverK8sFile + ":" + l.Path
	case ocirt.LogJournald:
		return conmon.LogDriverJournald + ":"
	default:
		return l.Driver
	}
}

// LogLevel maps pod's --log-level to one every monitor accepts.
func LogLevel(l string) string {
	switch strings.ToLower(l) {
	case "", "warn", "warning":
		return "warn"
	case "error", "fatal", "panic", "info", "debug", "trace":
		return strings.ToLower(l)
	}
	return "warn"
}

// handshake completes the handshake of a monitor started with
// --exec-attach (an exec, or a container under --run): when attach is set
// it waits for the attach socket in dir, lets attach connect, and releases
// the monitor to start the process; then it reads the process's pid. The
// monitor is closed on error.
func handshake(ctx context.Context, m *client.Monitor, what, dir string, attach func(string) error) (int, error) {
	fail := func(err error) (int, error) {
		m.Close()
		return 0, err
	}
	if attach != nil {
		if err := m.WaitAttachReady(ctx); err != nil {
			return fail(fmt.Errorf("waiting for the attach socket: %w", err))
		}
		if err := attach(filepath.Join(dir, conmon.AttachName)); err != nil {
			return fail(err)
		}
		if err := m.Release(); err != nil {
			return fail(err)
		}
	}
	pid, err := m.ReadPid(ctx)
	if err != nil {
		return fail(err)
	}
	return pid, nil
}

// failure turns what a monitor reported when starting a process into an
// error naming what: a *client.SyncError becomes the runtime's own message,
// classified for exit codes 125/126/127 (ocirt.RuntimeError); a deadline
// is a timeout.
func (m *Monitor) failure(what string, err error) error {
	var se *client.SyncError
	if !errors.As(err, &se) {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%s: timed out: %w", what, errdefs.ErrTimeout)
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	msg := se.Message
	if m.Message != nil {
		msg = m.Message(se)
	}
	return ocirt.RuntimeError(m.RuntimeName, msg)
}

// execProcess is an exec session whose monitor started the process.
type execProcess struct {
	m        *client.Monitor
	what     string
	attached bool
	pid      int
	exitFile string // <exit-dir>/<container id> of the session
}

func (p *execProcess) Pid() int        { return p.pid }
func (p *execProcess) MonitorPid() int { return p.m.Pid() }

// Wait returns the exec's exit code: from the sync pipe when attached, else
// from the exit file once the monitor wrote it.
func (p *execProcess) Wait(ctx context.Context) (int, error) {
	defer p.m.Close()
	if p.attached {
		if code, err := p.m.ReadExitCode(ctx); err == nil {
			return code, nil
		}
	}
	st, err := conmon.WaitExitFile(ctx, p.exitFile, "", nil)
	if err != nil {
		return -1, fmt.Errorf("%s: %w", p.what, err)
	}
	return st.Code, nil
}

// Env is the environment of a monitor and hence of the runtime it runs and
// of its exit command: the caller's, without NOTIFY_SOCKET (it must never
// reach a container) and without TMPDIR (runtimes put private state there —
// runsc its sandbox chroot, which fails in a directory only the caller may
// enter), plus extra.
func Env(extra []string) []string {
	env := make([]string, 0, len(os.Environ())+len(extra))
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "NOTIFY_SOCKET=") || strings.HasPrefix(kv, "TMPDIR=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

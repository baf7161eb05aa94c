// Package client starts a conmon-protocol monitor (the real conmon 2.1.6+ or
// pod-conmon) and talks to it: the start/sync/attach pipe handshake, the
// attach socket and the ctl FIFO.
//
// A container create runs as
//
//	m, err := client.Start(ctx, &client.Options{Monitor: path, Args: args, Env: env})
//	defer m.Close()
//	pid, err := m.ReadPid(ctx)          // runtime create done; err is a *SyncError on failure
//
// and an exec with --exec-attach as
//
//	m, err := client.Start(ctx, opts)   // Args.Exec, Args.ExecAttach, Args.APIVersion set
//	err = m.WaitAttachReady(ctx)        // attach socket exists
//	conn, err := client.Dial(bundle + "/attach")
//	err = m.Release()                   // the monitor now runs `runtime exec`
//	pid, err := m.ReadPid(ctx)
//	err = conn.Stream(ctx, attachOpts)  // until the exec's output ends
//	code, err := m.ReadExitCode(ctx)
//
// Every blocking read honours its ctx (deadline and cancellation) and leaves
// no goroutine behind. Start never kills the daemonized monitor: after Start
// returns the monitor lives on its own (unless Args.Sync is set) and a caller
// learns about the container's end from the exit file (package conmon).
package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// Options says how to start a monitor.
type Options struct {
	// Monitor is the path of the monitor binary (conmon or pod-conmon).
	Monitor string
	// Args is the monitor's command line, rendered with Args.Argv().
	Args conmon.Args
	// Env is the monitor's full environment; nil means os.Environ(). The
	// _OCI_* pipe variables are appended by Start. The caller adds
	// XDG_RUNTIME_DIR and strips NOTIFY_SOCKET as it sees fit.
	Env []string
	// ExtraFiles are user-preserved fds: they become fds 3.. in the monitor
	// (and, with --runtime-opt --preserve-fds N, in the container). The
	// handshake pipes are numbered after them.
	ExtraFiles []*os.File
	// Stdin, Stdout and Stderr are the monitor's stdio; only the passthrough
	// log driver hands them on to the container. nil means /dev/null, except
	// that without passthrough a nil Stderr (and Stdout) is captured and
	// reported when the monitor fails early.
	Stdin, Stdout, Stderr *os.File
	// Dir is the monitor's working directory ("" = the caller's).
	Dir string
	// Direct says the monitor is pod's own (pod-conmon, pod-shim) and honours
	// conmon.EnvDirect: Start makes it a session leader and returns once it
	// is released, without waiting for a daemonizing first process. The
	// monitor then stays our child until we exit; Start reaps it when it
	// ends before that. Ignored with Args.Sync.
	Direct bool
	// BeforeStart, when set, runs once the monitor process exists and before
	// the start pipe releases it (Podman moves conmon into a cgroup here).
	// An error kills the monitor and fails Start.
	BeforeStart func(pid int) error
}

// Monitor is a started monitor and the parent ends of its pipes.
type Monitor struct {
	pid    int
	sync   *msgPipe
	start  *os.File
	attach *msgPipe
	cmd    *exec.Cmd // set only with Args.Sync: the monitor is still our child
	// errRead is the read end of a direct monitor's stderr until the
	// handshake is over: a monitor that fails before it reports on the
	// sync pipe says why there.
	errRead *os.File
}

// SyncError is a failure the monitor reported on a pipe: {"data": <0, "message": ...}.
// Message is usually the OCI runtime's stderr (for example "runc create
// failed: ...") or "command timed out". It unwraps to errdefs.ErrRuntime.
type SyncError struct {
	Code    int
	Message string
}

func (e *SyncError) Error() string {
	msg := strings.TrimSpace(e.Message)
	if msg == "" {
		msg = "no message from the monitor"
	}
	return fmt.Sprintf("monitor reported failure %d: %s", e.Code, msg)
}

// Unwrap classifies the error as an OCI runtime error.
func (e *SyncError) Unwrap() error { return errdefs.ErrRuntime }

// Start spawns the monitor in its own process group, runs BeforeStart,
// releases it through the start pipe, waits for the first (daemonizing)
// process to exit and reads the monitor's pid file when Args.ConmonPidFile is
// set. With Args.Sync the monitor does not daemonize: Start returns as soon
// as it is released, and Wait reaps it later; ctx then bounds its whole life.
func Start(ctx context.Context, o *Options) (_ *Monitor, retErr error) {
	if o.Monitor == "" {
		return nil, fmt.Errorf("starting monitor: no monitor binary given: %w", errdefs.ErrInvalidArgument)
	}
	m := &Monitor{}
	var childEnds []*os.File
	defer func() {
		for _, f := range childEnds {
			f.Close()
		}
		if retErr != nil {
			m.Close()
		}
	}()
	newPair := func(what string) (parent int, child *os.File, err error) {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return -1, nil, fmt.Errorf("creating the monitor's %s pipe: %w", what, err)
		}
		child = os.NewFile(uintptr(fds[1]), what+"-pipe")
		childEnds = append(childEnds, child)
		return fds[0], child, nil
	}
	syncFd, syncChild, err := newPair("sync")
	if err != nil {
		return nil, err
	}
	if m.sync, err = newMsgPipe(syncFd, "sync"); err != nil {
		return nil, err
	}
	startFd, startChild, err := newPair("start")
	if err != nil {
		return nil, err
	}
	m.start = os.NewFile(uintptr(startFd), "start-pipe")

	files := append([]*os.File(nil), o.ExtraFiles...)
	env := o.Env
	if env == nil {
		env = os.Environ()
	}
	env = append(append([]string(nil), env...),
		conmon.EnvSyncPipe+"="+strconv.Itoa(3+len(files)),
		conmon.EnvStartPipe+"="+strconv.Itoa(4+len(files)))
	files = append(files, syncChild, startChild)
	if o.Args.ExecAttach {
		attachFd, attachChild, err := newPair("attach")
		if err != nil {
			return nil, err
		}
		if m.attach, err = newMsgPipe(attachFd, "attach"); err != nil {
			return nil, err
		}
		env = append(env, conmon.EnvAttachPipe+"="+strconv.Itoa(3+len(files)))
		files = append(files, attachChild)
	}

	direct := o.Direct && !o.Args.Sync
	var cmd *exec.Cmd
	if direct {
		// ctx bounds the handshake (ReadPid), not the monitor's life, so
		// not CommandContext; the session makes it a group leader as the
		// daemon is, so fail and a caller's kill reach the whole group.
		cmd = exec.Command(o.Monitor, o.Args.Argv()...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		env = DirectEnv(env)
	} else {
		cmd = exec.CommandContext(ctx, o.Monitor, o.Args.Argv()...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		cmd.WaitDelay = 2 * time.Second
	}
	cmd.Env = env
	cmd.Dir = o.Dir
	cmd.ExtraFiles = files
	if o.Stdin != nil {
		cmd.Stdin = o.Stdin
	}
	if o.Stdout != nil {
		cmd.Stdout = o.Stdout
	}

	passthrough := false
	for _, l := range o.Args.LogPaths {
		passthrough = passthrough || l == conmon.LogDriverPassthrough
	}
	var errRead *os.File
	if o.Stderr != nil {
		cmd.Stderr = o.Stderr
	} else if !passthrough { // with passthrough the container inherits these
		// Capture what the first process prints (conmon prints option
		// errors on stdout, the others on stderr) to explain a failure.
		r, w, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("creating the monitor's stderr pipe: %w", err)
		}
		errRead = r
		defer func() {
			if errRead != nil {
				errRead.Close()
			}
		}()
		childEnds = append(childEnds, w)
		cmd.Stderr = w
		if o.Stdout == nil {
			cmd.Stdout = w
		}
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting monitor %s: %w", o.Monitor, err)
	}
	for _, f := range childEnds {
		f.Close()
	}
	childEnds = nil
	fail := func(err error) (*Monitor, error) {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		return nil, err
	}
	if o.BeforeStart != nil {
		if err := o.BeforeStart(cmd.Process.Pid); err != nil {
			return fail(fmt.Errorf("preparing monitor %d: %w", cmd.Process.Pid, err))
		}
	}
	// One byte releases the monitor. A monitor that already died gives EPIPE
	// here; Wait below reports why.
	_, _ = m.start.Write([]byte{0})
	if o.Args.Sync {
		m.pid = cmd.Process.Pid
		m.cmd = cmd
		return m, nil
	}
	if direct {
		m.pid = cmd.Process.Pid
		m.errRead, errRead = errRead, nil
		go func() { _ = cmd.Wait() }() // reaped by us while we live, by init or a subreaper after
		return m, nil
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("starting monitor %s: %w: %w", o.Monitor, errdefs.ErrTimeout, ctx.Err())
		}
		return nil, fmt.Errorf("monitor %s failed: %w%s", o.Monitor, err, drainStderr(errRead))
	}
	if o.Args.ConmonPidFile != "" {
		data, err := os.ReadFile(o.Args.ConmonPidFile)
		if err != nil {
			return nil, fmt.Errorf("reading monitor pid file: %w", err)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || pid <= 0 {
			return nil, fmt.Errorf("monitor pid file %s holds %q, not a pid", o.Args.ConmonPidFile, data)
		}
		m.pid = pid
	}
	return m, nil
}

// drainStderr returns what the monitor's first process wrote to stderr, as
// ": text", without waiting for the daemonized child to close its copy.
func drainStderr(r *os.File) string {
	if r == nil {
		return ""
	}
	fd := int(r.Fd())
	_ = unix.SetNonblock(fd, true)
	var buf bytes.Buffer
	chunk := make([]byte, 4096)
	for buf.Len() < 8192 {
		n, err := unix.Read(fd, chunk)
		if n <= 0 || err != nil {
			break
		}
		buf.Write(chunk[:n])
	}
	s := strings.TrimSpace(buf.String())
	if s == "" {
		return ""
	}
	return ": " + s
}

// Pid is the pid of the monitor that watches the container: the daemonized
// process (known only when Args.ConmonPidFile was set, else 0), or with
// Args.Sync our direct child.
func (m *Monitor) Pid() int { return m.pid }

// ReadPid reads sync message #1: the container's (or exec process's) pid
// once `runtime create`/`exec` returned. A failure reported by the monitor is
// a *SyncError carrying the runtime's message.
func (m *Monitor) ReadPid(ctx context.Context) (int, error) {
	v, err := m.sync.read(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading the container pid from the monitor: %w", m.explain(err))
	}
	return v, nil
}

// explain adds what a direct monitor wrote to stderr to a failed read of
// its pipes (a monitor that reported the failure itself needs none).
func (m *Monitor) explain(err error) error {
	var se *SyncError
	if m.errRead == nil || errors.As(err, &se) {
		return err
	}
	return fmt.Errorf("%w%s", err, drainStderr(m.errRead))
}

// ReadExitCode reads sync message #2 of an exec: the exec process's exit
// status ({"data": -1, "message": "command timed out"} becomes a *SyncError).
func (m *Monitor) ReadExitCode(ctx context.Context) (int, error) {
	v, err := m.sync.read(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading the exec exit code from the monitor: %w", err)
	}
	return v, nil
}

// WaitAttachReady waits for {"data": 0} on the attach pipe (exec with
// --exec-attach): the attach socket and ctl FIFO exist from then on.
func (m *Monitor) WaitAttachReady(ctx context.Context) error {
	if m.attach == nil {
		return fmt.Errorf("waiting for the attach socket: monitor was started without --exec-attach: %w", errdefs.ErrInvalidArgument)
	}
	if _, err := m.attach.read(ctx); err != nil {
		return fmt.Errorf("waiting for the monitor's attach socket: %w", m.explain(err))
	}
	return nil
}

// Release lets an --exec-attach monitor run `runtime exec` (the second write
// on the start pipe). Connect to the attach socket first, or output is lost.
func (m *Monitor) Release() error {
	if m.start == nil {
		return fmt.Errorf("releasing monitor: start pipe already closed: %w", errdefs.ErrConflict)
	}
	if _, err := m.start.Write([]byte{0}); err != nil {
		return fmt.Errorf("releasing monitor %d through the start pipe: %w", m.pid, err)
	}
	return nil
}

// Wait reaps a monitor started with Args.Sync and returns its exit error.
func (m *Monitor) Wait() error {
	if m.cmd == nil {
		return fmt.Errorf("waiting for monitor: only a --sync monitor is our child: %w", errdefs.ErrInvalidArgument)
	}
	return m.cmd.Wait()
}

// Close closes the parent ends of the pipes. It does not stop the monitor;
// a monitor blocked on the start pipe sees EOF and carries on.
func (m *Monitor) Close() error {
	if m.sync != nil {
		m.sync.close()
		m.sync = nil
	}
	if m.attach != nil {
		m.attach.close()
		m.attach = nil
	}
	if m.start != nil {
		m.start.Close()
		m.start = nil
	}
	if m.errRead != nil {
		m.errRead.Close()
		m.errRead = nil
	}
	return nil
}

// DirectEnv adds conmon.EnvDirect to a direct monitor's environment, with
// the Go runtime settings that keep the monitor lean (one P, a small heap
// goal) where the caller set none; the monitor removes them again.
func DirectEnv(env []string) []string {
	var added []string
	for _, kv := range [][2]string{{"GOMAXPROCS", "1"}, {"GOGC", "50"}} {
		set := false
		for _, e := range env {
			set = set || strings.HasPrefix(e, kv[0]+"=")
		}
		if !set {
			env = append(env, kv[0]+"="+kv[1])
			added = append(added, kv[0])
		}
	}
	return append(env, conmon.EnvDirect+"="+strings.Join(added, ","))
}

// errClosed reports a use of a Monitor after Close.
var errClosed = errors.New("monitor handle closed")

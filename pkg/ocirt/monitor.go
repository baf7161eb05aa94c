package ocirt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// Both runtime kinds start a conmon-protocol monitor (pod-conmon or conmon
// for OCI runtimes, pod-shim for shims); these helpers are the parts of
// driving it that do not depend on the kind.

// MonitoredExec is an exec session whose monitor has started the process:
// the ExecProcess both runtime kinds return.
type MonitoredExec struct {
	M        *client.Monitor
	Req      *ExecRequest
	PID      int
	ExitFile string // <exit-dir>/<container id> of the session
}

func (p *MonitoredExec) Pid() int        { return p.PID }
func (p *MonitoredExec) MonitorPid() int { return p.M.Pid() }

// Wait returns the exec's exit code: from the sync pipe when attached, else
// from the exit file once the monitor wrote it.
func (p *MonitoredExec) Wait(ctx context.Context) (int, error) {
	defer p.M.Close()
	if p.Req.Attach != nil {
		if code, err := p.M.ReadExitCode(ctx); err == nil {
			return code, nil
		}
	}
	st, err := conmon.WaitExitFile(ctx, p.ExitFile, "", nil)
	if err != nil {
		return -1, fmt.Errorf("exec session %s: %w", p.Req.SessionID, err)
	}
	return st.Code, nil
}

// ExecHandshake completes an exec's handshake with its monitor: for an
// attached exec it waits for the session's attach socket, lets req.Attach
// connect, and releases the monitor to start the process; then it reads the
// process's pid. A failure reported by the monitor is a *client.SyncError.
// The monitor is closed on error.
func ExecHandshake(ctx context.Context, m *client.Monitor, req *ExecRequest) (int, error) {
	return AttachHandshake(ctx, m, "exec session "+req.SessionID, req.Dir, req.Attach)
}

// AttachHandshake is ExecHandshake for any monitor started with
// --exec-attach: what names the session in errors, dir holds its attach
// socket, attach (nil: not attached) connects to it.
func AttachHandshake(ctx context.Context, m *client.Monitor, what, dir string, attach func(string) error) (int, error) {
	fail := func(err error) (int, error) {
		m.Close()
		return 0, err
	}
	if attach != nil {
		if err := m.WaitAttachReady(ctx); err != nil {
			return fail(fmt.Errorf("%s: waiting for the attach socket: %w", what, err))
		}
		if err := attach(filepath.Join(dir, conmon.AttachName)); err != nil {
			return fail(err)
		}
		if err := m.Release(); err != nil {
			return fail(fmt.Errorf("%s: %w", what, err))
		}
	}
	pid, err := m.ReadPid(ctx)
	if err != nil {
		return fail(err)
	}
	return pid, nil
}

// MonitorError turns what a monitor reported when creating a container (or
// exec session) what into an error: a *client.SyncError becomes
// RuntimeError(runtime, message(se)), classified for exit codes 125/126/127;
// a deadline is a timeout.
func MonitorError(what, runtime string, err error, message func(*client.SyncError) string) error {
	var se *client.SyncError
	if !errors.As(err, &se) {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%s: timed out: %w", what, errdefs.ErrTimeout)
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	return RuntimeError(runtime, message(se))
}

// MonitorEnv is the environment of a monitor and hence of the runtime it
// runs and of its exit command: the caller's, without NOTIFY_SOCKET (it must
// never reach a container) and without TMPDIR (runtimes put private state
// there — runsc its sandbox chroot, which fails in a directory only the
// caller may enter), plus extra.
func MonitorEnv(extra []string) []string {
	env := make([]string, 0, len(os.Environ())+len(extra))
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "NOTIFY_SOCKET=") || strings.HasPrefix(kv, "TMPDIR=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

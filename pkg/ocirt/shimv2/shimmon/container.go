package shimmon

import (
	"context"
	"errors"
	"github.com/pod-engine/pod/pkg/systemd/sdnotify"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimwire"
	"github.com/pod-engine/pod/pkg/pidwatch"
)

// Files pod-shim keeps in the shim bundle.
const (
	DiagFile    = "pod-shim.log" // pod-shim's and the shim's messages
	createLimit = 4 * time.Minute
	drainLimit  = 10 * time.Second
	// reconnectLimit is how long a living shim may refuse connections.
	reconnectLimit = time.Minute
)

// runContainer starts the shim, creates the task and watches it to its end.
func runContainer(a *conmon.Args, f *shimwire.Flags, p *pipes) int {
	diag.open(filepath.Join(f.Bundle, DiagFile), f.Debug || a.LogLevel == "debug" || a.LogLevel == "trace")
	self, _ := os.Executable()
	shim := &shimclient.Shim{Binary: a.Runtime, Namespace: f.Namespace, Address: f.HashAddr, PublishBinary: self, Debug: f.Debug}
	id := a.CID

	failed := func(err error) int {
		diag.warn("create %s: %v", id, err)
		p.report(-1, shimclient.Message(err))
		p.closeAll()
		// conmon runs the exit command after a failed create as well.
		runExitCommand(a)
		return 1
	}

	logFifo, err := drainShimLog(filepath.Join(f.Bundle, "log"))
	if err != nil {
		return failed(err)
	}
	defer logFifo.Close()

	var conn shimConn
	var st shimwire.State
	closeIO := func() {
		if c := conn.get(); c != nil {
			_ = c.CloseStdin(context.Background(), id, "")
		}
	}
	var s *session
	s, err = openSession(a, f.Bundle, func(b []byte) error { return s.io.writeStdin(b) }, func() { s.onStdinEOF(closeIO)() },
		func(h, w int) {
			if c := conn.get(); c != nil {
				if err := c.ResizePty(context.Background(), id, "", uint32(w), uint32(h)); err != nil {
					diag.warn("resize: %v", err)
				}
			}
		})
	if err != nil {
		return failed(err)
	}
	defer s.close()

	if a.SdNotifySocket != "" {
		// The container's sd_notify messages, relayed as pod-conmon does.
		relay, err := sdnotify.Listen(a.Bundle, a.SdNotifySocket, diag.warn)
		if err != nil {
			return failed(err)
		}
		defer func() { _ = relay.Close() }()
	}
	ctx, cancel := context.WithTimeout(context.Background(), createLimit)
	defer cancel()
	t0 := time.Now()
	b, err := shim.Start(ctx, id, f.Bundle, nil)
	diag.debugf("shim start took %v", time.Since(t0))
	if err != nil {
		return failed(err)
	}
	st = shimwire.State{Address: b.Address, TaskAPI: b.Version, Namespace: f.Namespace, HashAddr: f.HashAddr, Bundle: f.Bundle}
	c, err := shimclient.Dial(ctx, b.Address, f.Namespace, b.Version)
	if err != nil {
		cleanupDeadShim(shim, id, st)
		return failed(err)
	}
	conn.set(c)
	st.TaskAPI = c.Version()
	ci, err := c.Connect(ctx, id)
	if err != nil {
		c.Close()
		cleanupDeadShim(shim, id, st)
		return failed(err)
	}
	st.ShimPid = ci.ShimPid
	st.ShimStart, _ = pidwatch.StartTime(ci.ShimPid)
	diag.debugf("connected after %v", time.Since(t0))
	if err := shimwire.WriteState(st); err != nil {
		stopShim(c, id, st)
		return failed(err)
	}
	pid, err := c.Create(ctx, shimclient.CreateRequest{
		ID: id, Bundle: f.Bundle, Terminal: a.Terminal, Options: f.Options,
		Stdin: s.io.StdinPath, Stdout: s.io.StdoutPath, Stderr: s.io.StderrPath,
	})
	if err != nil {
		stopShim(c, id, st)
		return failed(err)
	}
	s.io.shimOpened()
	diag.debugf("task created after %v", time.Since(t0))
	writePidFile(a.ContainerPidFile, pid)
	diag.debugf("created %s: pid %d, shim %d at %s (task API v%d)", id, pid, st.ShimPid, st.Address, st.TaskAPI)
	oom := watchOOM(pid)
	p.report(pid, "")

	life, stop := context.WithCancel(context.Background())
	defer stop()
	forwardSignals(life, func(sig syscall.Signal) {
		_ = conn.get().Kill(context.Background(), id, "", int(sig), false)
	})
	drained := s.io.pump(s.out.write)
	timedOut := killAfter(a.Timeout, func() error {
		return conn.get().Kill(context.Background(), id, "", int(syscall.SIGKILL), true)
	})
	stopPeriodic := startPeriodic(a)
	code := waitTask(&conn, shim, id, "", st)
	stopPeriodic()
	if timedOut.timedOut() {
		// As conmon -T: the status of a container killed for its time
		// limit is -1, whatever the kill made of it.
		code = -1
	}
	if w, err := os.Create(filepath.Join(f.Bundle, shimwire.WaitedFile)); err == nil {
		w.Close()
	}
	conn.get().Close()
	select {
	case <-drained:
	case <-time.After(drainLimit):
		diag.warn("output of %s did not end %v after its exit", id, drainLimit)
	}
	s.close()
	if oom.killed() {
		writeOOM(a)
	}
	writeExitFiles(a, code)
	p.closeAll()
	runExitCommand(a)
	return 0
}

// killAfter arranges for kill to run seconds from now (none when seconds
// is 0), as conmon's -T/--timeout does. Its timedOut reports whether the
// kill ran and succeeded: a kill that finds the task already gone does not
// count, so a container that ended by itself keeps its status.
func killAfter(seconds int, kill func() error) *timeoutKill {
	t := &timeoutKill{done: make(chan struct{})}
	if seconds > 0 {
		t.timer = time.AfterFunc(time.Duration(seconds)*time.Second, func() {
			defer close(t.done)
			diag.debugf("timed out after %ds: killing the container", seconds)
			if err := kill(); err != nil {
				diag.warn("killing the container after its --timeout: %v", err)
				return
			}
			t.killed.Store(true)
		})
	}
	return t
}

// timeoutKill is one pending --timeout kill.
type timeoutKill struct {
	timer  *time.Timer
	killed atomic.Bool // the kill ran and succeeded
	done   chan struct{}
}

// timedOut, once the task has ended, reports whether the time limit killed
// it. The task can end from the kill before the kill's answer arrives (the
// exit races the reply): a kill in flight is waited for.
func (t *timeoutKill) timedOut() bool {
	if t.timer == nil || t.timer.Stop() {
		return false // no limit, or ended before its time
	}
	select {
	case <-t.done:
	case <-time.After(10 * time.Second):
	}
	return t.killed.Load()
}

// waitTask blocks until the process exits and returns its status. When the
// connection drops it reconnects while the shim lives; when the shim died,
// its delete subcommand ends the container and supplies the status (137).
// A shim that lives but cannot be reached for reconnectLimit is treated as
// dead (killed and cleaned up), so a container never goes unwatched.
func waitTask(conn *shimConn, shim *shimclient.Shim, id, execID string, st shimwire.State) int {
	var lost time.Time
	for attempt := 0; ; attempt++ {
		e, err := conn.get().Wait(context.Background(), id, execID)
		if err == nil {
			return e.Status
		}
		if !shimclient.IsGone(err) {
			diag.warn("wait %s %s: %v", id, execID, err)
			if attempt > 3 {
				return -1
			}
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if lost.IsZero() {
			lost = time.Now()
		}
		alive := pidwatch.Running(st.ShimPid, st.ShimStart)
		if alive && time.Since(lost) > reconnectLimit {
			diag.warn("shim %d of %s unreachable for %v: killing it", st.ShimPid, id, reconnectLimit)
			_ = pidwatch.Kill(st.ShimPid, st.ShimStart, syscall.SIGKILL)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = pidwatch.WaitExit(ctx, st.ShimPid, st.ShimStart)
			cancel()
			alive = false
		}
		if !alive {
			diag.warn("shim %d of %s died", st.ShimPid, id)
			if execID != "" || shim == nil {
				return -1
			}
			if e, ok := cleanupDeadShim(shim, id, st); ok {
				return e.Status
			}
			return -1
		}
		time.Sleep(50 * time.Millisecond)
		nc, err := shimclient.Dial(context.Background(), st.Address, st.Namespace, st.TaskAPI)
		if err != nil {
			continue
		}
		conn.set(nc).Close()
		lost = time.Time{}
	}
}

// stopShim ends a shim that holds no task (after a failed create).
func stopShim(c *shimclient.Client, id string, st shimwire.State) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = c.Delete(ctx, id, "")
	_ = c.Shutdown(ctx, id)
	c.Close()
	if st.ShimPid > 0 {
		if pidwatch.WaitExit(ctx, st.ShimPid, st.ShimStart) != nil {
			_ = pidwatch.Kill(st.ShimPid, st.ShimStart, syscall.SIGKILL)
		}
	}
	removeSocket(st.Address)
}

// cleanupDeadShim runs the shim's delete subcommand once for a task whose
// shim is gone (it kills and deletes the container through the OCI runtime
// and unmounts the rootfs) and removes the shim's stale socket. ok is false
// when the subcommand had already run or failed.
func cleanupDeadShim(shim *shimclient.Shim, id string, st shimwire.State) (shimclient.Exit, bool) {
	defer removeSocket(st.Address)
	marker := filepath.Join(st.Bundle, shimwire.DeletedFile)
	if _, err := os.Stat(marker); err == nil {
		return shimclient.Exit{}, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e, err := shim.Delete(ctx, id, st.Bundle)
	if err != nil {
		diag.warn("%v", err)
		return shimclient.Exit{}, false
	}
	if f, err := os.Create(marker); err == nil {
		f.Close()
	}
	return e, true
}

// removeSocket removes a shim socket file that nothing listens on any more.
func removeSocket(address string) {
	path, err := shimclient.SocketPath(address)
	if err != nil || path[0] != '/' {
		return
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		diag.warn("removing stale shim socket: %v", err)
	}
}

// shimConn is the connection to the shim, replaced when pod-shim reconnects
// and used meanwhile by the attach, ctl and signal goroutines.
type shimConn struct {
	p atomic.Pointer[shimclient.Client]
}

func (c *shimConn) get() *shimclient.Client { return c.p.Load() }

// set installs nc and returns the previous connection.
func (c *shimConn) set(nc *shimclient.Client) *shimclient.Client { return c.p.Swap(nc) }

package shimmon

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimwire"
)

// runExec runs one exec session on the container's shim: Exec, Start,
// Wait, Delete of exec id = the session id (-u), with the session's attach
// socket, ctl FIFO and exit files in the session dir (-b).
func runExec(a *conmon.Args, f *shimwire.Flags, p *pipes) int {
	diag.open(filepath.Join(a.Bundle, DiagFile), a.LogLevel == "debug" || a.LogLevel == "trace")
	id, execID := a.CID, a.CUUID
	failed := func(err error) int {
		diag.warn("exec %s in %s: %v", execID, id, err)
		p.report(-1, shimclient.Message(err))
		p.closeAll()
		runExitCommand(a)
		return 1
	}
	data, err := os.ReadFile(a.ExecProcessSpec)
	if err != nil {
		return failed(err)
	}
	var ps specs.Process
	if err := json.Unmarshal(data, &ps); err != nil {
		return failed(fmt.Errorf("exec process spec %s: %w", a.ExecProcessSpec, err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), createLimit)
	defer cancel()
	c, err := shimclient.Dial(ctx, f.Address, f.Namespace, f.TaskAPI)
	if err != nil {
		return failed(err)
	}
	var conn shimConn
	conn.set(c)
	defer func() { conn.get().Close() }()

	var s *session
	s, err = openSession(a, a.Bundle, func(b []byte) error { return s.io.writeStdin(b) },
		func() { s.onStdinEOF(func() { _ = conn.get().CloseStdin(context.Background(), id, execID) })() },
		func(h, w int) { _ = conn.get().ResizePty(context.Background(), id, execID, uint32(w), uint32(h)) })
	if err != nil {
		return failed(err)
	}
	defer s.close()
	if a.ExecAttach {
		p.attachReady()
		p.waitStart()
	}
	if err := c.Exec(ctx, id, execID, a.Terminal, s.io.StdinPath, s.io.StdoutPath, s.io.StderrPath, &ps); err != nil {
		return failed(err)
	}
	pid, err := c.Start(ctx, id, execID)
	if err != nil {
		_, _ = c.Delete(context.Background(), id, execID)
		return failed(err)
	}
	s.io.shimOpened()
	writePidFile(a.ContainerPidFile, pid)
	p.report(pid, "")

	life, stop := context.WithCancel(context.Background())
	defer stop()
	forwardSignals(life, func(sig syscall.Signal) { _ = conn.get().Kill(context.Background(), id, execID, int(sig), false) })
	timedOut := make(chan struct{})
	if a.Timeout > 0 {
		t := time.AfterFunc(time.Duration(a.Timeout)*time.Second, func() {
			close(timedOut)
			_ = conn.get().Kill(context.Background(), id, execID, int(syscall.SIGKILL), false)
		})
		defer t.Stop()
	}
	drained := s.io.pump(s.out.write)
	st := shimwire.State{Address: f.Address, TaskAPI: c.Version(), Namespace: f.Namespace, Bundle: f.Bundle}
	if ci, err := c.Connect(ctx, id); err == nil {
		st.ShimPid = ci.ShimPid
	}
	code := waitTask(&conn, nil, id, execID, st)
	select {
	case <-drained:
	case <-time.After(drainLimit):
	}
	if _, err := conn.get().Delete(context.Background(), id, execID); err != nil {
		diag.debugf("delete exec %s: %v", execID, err)
	}
	msg := ""
	select {
	case <-timedOut:
		code, msg = -1, "command timed out"
	default:
	}
	s.close()
	writeExitFiles(a, code)
	p.report(code, msg)
	p.closeAll()
	runExitCommand(a)
	return 0
}

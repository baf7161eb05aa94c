package oci

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// Exec implements ocirt.Execer: the monitor runs `runtime exec --detach`
// for the session, serves its attach socket in req.Dir and writes its exit
// code to req.Dir/exit/<container id>.
func (t *task) Exec(ctx context.Context, req *ocirt.ExecRequest) (ocirt.ExecProcess, error) {
	if err := ocirt.Missing(t.r.h); err != nil {
		return nil, err
	}
	if t.r.q.runsc && len(req.PreserveFDs) > 0 {
		return nil, fmt.Errorf("runsc exec does not support --preserve-fds: %w", errdefs.ErrInvalidArgument)
	}
	exitDir := filepath.Join(req.Dir, "exit")
	persist := filepath.Join(req.Dir, "persist", t.ref.ID)
	for _, d := range []string{exitDir, persist} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("exec session %s: %w", req.SessionID, err)
		}
	}
	spec := filepath.Join(req.Dir, "process.json")
	proc := *req.Process
	if proc.Capabilities != nil {
		caps := *proc.Capabilities
		proc.Capabilities = &caps
	}
	t.r.q.adaptProcess(&proc)
	body, err := json.Marshal(&proc)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(spec, body, 0o600); err != nil {
		return nil, fmt.Errorf("exec session %s: %w", req.SessionID, err)
	}
	g, _ := t.global()
	if t.r.h.JSONLog {
		g.Log = filepath.Join(req.Dir, "oci-log")
		g.LogFormat = "json"
	}
	args := conmon.Args{
		APIVersion:       true,
		CID:              t.ref.ID,
		CUUID:            req.SessionID,
		Runtime:          t.r.h.Path,
		Bundle:           req.Dir,
		ContainerPidFile: filepath.Join(req.Dir, "exec_pid"),
		ConmonPidFile:    filepath.Join(req.Dir, "conmon.pid"),
		LogPaths:         []string{conmon.LogDriverNone},
		LogLevel:         monitorLogLevel(req.LogLevel),
		ExitDir:          exitDir,
		PersistDir:       persist,
		FullAttach:       true,
		Terminal:         req.Terminal,
		Stdin:            req.Stdin && !req.Terminal, // with a tty, input flows anyway; -i would let a detaching client close it
		RuntimeArgs:      g.args(),
		Exec:             true,
		ExecProcessSpec:  spec,
		ExecAttach:       req.Attach != nil,
		Timeout:          req.Timeout,
	}
	if n := len(req.PreserveFDs); n > 0 {
		args.RuntimeOpts = append(args.RuntimeOpts, "--preserve-fds", strconv.Itoa(n))
	}
	if len(req.ExitCommand) > 0 {
		args.ExitCommand = req.ExitCommand[0]
		args.ExitCommandArgs = req.ExitCommand[1:]
		args.ExitDelay = req.ExitDelay
	}
	m, err := client.Start(ctx, &client.Options{
		Monitor:    t.r.h.Monitor,
		Args:       args,
		Env:        ocirt.MonitorEnv(req.Env),
		ExtraFiles: req.PreserveFDs,
		Dir:        req.Dir,
	})
	if err != nil {
		return nil, fmt.Errorf("exec session %s: %w", req.SessionID, err)
	}
	p := &ocirt.MonitoredExec{M: m, Req: req, ExitFile: filepath.Join(exitDir, t.ref.ID)}
	pid, err := ocirt.ExecHandshake(ctx, m, req)
	if err != nil {
		return nil, ocirt.MonitorError("exec session "+req.SessionID, t.r.name(), err, func(se *client.SyncError) string {
			return runtimeMessage(g.Log, se)
		})
	}
	p.PID = pid
	return p, nil
}

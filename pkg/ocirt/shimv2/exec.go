package shimv2

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimwire"
)

// Exec implements ocirt.Execer: pod-shim runs the session as an exec
// process of the container's shim (exec id = session id), serves its attach
// socket in req.Dir and writes its exit code to req.Dir/exit/<container id>.
func (t *task) Exec(ctx context.Context, req *ocirt.ExecRequest) (ocirt.ExecProcess, error) {
	if err := ocirt.Missing(t.r.h); err != nil {
		return nil, err
	}
	if t.loadErr != nil {
		return nil, t.loadErr
	}
	if len(req.PreserveFDs) > 0 {
		return nil, fmt.Errorf("runtime %q (containerd shim): exec --preserve-fds is not supported: %w", t.r.h.Name, errdefs.ErrNotImplemented)
	}
	if err := shimclient.ValidateID("exec session id", req.SessionID); err != nil {
		return nil, err
	}
	if t.state.Address == "" {
		return nil, fmt.Errorf("container %s has no shim: %w", t.ref.ID, errdefs.ErrConflict)
	}
	mon, err := t.r.d.monitor()
	if err != nil {
		return nil, err
	}
	exitDir := filepath.Join(req.Dir, "exit")
	persist := filepath.Join(req.Dir, "persist", t.ref.ID)
	for _, d := range []string{exitDir, persist} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("exec session %s: %w", req.SessionID, err)
		}
	}
	spec := filepath.Join(req.Dir, "process.json")
	body, err := json.Marshal(req.Process)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(spec, body, 0o600); err != nil {
		return nil, fmt.Errorf("exec session %s: %w", req.SessionID, err)
	}
	flags := shimwire.Flags{Namespace: t.state.Namespace, Bundle: t.bundle, Address: t.state.Address, TaskAPI: t.state.TaskAPI}
	rargs, err := flags.RuntimeArgs()
	if err != nil {
		return nil, err
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
		LogLevel:         req.LogLevel,
		ExitDir:          exitDir,
		PersistDir:       persist,
		FullAttach:       true,
		Terminal:         req.Terminal,
		Stdin:            req.Stdin,
		RuntimeArgs:      rargs,
		Exec:             true,
		ExecProcessSpec:  spec,
		ExecAttach:       req.Attach != nil,
		Timeout:          req.Timeout,
	}
	if len(req.ExitCommand) > 0 {
		args.ExitCommand = req.ExitCommand[0]
		args.ExitCommandArgs = req.ExitCommand[1:]
		args.ExitDelay = req.ExitDelay
	}
	m, err := client.Start(ctx, &client.Options{Monitor: mon, Args: args, Env: ocirt.MonitorEnv(req.Env), Dir: req.Dir})
	if err != nil {
		return nil, fmt.Errorf("exec session %s: %w", req.SessionID, err)
	}
	p := &ocirt.MonitoredExec{M: m, Req: req, ExitFile: filepath.Join(exitDir, t.ref.ID)}
	pid, err := ocirt.ExecHandshake(ctx, m, req)
	if err != nil {
		return nil, ocirt.MonitorError("exec session "+req.SessionID, t.r.h.Name, err, func(se *client.SyncError) string { return se.Message })
	}
	p.PID = pid
	return p, nil
}

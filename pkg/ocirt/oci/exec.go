package oci

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/launch"
)

// Exec implements ocirt.Execer: the monitor runs `runtime exec --detach`
// for the session, serves its attach socket in req.Dir and writes its exit
// code to req.Dir/exit/<container id>.
func (t *task) Exec(ctx context.Context, req *ocirt.ExecRequest) (ocirt.ExecProcess, error) {
	if err := ocirt.Missing(t.r.h); err != nil {
		return nil, err
	}
	if t.r.q.runsc && len(req.IO.ExtraFiles) > 0 {
		return nil, fmt.Errorf("runsc exec does not support --preserve-fds: %w", errdefs.ErrInvalidArgument)
	}
	proc := *req.Process
	if proc.Capabilities != nil {
		caps := *proc.Capabilities
		proc.Capabilities = &caps
	}
	t.r.q.adaptProcess(&proc)
	g, _ := t.global()
	if t.r.h.JSONLog {
		g.Log = filepath.Join(req.Dir, "oci-log")
		g.LogFormat = "json"
	}
	m := &launch.Monitor{
		Binary:        t.r.h.Monitor,
		Runtime:       t.r.h.Path,
		RuntimeName:   t.r.name(),
		RuntimeArgs:   g.args(),
		Direct:        t.r.ownMonitor(),
		SealedRuntime: t.r.q.sealed(),
		Message:       func(se *client.SyncError) string { return runtimeMessage(g.Log, se) },
	}
	return launch.Exec(ctx, m, t.ref.ID, req, &proc)
}

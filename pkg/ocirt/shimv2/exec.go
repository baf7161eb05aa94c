package shimv2

import (
	"context"
	"fmt"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/launch"
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
	if len(req.IO.ExtraFiles) > 0 {
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
	flags := shimwire.Flags{Namespace: t.state.Namespace, Bundle: t.bundle, Address: t.state.Address, TaskAPI: t.state.TaskAPI}
	rargs, err := flags.RuntimeArgs()
	if err != nil {
		return nil, err
	}
	m := &launch.Monitor{Binary: mon, Runtime: t.r.h.Path, RuntimeName: t.r.h.Name, RuntimeArgs: rargs, Direct: true}
	return launch.Exec(ctx, m, t.ref.ID, req, req.Process)
}

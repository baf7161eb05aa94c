package oci

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/launch"
)

// Prestart implements ocirt.Prestarter: under pod-conmon, a container
// created and started in one step with an attach client (a foreground run)
// has a monitor that waits for that client before it runs the runtime, and
// its command line needs no spec (runsc's flags do). Such a monitor is
// started here, before the caller mounts the storage and generates the
// spec, so its process start overlaps that work; Pending.Create writes
// config.json and lets it go. Anything else: nil, and Create as usual.
func (r *runtime) Prestart(ctx context.Context, req *ocirt.CreateRequest) (ocirt.Pending, error) {
	if req.Spec != nil || req.IO.Terminal || r.q.runsc || len(req.IO.Hold) > 0 || req.NotifySocket != "" {
		return nil, nil
	}
	t, m := r.monitor(req, nil)
	if !m.Run || !m.Direct || !launch.Held(m, req) {
		return nil, nil
	}
	if err := r.canCreate(req); err != nil {
		return nil, err
	}
	// A monitor let go by our death (EOF on its start pipe) must find no
	// config.json of an earlier run to create from.
	if err := os.Remove(filepath.Join(req.Bundle, "config.json")); err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("container %s: %w", req.Name, err)
	}
	p, err := launch.Start(ctx, m, req)
	if err != nil {
		_ = t.Delete(context.WithoutCancel(ctx), true)
		return nil, err
	}
	return &pending{r: r, t: t, m: m, req: req, p: p}, nil
}

// pending is a prestarted monitor waiting for its container's spec.
type pending struct {
	r   *runtime
	t   *task
	m   *launch.Monitor
	req *ocirt.CreateRequest
	p   *launch.Pending
}

func (p *pending) Create(ctx context.Context, spec *specs.Spec) (ocirt.Task, error) {
	if spec == nil || spec.Process != nil && spec.Process.Terminal {
		p.Abort()
		return nil, fmt.Errorf("container %s: its monitor started for a spec without a terminal: %w", p.req.Name, errdefs.ErrInvalidArgument)
	}
	req := *p.req
	req.Spec = spec
	w, err := p.r.writeSpec(&req)
	if err != nil {
		p.Abort()
		return nil, err
	}
	st, err := p.p.Finish()
	return p.r.created(ctx, p.t, p.m, &req, w, st, err)
}

// Abort kills the monitor, which ran nothing yet.
func (p *pending) Abort() { p.p.Abort() }

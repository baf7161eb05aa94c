package oci

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/launch"
)

// SpecVersion is the ociVersion written into config.json: crun 1.8 accepts
// only versions containing "1.0"; runc and runsc accept it as well.
const SpecVersion = "1.0.2-dev"

// Create implements ocirt.Runtime: it writes config.json, starts the monitor
// which runs `runtime create` (or `runtime run` under pod-conmon), and waits
// for the container's pid.
func (r *runtime) Create(ctx context.Context, req *ocirt.CreateRequest) (ocirt.Task, error) {
	if err := r.canCreate(req); err != nil {
		return nil, err
	}
	w, err := r.writeSpec(req)
	if err != nil {
		return nil, err
	}
	t, m := r.monitor(req, req.Spec)
	st, err := launch.Create(ctx, m, req)
	return r.created(ctx, t, m, req, w, st, err)
}

// canCreate refuses what the runtime cannot create, before anything runs.
func (r *runtime) canCreate(req *ocirt.CreateRequest) error {
	if err := ocirt.Missing(r.h); err != nil {
		return err
	}
	if r.h.Monitor == "" {
		return fmt.Errorf("runtime %q: no monitor (pod-conmon or conmon) configured: %w", r.h.Name, errdefs.ErrUnavailable)
	}
	return r.q.check(req)
}

// written is the config.json written for a create, and the seccomp cache
// entry to store once the create succeeded.
type written struct {
	sc     *seccompCache
	cached bool
}

// writeSpec writes req.Spec as config.json, with crun's compiled seccomp
// filter from the cache when there is one.
func (r *runtime) writeSpec(req *ocirt.CreateRequest) (written, error) {
	spec := req.Spec
	w := written{sc: r.seccompCacheFor(spec)}
	if w.sc != nil {
		copied := *spec
		if w.cached = w.sc.apply(&copied); w.cached {
			spec = &copied
		}
	}
	return w, writeSpec(req.Bundle, spec, r.q)
}

// monitor is the task of req and how its monitor runs; spec is nil when
// the monitor starts before the spec exists (Prestart).
func (r *runtime) monitor(req *ocirt.CreateRequest, spec *specs.Spec) (*task, *launch.Monitor) {
	noCgroups := req.Cgroups == ocirt.CgroupsDisabled
	data := taskData{Extra: r.q.containerFlags(spec, noCgroups)}
	t := &task{r: r, data: data, ref: ocirt.TaskRef{ID: req.ID, Bundle: req.Bundle, RunDir: req.RunDir}}
	t.ref.Data, _ = json.Marshal(data)

	g, _ := t.global()
	log := ""
	if r.h.JSONLog {
		log = filepath.Join(req.RunDir, "oci-log")
	}
	terminal := req.IO.Terminal
	if spec != nil {
		terminal = spec.Process != nil && spec.Process.Terminal
	}
	m := &launch.Monitor{
		Binary:      r.h.Monitor,
		Runtime:     r.h.Path,
		RuntimeName: r.name(),
		RuntimeArgs: g.args(),
		// A terminal is sized through the ctl FIFO between create and
		// start, which one `run` call leaves no room for: keep create+start
		// there.
		Run:           req.Start && req.Restore == nil && r.ownMonitor() && !terminal,
		SystemdCgroup: req.Cgroups == ocirt.CgroupsSystemd && !r.q.runsc,
		NoPivot:       req.NoPivotRoot && !r.q.runsc,
		NoNewKeyring:  req.NoNewKeyring && !r.q.runsc,
		Periodic:      r.ownMonitor(),
		Direct:        r.ownMonitor(),
		SealedRuntime: r.q.sealed(),
		Message:       func(se *client.SyncError) string { return runtimeMessage(log, se) },
	}
	if r.q.runsc && req.NotifySocket != "" {
		// gVisor lets the sandbox reach a host socket (the monitor's
		// sd_notify relay, bind-mounted at /run/notify) only when asked.
		m.RuntimeArgs = append(m.RuntimeArgs, "--host-uds=open")
	}
	return t, m
}

// created completes a create whose monitor reported st or err.
func (r *runtime) created(ctx context.Context, t *task, m *launch.Monitor, req *ocirt.CreateRequest, w written, st launch.Started, err error) (ocirt.Task, error) {
	if err != nil {
		_ = t.Delete(context.WithoutCancel(ctx), true)
		return nil, err
	}
	t.ref.Started = m.Run || req.Restore != nil // restore --detach starts it
	t.ref.Pid = st.Pid
	t.ref.MonitorPid = st.MonitorPid
	if !m.Periodic {
		r.startTimer(req, st.Pid)
	}
	if w.sc != nil && !w.cached {
		w.sc.store(r.stateRoot(), req.ID)
	}
	return t, nil
}

// runtimeMessage is the runtime's own error: the last error of its JSON log
// when it keeps one, else what the monitor relayed from its stderr.
func runtimeMessage(log string, se *client.SyncError) string {
	if log != "" {
		if data, err := os.ReadFile(log); err == nil {
			if msg := lastError(data); msg != "" {
				return msg
			}
		}
	}
	return stderrMessage([]byte(se.Message))
}

// check refuses requests the runtime cannot honour, before anything runs.
func (q quirks) check(req *ocirt.CreateRequest) error {
	if q.runsc && len(req.IO.ExtraFiles) > 0 {
		return fmt.Errorf("runsc does not support --preserve-fds: %w", errdefs.ErrInvalidArgument)
	}
	return nil
}

// writeSpec writes spec as bundle/config.json with the ociVersion all
// supported runtimes accept, adapted to the runtime's quirks.
func writeSpec(bundle string, spec *specs.Spec, q quirks) error {
	if spec == nil {
		return fmt.Errorf("no runtime spec given: %w", errdefs.ErrInvalidArgument)
	}
	s := *spec
	s.Version = SpecVersion
	if s.Process != nil {
		p := *s.Process
		if p.Capabilities != nil {
			caps := *p.Capabilities
			p.Capabilities = &caps
		}
		q.adaptProcess(&p)
		s.Process = &p
	}
	data, err := json.Marshal(&s)
	if err != nil {
		return fmt.Errorf("encoding config.json: %w", err)
	}
	path := filepath.Join(bundle, "config.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// ownMonitor reports whether the monitor is pod's own pod-conmon, not the
// real conmon: it can create and start in one step (--run), runs periodic
// commands, and needs no daemonizing re-exec (launch.Monitor.Direct).
func (r *runtime) ownMonitor() bool {
	return filepath.Base(r.h.Monitor) == "pod-conmon"
}

package shimv2

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/launch"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimwire"
)

// specVersion is the ociVersion written into config.json (crun 1.8, which
// a runc shim may drive through BinaryName, accepts only "1.0…").
const specVersion = "1.0.2-dev"

// runtime is one shim binary with its options.
type runtime struct {
	d     Driver
	h     ocirt.Handle
	alias ocirt.Alias
}

// Handle implements ocirt.Runtime.
func (r *runtime) Handle() ocirt.Handle { return r.h }

// ShimBundle is the shim's bundle for a container: <runDir>/shim/<id>.
func ShimBundle(runDir, id string) string { return filepath.Join(runDir, "shim", id) }

// check refuses what shims cannot do, before anything runs.
func (r *runtime) check(req *ocirt.CreateRequest) error {
	unsupported := func(what string) error {
		return fmt.Errorf("runtime %q (containerd shim): %s is not supported: %w", r.h.Name, what, errdefs.ErrNotImplemented)
	}
	switch {
	case len(req.IO.ExtraFiles) > 0:
		return unsupported("--preserve-fds")
	case len(req.IO.Hold) > 0:
		return unsupported("a user-mode network (slirp4netns), whose helper must die with the container's monitor (use --network bridge or pasta)")
	case req.IO.Passthrough != nil || req.Log.Driver == ocirt.LogPassthrough:
		return unsupported("the passthrough log driver")
	case req.Log.Driver == ocirt.LogJournald:
		return unsupported("the journald log driver (use k8s-file)")
	case req.Cgroups == ocirt.CgroupsDisabled:
		return unsupported("--cgroups=disabled")
	case req.Spec == nil:
		return fmt.Errorf("no runtime spec given: %w", errdefs.ErrInvalidArgument)
	case !filepath.IsAbs(req.Bundle) || !filepath.IsAbs(req.RunDir):
		return fmt.Errorf("container %s: bundle and run dir must be absolute: %w", req.ID, errdefs.ErrInvalidArgument)
	}
	return shimclient.ValidateID("container id", req.ID)
}

// Create implements ocirt.Runtime: pod-shim starts the shim and creates the
// task; Create returns once the init process exists.
func (r *runtime) Create(ctx context.Context, req *ocirt.CreateRequest) (ocirt.Task, error) {
	if err := ocirt.Missing(r.h); err != nil {
		return nil, err
	}
	if err := r.check(req); err != nil {
		return nil, err
	}
	mon, err := r.d.monitor()
	if err != nil {
		return nil, err
	}
	opts, err := shimclient.BuildOptions(shimclient.OptionsSpec{
		Type: r.alias.Type, Options: r.alias.Options, ConfigPath: r.alias.ConfigPath,
		NoPivotRoot: req.NoPivotRoot, NoNewKeyring: req.NoNewKeyring, SystemdCgroup: req.Cgroups == ocirt.CgroupsSystemd,
	})
	if err != nil {
		return nil, fmt.Errorf("runtime %q: %w", r.h.Name, err)
	}
	bundle := ShimBundle(req.RunDir, req.ID)
	t := &task{r: r, ref: ocirt.TaskRef{ID: req.ID, Bundle: req.Bundle, RunDir: req.RunDir}, bundle: bundle}
	_ = os.RemoveAll(bundle) // a previous run's leftovers (Delete removes it; a crash may not)
	if err := os.MkdirAll(bundle, 0o700); err != nil {
		return nil, fmt.Errorf("container %s: %w", req.Name, err)
	}
	if err := writeSpecs(req, bundle); err != nil {
		t.removeBundle()
		return nil, err
	}
	flags := shimwire.Flags{Namespace: r.d.Namespace, HashAddr: r.d.HashAddress, Bundle: bundle, Options: opts, Debug: r.d.Debug}
	rargs, err := flags.RuntimeArgs()
	if err != nil {
		t.removeBundle()
		return nil, err
	}
	m := &launch.Monitor{Binary: mon, Runtime: r.h.Path, RuntimeName: r.h.Name, RuntimeArgs: rargs, Dir: bundle, Periodic: true, Direct: true}
	started, err := launch.Create(ctx, m, req)
	if err != nil {
		// pod-shim stops the shim after a failed create. If pod-shim itself
		// failed, the state file (when written) still finds the shim.
		if st, serr := shimwire.ReadState(bundle); serr == nil {
			t.state = st
		}
		_ = t.Delete(context.WithoutCancel(ctx), true)
		return nil, err
	}
	st, err := shimwire.ReadState(bundle)
	if err != nil {
		return nil, fmt.Errorf("container %s: reading the shim's address: %w", req.Name, err)
	}
	t.state = st
	t.ref.Pid = started.Pid
	t.ref.MonitorPid = started.MonitorPid
	t.ref.Data, _ = json.Marshal(st)
	return t, nil
}

// writeSpecs writes config.json into the container's bundle (the ocirt
// contract) and into the shim bundle, with an absolute root path there.
func writeSpecs(req *ocirt.CreateRequest, shimBundle string) error {
	s := *req.Spec
	s.Version = specVersion
	if s.Root != nil && !filepath.IsAbs(s.Root.Path) {
		root := *s.Root
		root.Path = filepath.Join(req.Bundle, root.Path)
		s.Root = &root
	}
	data, err := json.Marshal(&s)
	if err != nil {
		return fmt.Errorf("encoding config.json: %w", err)
	}
	for _, dir := range []string{req.Bundle, shimBundle} {
		p := filepath.Join(dir, "config.json")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
	}
	return nil
}

// Load implements ocirt.Runtime. It does no I/O, except for a ref without
// Data (a create that a killed pod never recorded): then the state file
// pod-shim wrote into the shim bundle says where the shim is, if it started.
func (r *runtime) Load(ref ocirt.TaskRef) ocirt.Task {
	t := &task{r: r, ref: ref, bundle: ShimBundle(ref.RunDir, ref.ID)}
	if len(ref.Data) > 0 {
		if err := json.Unmarshal(ref.Data, &t.state); err != nil {
			t.loadErr = fmt.Errorf("container %s: stored shim state: %v: %w", ref.ID, err, errdefs.ErrInvalidArgument)
		}
	} else if st, err := shimwire.ReadState(t.bundle); err == nil {
		t.state = st
	}
	if t.state.Bundle != "" {
		t.bundle = t.state.Bundle
	}
	return t
}

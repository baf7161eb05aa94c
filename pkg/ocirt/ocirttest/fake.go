package ocirttest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// FakeKind is the kind of the fake runtime; FakeName is its default
// runtime name (it resolves every "fake-<suffix>" too, so tests can switch
// between fake runtimes).
const (
	FakeKind ocirt.Kind = "fake"
	FakeName string     = "fake"
)

// Fake is a runtime kind for tests that need no root: it runs a container's
// process as a plain child of the calling process, on the host, without
// namespaces, cgroups or a rootfs of its own. It registers as a kind of its
// own (one Driver, like oci and shimv2) and honours the whole on-disk
// contract libpod relies on: exit files in the exit and persist dirs,
// k8s-file logs, the attach socket in the bundle, exec sessions, the exit
// command. So it passes the same conformance suite as the real kinds.
//
// The command "fail-start" makes Start fail with a runtime error (fault
// injection); every other command runs as given (looked up on the host's
// $PATH). Without, the capabilities set false in it, stands for a runtime
// that lacks them (for capability tests).
//
// Tasks live in the driver, so every runtime opened from it shares them (as
// runtimes opened in several pod processes share the real containers).
type Fake struct {
	mu    sync.Mutex
	tasks map[string]*fakeTask
	// Calls records "verb id" for every call, for tests to assert on.
	Calls []string
	// Without lists capabilities the fake reports missing.
	Without []ocirt.Capability
}

// NewFake returns an empty fake driver.
func NewFake() *Fake { return &Fake{tasks: map[string]*fakeTask{}} }

// Kind implements ocirt.Driver.
func (d *Fake) Kind() ocirt.Kind { return FakeKind }

// Resolve implements ocirt.Driver: the fake's names are FakeName and
// FakeName-<suffix>; its "binary" is the running executable (it exists, and
// Missing says so).
func (d *Fake) Resolve(cfg *ocirt.Config, name string) (ocirt.Handle, bool, error) {
	if name != FakeName && !strings.HasPrefix(name, FakeName+"-") {
		return ocirt.Handle{}, false, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return ocirt.Handle{}, true, fmt.Errorf("runtime %q: %v: %w", name, err, errdefs.ErrUnavailable)
	}
	return ocirt.Handle{Name: name, Kind: FakeKind, Path: exe}, true, nil
}

// List implements ocirt.Driver.
func (d *Fake) List(cfg *ocirt.Config) []ocirt.Info {
	h, _, err := d.Resolve(cfg, FakeName)
	if err != nil {
		return []ocirt.Info{{Name: FakeName, Reason: ocirt.Reason(err)}}
	}
	return []ocirt.Info{{Name: FakeName, Path: h.Path, Available: true, Handle: &h}}
}

// Capabilities implements ocirt.Driver: host processes can exec, pause
// (SIGSTOP), pass fds and run without cgroups; the fake gives no terminal
// and no user namespaces. Without turns capabilities off.
func (d *Fake) Capabilities(cfg *ocirt.Config, h ocirt.Handle, features json.RawMessage) ocirt.Caps {
	c := ocirt.Caps{}
	for _, k := range []ocirt.Capability{ocirt.CapExec, ocirt.CapPause, ocirt.CapNoCgroups, ocirt.CapPreserveFDs} {
		c.Set(k, true, "kind", "")
	}
	c.Set(ocirt.CapTerminal, false, "kind", "the fake runs host processes without a pseudo-terminal")
	c.Set(ocirt.CapUserNS, false, "kind", "the fake runs host processes in the caller's namespaces")
	c.ApplyFeatures(features)
	for _, k := range d.Without {
		c.Set(k, false, "fake", "switched off by the test")
	}
	return c
}

// Probe implements ocirt.Driver.
func (d *Fake) Probe(ctx context.Context, path string) (string, json.RawMessage, error) {
	return "fake version 1.0", json.RawMessage(`{"linux":{"namespaces":["mount","pid"]}}`), nil
}

// Open implements ocirt.Driver.
func (d *Fake) Open(h ocirt.Handle) (ocirt.Runtime, error) {
	if h.Kind != FakeKind {
		return nil, fmt.Errorf("runtime %q is of kind %q, not %q: %w", h.Name, h.Kind, FakeKind, errdefs.ErrInvalidArgument)
	}
	return &fakeRuntime{d: d, h: h}, nil
}

func (d *Fake) record(verb, id string) {
	d.Calls = append(d.Calls, verb+" "+id)
}

// Status returns the fake's view of container id ("" when unknown).
func (d *Fake) Status(id string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t, ok := d.tasks[id]; ok {
		return t.status()
	}
	return ""
}

// Close kills every process the fake still runs (a test's cleanup).
func (d *Fake) Close() {
	d.mu.Lock()
	tasks := make([]*fakeTask, 0, len(d.tasks))
	for _, t := range d.tasks {
		tasks = append(tasks, t)
	}
	d.mu.Unlock()
	for _, t := range tasks {
		t.p.kill(syscall.SIGKILL, true)
		<-t.p.done
	}
}

type fakeRuntime struct {
	d *Fake
	h ocirt.Handle
}

func (r *fakeRuntime) Handle() ocirt.Handle { return r.h }

func (r *fakeRuntime) Create(ctx context.Context, req *ocirt.CreateRequest) (ocirt.Task, error) {
	r.d.mu.Lock()
	defer r.d.mu.Unlock()
	r.d.record("create", req.ID)
	if req.Spec == nil || req.Spec.Process == nil || len(req.Spec.Process.Args) == 0 {
		return nil, fmt.Errorf("fake: spec without a process: %w", errdefs.ErrInvalidArgument)
	}
	if _, ok := r.d.tasks[req.ID]; ok {
		return nil, fmt.Errorf("fake: container %s exists: %w", req.ID, errdefs.ErrAlreadyExists)
	}
	if req.IO.Terminal {
		return nil, fmt.Errorf("runtime %q: a terminal is not supported: %w", r.h.Name, errdefs.ErrNotImplemented)
	}
	data, err := json.Marshal(req.Spec)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(req.Bundle, "config.json"), data, 0o600); err != nil {
		return nil, err
	}
	t := &fakeTask{d: r.d, ref: ocirt.TaskRef{ID: req.ID, Bundle: req.Bundle, RunDir: req.RunDir, MonitorPid: os.Getpid()}}
	t.failStart = req.Spec.Process.Args[0] == "fail-start"
	args := req.Spec.Process.Args
	if t.failStart {
		args = []string{"true"}
	}
	t.p, err = spawn(spawnSpec{
		args: args, env: req.Spec.Process.Env, dir: hostDir(req.Spec.Process.Cwd), io: req.IO,
		attachDir: req.Bundle, logPath: logPath(req.Log),
		exitFiles: []string{filepath.Join(req.Exit.Dir, req.ID), filepath.Join(req.Exit.PersistDir, "exit")},
		exit:      req.Exit,
	})
	if err != nil {
		return nil, err
	}
	t.ref.Pid = t.p.pid
	r.d.tasks[req.ID] = t
	return t, nil
}

// hostDir is where a host process of the fake runs: the spec's cwd when the
// host has it, else /.
func hostDir(cwd string) string {
	if fi, err := os.Stat(cwd); err == nil && fi.IsDir() {
		return cwd
	}
	return "/"
}

func logPath(l ocirt.Log) string {
	if l.Driver == "" || l.Driver == ocirt.LogK8sFile {
		return l.Path
	}
	return ""
}

func (r *fakeRuntime) Load(ref ocirt.TaskRef) ocirt.Task {
	r.d.mu.Lock()
	defer r.d.mu.Unlock()
	if t, ok := r.d.tasks[ref.ID]; ok {
		return t
	}
	return &fakeTask{d: r.d, ref: ref, gone: true}
}

type fakeTask struct {
	d         *Fake
	ref       ocirt.TaskRef
	p         *hostProc
	failStart bool
	gone      bool
}

func (t *fakeTask) Ref() ocirt.TaskRef { return t.ref }

func (t *fakeTask) status() string {
	if t.gone || t.p == nil {
		return "gone"
	}
	return t.p.status()
}

func (t *fakeTask) Start(ctx context.Context) error {
	t.d.mu.Lock()
	t.d.record("start", t.ref.ID)
	t.d.mu.Unlock()
	if st := t.status(); st != "created" {
		return ocirt.RuntimeError("fake", "container "+t.ref.ID+" is "+st+", not created")
	}
	if t.failStart {
		return ocirt.RuntimeError("fake", "start failed on purpose")
	}
	t.p.start()
	return nil
}

func (t *fakeTask) Kill(ctx context.Context, sig syscall.Signal, all bool) error {
	t.d.mu.Lock()
	t.d.record("kill "+fmt.Sprint(int(sig)), t.ref.ID)
	t.d.mu.Unlock()
	switch t.status() {
	case "created", "running", "paused":
		t.p.kill(sig, all)
		return nil
	}
	return ocirt.RuntimeError("fake", "container not running")
}

func (t *fakeTask) Delete(ctx context.Context, force bool) error {
	t.d.mu.Lock()
	t.d.record("delete", t.ref.ID)
	t.d.mu.Unlock()
	switch st := t.status(); {
	case st == "gone":
		return nil
	case (st == "running" || st == "paused") && !force:
		return ocirt.RuntimeError("fake", "cannot delete a running container")
	case st != "stopped":
		t.p.kill(syscall.SIGKILL, true)
	}
	select {
	case <-t.p.done:
	case <-ctx.Done():
		return fmt.Errorf("fake: deleting %s: %w", t.ref.ID, ctx.Err())
	}
	t.d.mu.Lock()
	delete(t.d.tasks, t.ref.ID)
	t.gone = true
	t.d.mu.Unlock()
	return nil
}

func (t *fakeTask) Pause(ctx context.Context) error  { return t.freeze("running", true) }
func (t *fakeTask) Resume(ctx context.Context) error { return t.freeze("paused", false) }

func (t *fakeTask) State(ctx context.Context) (ocirt.State, error) {
	return ocirt.State{Status: t.status(), Pid: t.ref.Pid}, nil
}

func (t *fakeTask) freeze(from string, stop bool) error {
	t.d.mu.Lock()
	t.d.record(map[bool]string{true: "pause", false: "resume"}[stop], t.ref.ID)
	t.d.mu.Unlock()
	if st := t.status(); st != from {
		return ocirt.RuntimeError("fake", "container is "+st)
	}
	t.p.freeze(stop)
	return nil
}

// Update implements ocirt.Updater (it only records the call: host
// processes have no cgroup of their own).
func (t *fakeTask) Update(ctx context.Context, res *specs.LinuxResources) error {
	t.d.mu.Lock()
	defer t.d.mu.Unlock()
	t.d.record("update", t.ref.ID)
	return nil
}

// Exec implements ocirt.Execer: one more host process, with its attach
// socket in req.Dir and its exit code in req.Dir/exit/<container id>.
func (t *fakeTask) Exec(ctx context.Context, req *ocirt.ExecRequest) (ocirt.ExecProcess, error) {
	if st := t.status(); st != "running" {
		return nil, ocirt.RuntimeError("fake", "container is "+st+", not running")
	}
	if req.IO.Terminal {
		return nil, fmt.Errorf("runtime fake: a terminal is not supported: %w", errdefs.ErrNotImplemented)
	}
	exitDir := filepath.Join(req.Dir, "exit")
	if err := os.MkdirAll(exitDir, 0o700); err != nil {
		return nil, err
	}
	p, err := spawn(spawnSpec{
		args: req.Process.Args, env: req.Process.Env, dir: hostDir(req.Process.Cwd), io: req.IO,
		attachDir: req.Dir, exitFiles: []string{filepath.Join(exitDir, t.ref.ID)}, exit: req.Exit,
	})
	if err != nil {
		return nil, err
	}
	if req.Attach != nil {
		if err := req.Attach(filepath.Join(req.Dir, "attach")); err != nil {
			p.kill(syscall.SIGKILL, true)
			return nil, err
		}
	}
	p.start()
	return p, nil
}

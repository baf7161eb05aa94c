package ocirttest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// Fake is a runtime driver for libpod's unit tests: no processes, no root.
// It registers as the OCI kind, keeps its tasks in memory and honours the
// exit-file contract. A container's command decides what it does:
//
//	exit N     exits with N as soon as it starts
//	fail-start Start fails with a runtime error
//	anything   runs until killed (exit code 128+signal)
//
// Tasks live in the driver, so every runtime opened from it shares them (as
// runtimes opened in several pod processes share the real containers).
type Fake struct {
	mu    sync.Mutex
	tasks map[string]*fakeTask
	// Calls records "verb id" for every call, for tests to assert on.
	Calls []string
}

// NewFake returns an empty fake driver.
func NewFake() *Fake { return &Fake{tasks: map[string]*fakeTask{}} }

type fakeTask struct {
	d      *Fake
	ref    ocirt.TaskRef
	req    ocirt.CreateRequest
	status string
}

// Kind implements ocirt.Driver.
func (d *Fake) Kind() ocirt.Kind { return ocirt.KindOCI }

// Probe implements ocirt.Driver.
func (d *Fake) Probe(ctx context.Context, path string) (string, json.RawMessage, error) {
	return "fake version 1.0", nil, nil
}

// Open implements ocirt.Driver.
func (d *Fake) Open(h ocirt.Handle) (ocirt.Runtime, error) {
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
		return t.status
	}
	return ""
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
	if req.Spec.Process.Args[0] == "/no/such/binary" {
		return nil, ocirt.RuntimeError("fake", "executable file `/no/such/binary` not found in $PATH: No such file or directory")
	}
	data, err := json.Marshal(req.Spec)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(req.Bundle, "config.json"), data, 0o600); err != nil {
		return nil, err
	}
	t := &fakeTask{d: r.d, req: *req, status: "created",
		ref: ocirt.TaskRef{ID: req.ID, Bundle: req.Bundle, RunDir: req.RunDir, Pid: os.Getpid(), MonitorPid: os.Getpid()}}
	r.d.tasks[req.ID] = t
	return t, nil
}

func (r *fakeRuntime) Load(ref ocirt.TaskRef) ocirt.Task {
	r.d.mu.Lock()
	defer r.d.mu.Unlock()
	if t, ok := r.d.tasks[ref.ID]; ok {
		return t
	}
	return &fakeTask{d: r.d, ref: ref, status: "gone"}
}

func (t *fakeTask) Ref() ocirt.TaskRef { return t.ref }

// exit writes the exit files as a monitor would.
func (t *fakeTask) exit(code int) error {
	t.status = "stopped"
	if err := conmon.WriteExitFile(filepath.Join(t.req.ExitDir, t.ref.ID), code); err != nil {
		return err
	}
	return conmon.WriteExitFile(filepath.Join(t.req.PersistDir, "exit"), code)
}

func (t *fakeTask) Start(ctx context.Context) error {
	t.d.mu.Lock()
	defer t.d.mu.Unlock()
	t.d.record("start", t.ref.ID)
	if t.status != "created" {
		return ocirt.RuntimeError("fake", "container "+t.ref.ID+" is "+t.status+", not created")
	}
	args := t.req.Spec.Process.Args
	switch {
	case args[0] == "fail-start":
		return ocirt.RuntimeError("fake", "start failed on purpose")
	case args[0] == "exit" && len(args) > 1:
		code, err := strconv.Atoi(args[1])
		if err != nil {
			return err
		}
		t.status = "running"
		return t.exit(code)
	}
	t.status = "running"
	return nil
}

func (t *fakeTask) Kill(ctx context.Context, sig syscall.Signal, all bool) error {
	t.d.mu.Lock()
	defer t.d.mu.Unlock()
	t.d.record("kill "+strconv.Itoa(int(sig)), t.ref.ID)
	switch t.status {
	case "running", "paused":
		return t.exit(128 + int(sig))
	case "created":
		return t.exit(128 + int(sig))
	}
	return ocirt.RuntimeError("fake", "container not running")
}

func (t *fakeTask) Delete(ctx context.Context, force bool) error {
	t.d.mu.Lock()
	defer t.d.mu.Unlock()
	t.d.record("delete", t.ref.ID)
	if (t.status == "running" || t.status == "paused") && !force {
		return ocirt.RuntimeError("fake", "cannot delete a running container")
	}
	delete(t.d.tasks, t.ref.ID)
	t.status = "gone"
	return nil
}

func (t *fakeTask) Pause(ctx context.Context) error  { return t.freeze("running", "paused") }
func (t *fakeTask) Resume(ctx context.Context) error { return t.freeze("paused", "running") }
func (t *fakeTask) State(ctx context.Context) (ocirt.State, error) {
	t.d.mu.Lock()
	defer t.d.mu.Unlock()
	return ocirt.State{Status: t.status, Pid: t.ref.Pid}, nil
}

func (t *fakeTask) freeze(from, to string) error {
	t.d.mu.Lock()
	defer t.d.mu.Unlock()
	t.d.record(to, t.ref.ID)
	if t.status != from {
		return ocirt.RuntimeError("fake", "container is "+t.status)
	}
	t.status = to
	return nil
}

// Update implements ocirt.Updater (it only records the call).
func (t *fakeTask) Update(ctx context.Context, res *specs.LinuxResources) error {
	t.d.mu.Lock()
	defer t.d.mu.Unlock()
	t.d.record("update", t.ref.ID)
	return nil
}

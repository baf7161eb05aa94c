// Package ocirttest holds the conformance suite every runtime kind must pass
// (the fake, runc, crun, runsc, shim v2), and the fake runtime libpod's unit
// tests use. The suite drives a Runtime only through the ocirt interfaces
// and checks the on-disk contract of package conmon (exit files, k8s-file
// log, attach socket), which is all libpod relies on.
package ocirttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/conmon/conmontest"
	"github.com/pod-engine/pod/pkg/conmon/k8sfile"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// Config says what the suite runs against.
type Config struct {
	// Open rebuilds the runtime from a handle, as a later pod process would.
	Open func(h ocirt.Handle) (ocirt.Runtime, error)
	// Runtime is the runtime under test.
	Runtime ocirt.Runtime
	// Spec adapts the default busybox spec (nil: unchanged).
	Spec func(*specs.Spec)
	// Timeout bounds each wait (default 20 s; gVisor is slow).
	Timeout time.Duration
}

// container is one container the suite created.
type container struct {
	t      *testing.T
	cfg    *Config
	req    *ocirt.CreateRequest
	task   ocirt.Task
	bundle *conmontest.Bundle
}

func (cfg *Config) timeout() time.Duration {
	if cfg.Timeout == 0 {
		return 20 * time.Second
	}
	return cfg.Timeout
}

// create makes a container running args, with its dirs under a temp dir.
func (cfg *Config) create(t *testing.T, tweak func(*ocirt.CreateRequest), args ...string) (*container, error) {
	t.Helper()
	dir := t.TempDir()
	id := conmontest.NewID()
	// The shim kind needs the bundle's base name to be the task ID.
	b, err := conmontest.MakeBundle(filepath.Join(dir, id), args...)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Spec != nil {
		cfg.Spec(b.Spec)
	}
	runDir := filepath.Join(dir, "run")
	exitDir := filepath.Join(dir, "exits")
	persist := filepath.Join(dir, "persist")
	for _, d := range []string{runDir, exitDir, persist} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	req := &ocirt.CreateRequest{
		ID: id, Name: "conformance-" + id[:8], Spec: b.Spec, Bundle: b.Dir, RunDir: runDir,
		Exit: ocirt.Exit{Dir: exitDir, PersistDir: persist},
		Log:  ocirt.Log{Driver: ocirt.LogK8sFile, Path: filepath.Join(dir, "ctr.log")}, Timeout: cfg.timeout(),
	}
	if tweak != nil {
		tweak(req)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout())
	defer cancel()
	task, err := cfg.Runtime.Create(ctx, req)
	c := &container{t: t, cfg: cfg, req: req, task: task, bundle: b}
	if err == nil {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout())
			defer cancel()
			_ = task.Kill(ctx, syscall.SIGKILL, false)
			_ = task.Delete(ctx, true)
		})
	}
	return c, err
}

func (c *container) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.cfg.timeout())
}

// exit waits for the exit file and returns the code.
func (c *container) exit() int {
	c.t.Helper()
	ctx, cancel := c.ctx()
	defer cancel()
	st, err := conmon.WaitExitFile(ctx, filepath.Join(c.req.Exit.Dir, c.req.ID), c.req.Exit.PersistDir, nil)
	if err != nil {
		c.t.Fatalf("waiting for the exit file of %s: %v", c.req.ID, err)
	}
	return st.Code
}

// logText returns the container's log as "stream content" lines.
func (c *container) logText() string {
	c.t.Helper()
	var b strings.Builder
	ctx, cancel := c.ctx()
	defer cancel()
	err := k8sfile.ReadLog(ctx, c.req.Log.Path, k8sfile.Options{Tail: -1}, func(l k8sfile.Line) error {
		b.WriteString(l.Stream + " " + string(l.Content) + "\n")
		return nil
	})
	if err != nil {
		c.t.Fatalf("reading log %s: %v", c.req.Log.Path, err)
	}
	return b.String()
}

// RunRegistered runs the conformance suite against runtime name as libpod
// gets it: resolved by reg, which asks every kind registered in it, and
// reopened from its handle by reg. Every kind's test calls it.
func RunRegistered(t *testing.T, reg *ocirt.Registry, name string, cfg Config) {
	h, err := reg.Resolve(name)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Runtime, err = reg.Open(h); err != nil {
		t.Fatal(err)
	}
	cfg.Open = reg.Open
	Run(t, cfg)
}

// Run runs the conformance suite.
func Run(t *testing.T, cfg Config) {
	t.Run("CreateStartExitCodeAndLog", func(t *testing.T) { testExit(t, &cfg) })
	t.Run("KillRunning", func(t *testing.T) { testKill(t, &cfg) })
	t.Run("ReopenFromHandle", func(t *testing.T) { testReopen(t, &cfg) })
	t.Run("AttachFraming", func(t *testing.T) { testAttach(t, &cfg) })
	t.Run("CreateFailureIsClassified", func(t *testing.T) { testCreateFailure(t, &cfg) })
	t.Run("PauseResume", func(t *testing.T) { testPause(t, &cfg) })
	t.Run("Exec", func(t *testing.T) { testExec(t, &cfg) })
	t.Run("DeleteIsIdempotent", func(t *testing.T) { testDelete(t, &cfg) })
}

func testExit(t *testing.T, cfg *Config) {
	c, err := cfg.create(t, nil, "sh", "-c", "echo to-out; echo to-err >&2; exit 3")
	if err != nil {
		t.Fatal(err)
	}
	ref := c.task.Ref()
	if ref.ID != c.req.ID || ref.Pid <= 0 {
		t.Fatalf("created task ref %+v: want ID %s and a pid", ref, c.req.ID)
	}
	ctx, cancel := c.ctx()
	defer cancel()
	if err := c.task.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if code := c.exit(); code != 3 {
		t.Fatalf("exit code %d, want 3", code)
	}
	persisted, err := os.ReadFile(filepath.Join(c.req.Exit.PersistDir, "exit"))
	if err != nil || string(persisted) != "3" {
		t.Fatalf("persist dir exit file: %q, %v", persisted, err)
	}
	log := c.logText()
	if !strings.Contains(log, "stdout to-out\n") || !strings.Contains(log, "stderr to-err\n") {
		t.Fatalf("log does not hold both streams:\n%s", log)
	}
	if err := c.task.Delete(ctx, false); err != nil {
		t.Fatalf("delete of an exited container: %v", err)
	}
}

func testKill(t *testing.T, cfg *Config) {
	c, err := cfg.create(t, nil, "sleep", "100")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := c.ctx()
	defer cancel()
	if err := c.task.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.task.Kill(ctx, syscall.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	if code := c.exit(); code != 137 {
		t.Fatalf("exit code after SIGKILL %d, want 137", code)
	}
}

func testReopen(t *testing.T, cfg *Config) {
	c, err := cfg.create(t, nil, "sleep", "100")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := c.ctx()
	defer cancel()
	if err := c.task.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// A later process knows only the handle and the stored ref.
	h := cfg.Runtime.Handle()
	data, _ := json.Marshal(h)
	var stored ocirt.Handle
	if err := json.Unmarshal(data, &stored); err != nil {
		t.Fatal(err)
	}
	rt, err := cfg.Open(stored)
	if err != nil {
		t.Fatal(err)
	}
	refData, _ := json.Marshal(c.task.Ref())
	var ref ocirt.TaskRef
	if err := json.Unmarshal(refData, &ref); err != nil {
		t.Fatal(err)
	}
	again := rt.Load(ref)
	if s, ok := again.(ocirt.Stater); ok {
		st, err := s.State(ctx)
		if err != nil || st.Status != "running" {
			t.Fatalf("state through the reopened task: %+v, %v", st, err)
		}
	}
	// (SIGTERM would be ignored: sleep is the namespace's init without a handler.)
	if err := again.Kill(ctx, syscall.SIGKILL, true); err != nil {
		t.Fatal(err)
	}
	if code := c.exit(); code != 137 {
		t.Fatalf("exit code after SIGKILL to every process %d, want 137", code)
	}
	if err := again.Delete(ctx, false); err != nil {
		t.Fatal(err)
	}
}

func testAttach(t *testing.T, cfg *Config) {
	c, err := cfg.create(t, func(r *ocirt.CreateRequest) { r.IO.Stdin = true },
		"sh", "-c", "read line; echo got-$line; echo err-$line >&2")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.Dial(filepath.Join(c.req.Bundle, conmon.AttachName))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := c.ctx()
	defer cancel()
	if err := c.task.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err = conn.Stream(ctx, client.AttachOptions{Stdin: strings.NewReader("hello\n"), Stdout: &out, Stderr: &errOut})
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "got-hello\n" || errOut.String() != "err-hello\n" {
		t.Fatalf("attach stdout %q stderr %q", out.String(), errOut.String())
	}
	if code := c.exit(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

func testCreateFailure(t *testing.T, cfg *Config) {
	_, err := cfg.create(t, nil, "/no/such/binary")
	if err == nil {
		// Some runtimes (runsc, shims) only fail at start.
		return
	}
	if !errors.Is(err, errdefs.ErrCommandNotFound) {
		t.Fatalf("create of a missing command: %v, want an ErrCommandNotFound", err)
	}
}

func testPause(t *testing.T, cfg *Config) {
	c, err := cfg.create(t, nil, "sleep", "100")
	if err != nil {
		t.Fatal(err)
	}
	p, ok := c.task.(ocirt.Pauser)
	if !ok {
		t.Skip("runtime cannot pause")
	}
	ctx, cancel := c.ctx()
	defer cancel()
	if err := c.task.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if s, ok := c.task.(ocirt.Stater); ok {
		// cgroup v1's freezer goes through FREEZING, which crun's state
		// reports as running, when the host is busy: the state must become
		// paused, not at once.
		var st ocirt.State
		var err error
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if st, err = s.State(ctx); (err == nil && st.Status == "paused") || time.Now().After(deadline) {
				break
			}
		}
		if err != nil || st.Status != "paused" {
			t.Fatalf("state after pause: %+v, %v", st, err)
		}
	}
	if err := p.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.task.Kill(ctx, syscall.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	if code := c.exit(); code != 137 {
		t.Fatalf("exit code %d", code)
	}
}

func testExec(t *testing.T, cfg *Config) {
	c, err := cfg.create(t, nil, "sleep", "100")
	if err != nil {
		t.Fatal(err)
	}
	ex, ok := c.task.(ocirt.Execer)
	if !ok {
		t.Skip("runtime cannot exec")
	}
	ctx, cancel := c.ctx()
	defer cancel()
	if err := c.task.Start(ctx); err != nil {
		t.Fatal(err)
	}
	proc := *c.req.Spec.Process
	proc.Args = []string{"sh", "-c", "echo exec-out; exit 5"}
	var conn *client.AttachConn
	dir := filepath.Join(filepath.Dir(c.req.RunDir), "exec1")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p, err := ex.Exec(ctx, &ocirt.ExecRequest{
		SessionID: conmontest.NewID(), Dir: dir, Process: &proc,
		Attach: func(sock string) (err error) { conn, err = client.Dial(sock); return err },
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := conn.Stream(ctx, client.AttachOptions{Stdout: &out, Stderr: &out}); err != nil {
		t.Fatal(err)
	}
	code, err := p.Wait(ctx)
	if err != nil || code != 5 {
		t.Fatalf("exec exit code %d, %v; want 5", code, err)
	}
	if out.String() != "exec-out\n" {
		t.Fatalf("exec output %q", out.String())
	}
}

func testDelete(t *testing.T, cfg *Config) {
	c, err := cfg.create(t, nil, "true")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := c.ctx()
	defer cancel()
	if err := c.task.Delete(ctx, true); err != nil {
		t.Fatalf("delete --force of a created container: %v", err)
	}
	if err := c.task.Delete(ctx, true); err != nil {
		t.Fatalf("second delete: %v", err)
	}
}

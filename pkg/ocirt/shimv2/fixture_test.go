package shimv2

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/k8sfile"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/internal/testutil"
	"github.com/pod-engine/pod/pkg/pidwatch"
)

// podShim is the pod-shim binary built for the tests.
var podShim string

func TestMain(m *testing.M) {
	code := func() int {
		if os.Geteuid() == 0 {
			dir, err := os.MkdirTemp("", "pod-shim-bin")
			if err != nil {
				panic(err)
			}
			defer os.RemoveAll(dir)
			podShim = filepath.Join(dir, "pod-shim")
			args := []string{"build", "-o", podShim}
			if os.Getenv("POD_SHIM_RACE") != "" {
				args = append(args, "-race") // pod-shim itself under the race detector
			}
			out, err := exec.Command("go", append(args, "github.com/pod-engine/pod/cmd/pod-shim")...).CombinedOutput()
			if err != nil {
				panic("building pod-shim: " + err.Error() + "\n" + string(out))
			}
		}
		return m.Run()
	}()
	os.Exit(code)
}

// fixture is one test's shim runtime, rootfs and directories.
type fixture struct {
	t       testing.TB
	dir     string
	rootfs  string
	exitDir string
	ns      string
	driver  Driver
	rt      ocirt.Runtime
}

func newFixture(t testing.TB, shimPath string) *fixture {
	t.Helper()
	testutil.RequireRoot(t)
	testutil.RequireBinary(t, shimPath)
	f := &fixture{t: t, dir: t.TempDir(), ns: testutil.UniqueID("podtest")}
	f.rootfs = testutil.Rootfs(t, f.dir)
	f.exitDir = filepath.Join(f.dir, "exits")
	os.MkdirAll(f.exitDir, 0o700)
	f.driver = Driver{Monitor: podShim, Namespace: f.ns, HashAddress: "/run/pod-test/" + f.ns}
	reg := ocirt.NewRegistry(ocirt.Config{ShimDirs: []string{filepath.Dir(shimPath)}}, f.driver)
	h, err := reg.Resolve("io.containerd.runc.v2")
	if err != nil {
		t.Fatal(err)
	}
	if h.Path != shimPath {
		t.Fatalf("resolved %s, want %s", h.Path, shimPath)
	}
	if f.rt, err = reg.Open(h); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(filepath.Join("/run/containerd/runc", f.ns)) })
	return f
}

// request builds a create request for a container running args.
func (f *fixture) request(terminal, stdin bool, args ...string) *ocirt.CreateRequest {
	id := testutil.UniqueID("ctr")
	base := filepath.Join(f.dir, id)
	req := &ocirt.CreateRequest{
		ID:     id,
		Name:   "n-" + id,
		Spec:   testutil.Spec(f.rootfs, terminal, args...),
		Bundle: filepath.Join(base, "userdata"),
		RunDir: filepath.Join(base, "run"),
		Exit: ocirt.Exit{Dir: f.exitDir, PersistDir: filepath.Join(base, "persist"),
			Command: []string{"/bin/sh", "-c", "echo ran > " + filepath.Join(base, "exitcmd")}},
		IO:  ocirt.IO{Terminal: terminal, Stdin: stdin},
		Log: ocirt.Log{Driver: ocirt.LogK8sFile, Path: filepath.Join(base, "ctr.log")},
	}
	for _, d := range []string{req.Bundle, req.RunDir, req.Exit.PersistDir} {
		os.MkdirAll(d, 0o700)
	}
	return req
}

func (f *fixture) create(req *ocirt.CreateRequest) ocirt.Task {
	f.t.Helper()
	tk, err := f.rt.Create(context.Background(), req)
	if err != nil {
		f.t.Fatalf("create: %v", err)
	}
	f.t.Cleanup(func() {
		_ = tk.Delete(context.Background(), true)
		// pod-shim finishes on its own (exit files, exit command); let it
		// before the test's directories go.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = pidwatch.WaitExit(ctx, tk.Ref().MonitorPid, 0)
	})
	return tk
}

// waitExit waits for the container's exit file.
func (f *fixture) waitExit(req *ocirt.CreateRequest, mon int) conmon.ExitStatus {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := conmon.WaitExitFile(ctx, filepath.Join(req.Exit.Dir, req.ID), req.Exit.PersistDir, nil)
	if err != nil {
		f.t.Fatalf("waiting for the exit file: %v", err)
	}
	p, err := conmon.ReadExitFile(filepath.Join(req.Exit.PersistDir, "exit"), "")
	if err != nil || p.Code != st.Code {
		f.t.Errorf("persist exit file: %+v %v, exit dir says %d", p, err, st.Code)
	}
	return st
}

// waitFile waits until path exists.
func waitFile(t testing.TB, path string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// logLines reads the container's k8s-file log as "stream content" lines.
func logLines(t testing.TB, path string) []string {
	t.Helper()
	var out []string
	err := k8sfile.ReadLog(context.Background(), path, k8sfile.Options{Tail: -1}, func(l k8sfile.Line) error {
		out = append(out, l.Stream+" "+string(l.Content))
		return nil
	})
	if err != nil {
		t.Fatalf("reading log %s: %v", path, err)
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu chan struct{}
	b  bytes.Buffer
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{mu: make(chan struct{}, 1)} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.String()
}

// shims lists the shim binaries to run every test against.
func shims(t *testing.T, fn func(t *testing.T, shim string)) {
	all := testutil.Shims()
	if len(all) == 0 {
		t.Skip("no containerd runc shim installed")
	}
	for label, p := range all {
		t.Run(label, func(t *testing.T) { fn(t, p) })
	}
}

func contains(lines []string, want string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) == want {
			return true
		}
	}
	return false
}

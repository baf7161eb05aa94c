package libpod

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/ocirttest"
)

// newTestRuntime returns a runtime over temp dirs driven by the fake runtime.
func newTestRuntime(t *testing.T) (*Runtime, *ocirttest.Fake) {
	t.Helper()
	dir := t.TempDir()
	// Containers a test leaves running keep their /dev/shm tmpfs mounted
	// (container_shm.go): unmount them before the directory goes.
	t.Cleanup(func() { unmountUnder(dir) })
	fake := ocirttest.NewFake()
	t.Cleanup(fake.Close)
	var warnings []string
	r, err := NewRuntime(Options{
		Root: filepath.Join(dir, "root"), RunRoot: filepath.Join(dir, "run"), TmpDir: filepath.Join(dir, "tmp"),
		Conmon: "/bin/sh", Executable: "/bin/true", Drivers: []ocirt.Driver{fake},
		Warnf: func(f string, a ...any) { warnings = append(warnings, f) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Shutdown)
	// The fake kind runs host processes: no network namespace to set up.
	r.cfg.Containers.NetNS = "none"
	return r, fake
}

func newTestContainer(t *testing.T, r *Runtime, name string, cmd ...string) *Container {
	t.Helper()
	rootfs := t.TempDir()
	c, err := r.CreateContainer(context.Background(), &CreateOptions{
		Runtime: ocirttest.FakeName,
		Spec:    specgen.Options{Name: name, Rootfs: rootfs, Command: cmd},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLifecycleThroughTheStateTable(t *testing.T) {
	r, fake := newTestRuntime(t)
	ctx := context.Background()
	c := newTestContainer(t, r, "web", "sleep", "1000")
	if c.Status() != StatusConfigured {
		t.Fatalf("new container is %s", c.Status())
	}
	if err := c.Start(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got := fake.Status(c.ID()); got != "running" {
		t.Fatalf("runtime says %q after start", got)
	}
	if err := c.Start(ctx, nil); err != nil {
		t.Fatalf("second start: %v, want nothing done (as Podman)", err)
	}
	if err := c.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(ctx, RemoveOptions{}); !errors.Is(err, errdefs.ErrConflict) {
		t.Fatalf("rm of a paused container without force: %v", err)
	}
	if err := c.Unpause(ctx); err != nil {
		t.Fatal(err)
	}
	zero := uint(0)
	if err := c.Stop(ctx, &zero); err != nil {
		t.Fatal(err)
	}
	again, err := r.LookupContainer("web")
	if err != nil {
		t.Fatal(err)
	}
	if again.Status() != StatusExited || again.State().ExitCode != 137 {
		t.Fatalf("after stop -t 0: %s, exit code %d", again.Status(), again.State().ExitCode)
	}
	if fake.Status(c.ID()) != "" {
		t.Fatalf("runtime state not deleted by cleanup: %q", fake.Status(c.ID()))
	}
	// A stopped container starts again.
	if err := c.Start(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(ctx, RemoveOptions{Force: true, Timeout: &zero}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.LookupContainer("web"); !errors.Is(err, errdefs.ErrNotFound) {
		t.Fatalf("after rm -f: %v", err)
	}
	if _, err := os.Stat(c.staticDir()); !os.IsNotExist(err) {
		t.Fatalf("container dir left behind: %v", err)
	}
}

func TestExitCodeFromExitFileAndAfterRemoval(t *testing.T) {
	r, _ := newTestRuntime(t)
	ctx := context.Background()
	c := newTestContainer(t, r, "job", "sh", "-c", "exit 7")
	if err := c.Start(ctx, nil); err != nil {
		t.Fatal(err)
	}
	code, err := c.Wait(ctx)
	if err != nil || code != 7 {
		t.Fatalf("wait: %d, %v", code, err)
	}
	// The monitor's exit command removes it (run --rm); a waiter still gets the code.
	other, _ := r.LookupContainer("job")
	if err := c.Cleanup(ctx, CleanupOptions{StoppedOnly: true, Remove: true}); err != nil {
		t.Fatal(err)
	}
	code, err = other.Wait(ctx)
	if err != nil || code != 7 {
		t.Fatalf("wait on a removed container: %d, %v", code, err)
	}
}

func TestStartFailureLeavesAStartableContainer(t *testing.T) {
	r, fake := newTestRuntime(t)
	c := newTestContainer(t, r, "bad", "fail-start")
	err := c.Start(context.Background(), nil)
	if !errors.Is(err, errdefs.ErrRuntime) || !strings.Contains(err.Error(), "start failed on purpose") {
		t.Fatalf("start: %v", err)
	}
	got, _ := r.LookupContainer("bad")
	if got.Status() != StatusConfigured {
		t.Fatalf("after a failed start the container is %s", got.Status())
	}
	if fake.Status(c.ID()) != "" {
		t.Fatal("the runtime state of a failed start was not deleted")
	}
}

func TestCreateErrors(t *testing.T) {
	r, _ := newTestRuntime(t)
	newTestContainer(t, r, "taken", "x")
	cases := map[string]*CreateOptions{
		"duplicate name":  {Runtime: ocirttest.FakeName, Spec: specgen.Options{Name: "taken", Rootfs: t.TempDir(), Command: []string{"x"}}},
		"bad name":        {Runtime: ocirttest.FakeName, Spec: specgen.Options{Name: "a/b", Rootfs: t.TempDir(), Command: []string{"x"}}},
		"unknown runtime": {Runtime: "nosuchruntime", Spec: specgen.Options{Rootfs: t.TempDir(), Command: []string{"x"}}},
		"runtime with /":  {Runtime: "a/b", Spec: specgen.Options{Rootfs: t.TempDir(), Command: []string{"x"}}},
		"no image":        {Runtime: ocirttest.FakeName, Spec: specgen.Options{Command: []string{"x"}}},
		"relative rootfs": {Runtime: ocirttest.FakeName, Spec: specgen.Options{Rootfs: "rel", Command: []string{"x"}}},
		"no command":      {Runtime: ocirttest.FakeName, Spec: specgen.Options{Rootfs: t.TempDir()}},
	}
	for name, o := range cases {
		if _, err := r.CreateContainer(context.Background(), o); err == nil || errdefs.ExitCode(err) != errdefs.ExitEngine {
			t.Errorf("%s: %v (exit code %d), want an error with exit code 125", name, err, errdefs.ExitCode(err))
		}
	}
}

func TestRenameAndSwitchRuntime(t *testing.T) {
	r, _ := newTestRuntime(t)
	c := newTestContainer(t, r, "old", "sleep", "1000")
	if err := c.Rename("new"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.LookupContainer("new"); err != nil {
		t.Fatal(err)
	}
	h, err := c.SetRuntime("fake-other")
	if err != nil {
		t.Fatal(err)
	}
	if h.Name != "fake-other" {
		t.Fatalf("switched to %+v", h)
	}
	got, _ := r.LookupContainer("new")
	if got.Config().Runtime.Name != "fake-other" {
		t.Fatalf("switch not recorded: %+v", got.Config().Runtime)
	}
	if err := c.Start(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetRuntime(ocirttest.FakeName); !errors.Is(err, errdefs.ErrConflict) {
		t.Fatalf("switching a running container: %v", err)
	}
}

func TestStateTable(t *testing.T) {
	legal := [][2]Status{{StatusConfigured, StatusCreated}, {StatusCreated, StatusRunning}, {StatusRunning, StatusPaused},
		{StatusPaused, StatusRunning}, {StatusRunning, StatusStopped}, {StatusStopped, StatusExited}, {StatusExited, StatusCreated}}
	for _, p := range legal {
		if err := canTransition("c", p[0], p[1]); err != nil {
			t.Errorf("%s → %s refused: %v", p[0], p[1], err)
		}
	}
	illegal := [][2]Status{{StatusConfigured, StatusRunning}, {StatusExited, StatusRunning}, {StatusPaused, StatusCreated}, {StatusRemoving, StatusRunning}}
	for _, p := range illegal {
		if err := canTransition("c", p[0], p[1]); !errors.Is(err, errdefs.ErrConflict) {
			t.Errorf("%s → %s allowed", p[0], p[1])
		}
	}
	for s := range transitions {
		for _, to := range transitions[s] {
			if _, ok := transitions[to]; !ok {
				t.Errorf("state %s has no row in the table", to)
			}
		}
	}
}

func TestRefreshAfterReboot(t *testing.T) {
	r, _ := newTestRuntime(t)
	ctx := context.Background()
	running := newTestContainer(t, r, "running", "sleep", "1000")
	created := newTestContainer(t, r, "created", "sleep", "1000")
	if err := running.Start(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := created.lockAndSync(); err != nil {
		t.Fatal(err)
	}
	if _, err := created.init(ctx, false, false, nil); err != nil {
		t.Fatal(err)
	}
	created.unlock()
	// A reboot empties tmp_dir; the next pod process notices.
	if err := os.RemoveAll(r.paths.TmpDir); err != nil {
		t.Fatal(err)
	}
	r2, err := NewRuntime(r.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Shutdown()
	got, err := r2.LookupContainer("running")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status() != StatusExited || got.State().ExitCode != -1 || got.State().Task.Pid != 0 {
		t.Fatalf("running container after reboot: %s code %d pid %d", got.Status(), got.State().ExitCode, got.State().Task.Pid)
	}
	if got, _ := r2.LookupContainer("created"); got.Status() != StatusConfigured {
		t.Fatalf("created container after reboot: %s", got.Status())
	}
}

// unmountUnder detaches every mount below dir.
func unmountUnder(dir string) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
			_ = unix.Unmount(f[4], unix.MNT_DETACH)
		}
	}
}

package monitor_test

// Tests of --run (create and start in one `runtime run --detach`) under
// the real runtimes. The test binary itself is the monitor: started with
// envAsMonitor it runs monitor.Main, as cmd/pod-conmon does.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/conmon/conmontest"
	"github.com/pod-engine/pod/pkg/conmon/monitor"
)

const envAsMonitor = "_POD_CONMON_TEST_AS_MONITOR"

func TestMain(m *testing.M) {
	if os.Getenv(envAsMonitor) != "" {
		os.Exit(monitor.Main(os.Args))
	}
	os.Exit(m.Run())
}

// runCtr is one container run with --run, with Podman's file layout.
type runCtr struct {
	t    *testing.T
	rt   *conmontest.Runtime
	b    *conmontest.Bundle
	dir  string
	args conmon.Args
}

func newRunCtr(t *testing.T, rt *conmontest.Runtime, args ...string) *runCtr {
	b := conmontest.NewBundle(t, args...)
	dir, a := conmontest.PodmanArgs(t, rt, b)
	a.Run = true
	return &runCtr{t: t, rt: rt, b: b, dir: dir, args: a}
}

// start starts the monitor; the caller completes the handshake.
func (c *runCtr) start(ctx context.Context) *client.Monitor {
	c.t.Helper()
	self, err := os.Executable()
	if err != nil {
		c.t.Fatal(err)
	}
	m, err := client.Start(ctx, &client.Options{Monitor: self, Args: c.args, Dir: c.b.Dir,
		Env: append(os.Environ(), envAsMonitor+"=1")})
	if err != nil {
		c.t.Fatalf("starting the monitor: %v", err)
	}
	c.t.Cleanup(func() {
		m.Close()
		if pid := m.Pid(); pid > 0 && !conmontest.WaitGone(pid, 10*time.Second) {
			c.t.Errorf("monitor %d still running", pid)
		}
	})
	return m
}

func (c *runCtr) exitCode() string {
	c.t.Helper()
	return conmontest.WaitFile(c.t, filepath.Join(c.dir, "exits", c.b.ID), 20*time.Second)
}

func (c *runCtr) log() string {
	c.t.Helper()
	data, err := os.ReadFile(filepath.Join(c.dir, "ctr.log"))
	if err != nil {
		c.t.Fatal(err)
	}
	return string(data)
}

func forEachRuntime(t *testing.T, fn func(t *testing.T, rt *conmontest.Runtime)) {
	conmontest.RequireRoot(t)
	for _, name := range []string{"runc", "crun", "runsc"} {
		t.Run(name, func(t *testing.T) { fn(t, conmontest.NewRuntime(t, name)) })
	}
}

// The container runs without a `runtime start`; pid, log, exit files and
// the exit code are those of create+start.
func TestRunExitCode(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, rt *conmontest.Runtime) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		c := newRunCtr(t, rt, "sh", "-c", "echo out; echo err >&2; exit 3")
		m := c.start(ctx)
		pid, err := m.ReadPid(ctx)
		if err != nil || pid <= 0 {
			t.Fatalf("pid %d, %v", pid, err)
		}
		if got := c.exitCode(); got != "3" {
			t.Errorf("exit file %q, want 3", got)
		}
		if got := conmontest.WaitFile(t, filepath.Join(c.dir, "persist", "exit"), time.Second); got != "3" {
			t.Errorf("persist exit file %q", got)
		}
		log := c.log()
		if !strings.Contains(log, " stdout F out\n") || !strings.Contains(log, " stderr F err\n") {
			t.Errorf("log %q", log)
		}
	})
}

// With --exec-attach the client connects before the process starts, so it
// sees all the output of a container that exits at once, and its input
// reaches the container.
func TestRunAttach(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, rt *conmontest.Runtime) {
		for i := 0; i < 3; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			c := newRunCtr(t, rt, "sh", "-c", "echo first; echo second >&2; cat; exit 4")
			c.args.ExecAttach, c.args.Stdin = true, true
			m := c.start(ctx)
			if err := m.WaitAttachReady(ctx); err != nil {
				t.Fatal(err)
			}
			conn, err := client.Dial(filepath.Join(c.b.Dir, conmon.AttachName))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(c.dir, "pidfile")); err == nil {
				t.Fatal("the runtime ran before the monitor was released")
			}
			if err := m.Release(); err != nil {
				t.Fatal(err)
			}
			if pid, err := m.ReadPid(ctx); err != nil || pid <= 0 {
				t.Fatalf("pid %d, %v", pid, err)
			}
			var out, errOut bytes.Buffer
			err = conn.Stream(ctx, client.AttachOptions{Stdin: strings.NewReader("input\n"), Stdout: &out, Stderr: &errOut})
			conn.Close()
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != "first\ninput\n" || errOut.String() != "second\n" {
				t.Errorf("round %d: stdout %q, stderr %q", i, out.String(), errOut.String())
			}
			if got := c.exitCode(); got != "4" {
				t.Errorf("exit file %q, want 4", got)
			}
			cancel()
		}
	})
}

// A terminal still arrives through the console socket.
func TestRunTerminal(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, rt *conmontest.Runtime) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		c := newRunCtr(t, rt, "sh", "-c", "test -t 1 && echo tty")
		c.b.Spec.Process.Terminal = true
		c.b.Write(t)
		c.args.Terminal = true
		m := c.start(ctx)
		if _, err := m.ReadPid(ctx); err != nil {
			t.Fatal(err)
		}
		if got := c.exitCode(); got != "0" {
			t.Errorf("exit file %q", got)
		}
		if log := c.log(); !strings.Contains(log, " stdout F tty") {
			t.Errorf("log %q", log)
		}
	})
}

// A failing `runtime run` is reported on the sync pipe as a failing create
// is: data -1 and the runtime's message; no exit file.
func TestRunFailure(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, rt *conmontest.Runtime) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		c := newRunCtr(t, rt, "/nonexistent-binary")
		m := c.start(ctx)
		_, err := m.ReadPid(ctx)
		var se *client.SyncError
		if !errors.As(err, &se) || se.Code != -1 || !strings.Contains(se.Message, "nonexistent-binary") {
			t.Fatalf("got %v, want a sync error naming the binary", err)
		}
		if m.Pid() > 0 {
			conmontest.WaitGone(m.Pid(), 10*time.Second)
		}
		if _, err := os.Stat(filepath.Join(c.dir, "exits", c.b.ID)); err == nil {
			t.Error("exit file written after a failed run")
		}
	})
}

// An OOM kill is reported even when it comes before the monitor watched
// the cgroup: with --run the process runs before the pid is known.
func TestRunOOM(t *testing.T) {
	if _, err := os.Stat("/sys/fs/cgroup/memory/memory.limit_in_bytes"); err != nil {
		t.Skip("needs the cgroup v1 memory controller")
	}
	forEachRuntime(t, func(t *testing.T, rt *conmontest.Runtime) {
		if rt.Name == "runsc" {
			t.Skip("as TestScenarioOOM: runc and crun only")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		c := newRunCtr(t, rt, "sh", "-c", "echo start; exec dd if=/dev/zero of=/dev/null bs=64M count=1")
		limit := int64(16 << 20)
		c.b.Spec.Linux.Resources.Memory = &specs.LinuxMemory{Limit: &limit, Swap: &limit}
		c.b.Spec.Linux.CgroupsPath = "/podtest/" + c.b.ID
		c.b.Write(t)
		m := c.start(ctx)
		if _, err := m.ReadPid(ctx); err != nil {
			t.Fatal(err)
		}
		code := c.exitCode()
		st, err := conmon.ReadExitFile(filepath.Join(c.dir, "exits", c.b.ID), c.args.PersistDir)
		if err != nil {
			t.Fatal(err)
		}
		if !st.OOM || code != "137" {
			t.Errorf("exit %s, oom %v; want 137 and an oom file", code, st.OOM)
		}
	})
}

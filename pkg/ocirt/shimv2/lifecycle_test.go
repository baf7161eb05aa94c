package shimv2

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/internal/testutil"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimwire"
	"github.com/pod-engine/pod/pkg/pidwatch"
)

// assertGone checks that Delete left nothing: no shim process, socket,
// mount or shim bundle.
func assertGone(t *testing.T, tk ocirt.Task, _ testutil.Census) {
	t.Helper()
	var st shimwire.State
	if tt, ok := tk.(*task); ok {
		st = tt.state
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if st.ShimPid > 0 {
		if err := pidwatch.WaitExit(ctx, st.ShimPid, st.ShimStart); err != nil {
			t.Errorf("shim %d still running after Delete", st.ShimPid)
		}
	}
	after := testutil.TakeCensus(tk.Ref().ID)
	if len(after.Procs) > 0 {
		t.Errorf("shim processes left: %v", after.Procs)
	}
	// Only this container's socket: tests of other packages may run shims
	// at the same time.
	if sock, err := shimclient.SocketPath(st.Address); err == nil && st.Address != "" {
		if _, err := os.Stat(sock); err == nil {
			t.Errorf("shim socket left: %s", sock)
		}
	}
	if len(after.Mounts) > 0 {
		t.Errorf("mounts left: %v", after.Mounts)
	}
	if _, err := os.Stat(ShimBundle(tk.Ref().RunDir, tk.Ref().ID)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("shim bundle left: %v", err)
	}
}

func TestRunExitCodeLogsExitCommand(t *testing.T) {
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		before := testutil.TakeCensus("")
		req := f.request(false, false, "sh", "-c", "echo out; echo err >&2; printf partial; exit 3")
		tk := f.create(req)
		ref := tk.Ref()
		if ref.Pid <= 0 || ref.MonitorPid <= 0 || len(ref.Data) == 0 {
			t.Fatalf("ref %+v", ref)
		}
		if want := "unix://" + testutil.RuncShimSocket(f.driver.HashAddress, f.ns, req.ID); tk.(*task).state.Address != want {
			t.Errorf("shim address %s, want %s", tk.(*task).state.Address, want)
		}
		if _, err := os.Stat(filepath.Join(req.Bundle, "attach")); err != nil {
			t.Errorf("no attach socket in the bundle: %v", err)
		}
		if st, err := tk.(ocirt.Stater).State(context.Background()); err != nil || st.Status != "created" || st.Pid != ref.Pid {
			t.Errorf("state after create: %+v %v", st, err)
		}
		if err := tk.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		if es := f.waitExit(req, ref.MonitorPid); es.Code != 3 || es.OOM {
			t.Errorf("exit code %d oom %v, want 3 and no oom", es.Code, es.OOM)
		}
		waitFile(t, filepath.Join(filepath.Dir(req.Bundle), "exitcmd"))
		lines := logLines(t, req.Log.Path)
		for _, want := range []string{"stdout out", "stderr err", "stdout partial"} {
			if !contains(lines, want) {
				t.Errorf("log lacks %q: %q", want, lines)
			}
		}
		raw, _ := os.ReadFile(req.Log.Path)
		if !strings.Contains(string(raw), " stdout P partial\n") {
			t.Errorf("partial line not written as a P record: %q", raw)
		}
		if st, err := tk.(ocirt.Stater).State(context.Background()); err != nil || st.Status != "stopped" {
			t.Errorf("state after exit: %+v %v", st, err)
		}
		if err := tk.Delete(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		assertGone(t, tk, before)
		if err := tk.Delete(context.Background(), false); err != nil {
			t.Errorf("second delete: %v", err)
		}
	})
}

func TestKillAndForceDelete(t *testing.T) {
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		before := testutil.TakeCensus("")
		// PID 1 of a PID namespace ignores signals it has no handler for.
		req := f.request(false, false, "sh", "-c", "trap 'exit 42' TERM; while :; do sleep 0.1; done")
		tk := f.create(req)
		if err := tk.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond) // let sh install its trap
		if err := tk.Delete(context.Background(), false); !errors.Is(err, errdefs.ErrConflict) {
			t.Errorf("delete of a running container: %v, want conflict", err)
		}
		if err := tk.Kill(context.Background(), syscall.SIGTERM, false); err != nil {
			t.Fatal(err)
		}
		if es := f.waitExit(req, tk.Ref().MonitorPid); es.Code != 42 {
			t.Errorf("exit code %d, want 42 (from the TERM trap)", es.Code)
		}
		if err := tk.Delete(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		assertGone(t, tk, before)

		// Force delete of a running container kills it.
		req2 := f.request(false, false, "sleep", "100")
		tk2 := f.create(req2)
		if err := tk2.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := tk2.Delete(context.Background(), true); err != nil {
			t.Fatal(err)
		}
		if es := f.waitExit(req2, tk2.Ref().MonitorPid); es.Code != 137 {
			t.Errorf("exit code after force delete %d, want 137", es.Code)
		}
		assertGone(t, tk2, before)
	})
}

func TestDeleteCreated(t *testing.T) {
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		before := testutil.TakeCensus("")
		req := f.request(false, false, "true")
		tk := f.create(req)
		if err := tk.Delete(context.Background(), true); err != nil {
			t.Fatal(err)
		}
		f.waitExit(req, tk.Ref().MonitorPid)
		assertGone(t, tk, before)
	})
}

func TestPauseResumePids(t *testing.T) {
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		req := f.request(false, false, "sleep", "100")
		tk := f.create(req)
		ctx := context.Background()
		if err := tk.Start(ctx); err != nil {
			t.Fatal(err)
		}
		p := tk.(ocirt.Pauser)
		if err := p.Pause(ctx); err != nil {
			t.Fatal(err)
		}
		if st, _ := tk.(ocirt.Stater).State(ctx); st.Status != "paused" {
			t.Errorf("state after pause: %+v", st)
		}
		if err := p.Resume(ctx); err != nil {
			t.Fatal(err)
		}
		if st, _ := tk.(ocirt.Stater).State(ctx); st.Status != "running" {
			t.Errorf("state after resume: %+v", st)
		}
		pids, err := tk.(*task).Pids(ctx)
		if err != nil || len(pids) != 1 || pids[0] != tk.Ref().Pid {
			t.Errorf("pids %v %v, want [%d]", pids, err, tk.Ref().Pid)
		}
		// Update: a new memory limit reaches the container's cgroup.
		limit := int64(64 << 20)
		if err := tk.(ocirt.Updater).Update(ctx, &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}}); err != nil {
			t.Fatal(err)
		}
		if got := memoryLimit(t, tk.Ref().Pid); got != limit {
			t.Errorf("memory limit after update %d, want %d", got, limit)
		}
		// Paused containers are resumed so that a force delete can kill them.
		if err := p.Pause(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tk.Delete(ctx, true); err != nil {
			t.Fatal(err)
		}
	})
}

func TestExec(t *testing.T) {
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		req := f.request(false, false, "sleep", "100")
		tk := f.create(req)
		ctx := context.Background()
		if err := tk.Start(ctx); err != nil {
			t.Fatal(err)
		}
		ex := tk.(ocirt.Execer)

		// Attached: output arrives on the session's attach socket.
		dir := filepath.Join(f.dir, "exec1")
		os.MkdirAll(dir, 0o700)
		stdout, stderr := newSyncBuffer(), newSyncBuffer()
		streamed := make(chan error, 1)
		p, err := ex.Exec(ctx, &ocirt.ExecRequest{
			SessionID: testutil.UniqueID("exec"),
			Dir:       dir,
			Process:   &specsProcess("sh", "-c", "echo hi; echo oops >&2; exit 5").Process,
			Attach: func(sock string) error {
				c, err := client.Dial(sock)
				if err != nil {
					return err
				}
				go func() { streamed <- c.Stream(ctx, client.AttachOptions{Stdout: stdout, Stderr: stderr}) }()
				return nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if p.Pid() <= 0 || p.MonitorPid() <= 0 {
			t.Errorf("exec pid %d monitor %d", p.Pid(), p.MonitorPid())
		}
		code, err := p.Wait(ctx)
		if err != nil || code != 5 {
			t.Errorf("exec exit %d %v, want 5", code, err)
		}
		if err := <-streamed; err != nil {
			t.Errorf("attach stream: %v", err)
		}
		if stdout.String() != "hi\n" || stderr.String() != "oops\n" {
			t.Errorf("exec output %q / %q", stdout.String(), stderr.String())
		}
		if st, err := conmon.ReadExitFile(filepath.Join(dir, "exit", req.ID), ""); err != nil || st.Code != 5 {
			t.Errorf("exec exit file %+v %v", st, err)
		}

		// Detached: the exit file carries the code.
		dir2 := filepath.Join(f.dir, "exec2")
		os.MkdirAll(dir2, 0o700)
		p2, err := ex.Exec(ctx, &ocirt.ExecRequest{SessionID: testutil.UniqueID("exec"), Dir: dir2, Process: &specsProcess("sh", "-c", "exit 7").Process})
		if err != nil {
			t.Fatal(err)
		}
		if code, err := p2.Wait(ctx); err != nil || code != 7 {
			t.Errorf("detached exec exit %d %v, want 7", code, err)
		}

		// With a terminal: the session's ctl FIFO resizes the exec's pty.
		dir4 := filepath.Join(f.dir, "exec4")
		os.MkdirAll(dir4, 0o700)
		tty := newSyncBuffer()
		ttyDone := make(chan error, 1)
		tproc := specsProcess("sh", "-c", "sleep 0.3; stty size").Process
		tproc.Terminal = true
		p4, err := ex.Exec(ctx, &ocirt.ExecRequest{
			SessionID: testutil.UniqueID("exec"), Dir: dir4, Process: &tproc, IO: ocirt.IO{Terminal: true},
			Attach: func(sock string) error {
				c, err := client.Dial(sock)
				if err == nil {
					go func() { ttyDone <- c.Stream(ctx, client.AttachOptions{Stdout: tty}) }()
				}
				return err
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := client.Resize(filepath.Join(dir4, conmon.CtlName), 33, 77); err != nil {
			t.Fatal(err)
		}
		if code, err := p4.Wait(ctx); err != nil || code != 0 {
			t.Errorf("tty exec exit %d %v", code, err)
		}
		<-ttyDone
		if got := strings.TrimSpace(tty.String()); got != "33 77" {
			t.Errorf("exec pty size %q, want \"33 77\"", got)
		}

		// A missing command fails the exec as "not found" (exit 127 in the CLI).
		dir3 := filepath.Join(f.dir, "exec3")
		os.MkdirAll(dir3, 0o700)
		_, err = ex.Exec(ctx, &ocirt.ExecRequest{SessionID: testutil.UniqueID("exec"), Dir: dir3, Process: &specsProcess("/nonexistent").Process})
		if !errors.Is(err, errdefs.ErrCommandNotFound) {
			t.Errorf("exec of a missing command: %v, want command not found", err)
		}
		if err := tk.Delete(ctx, true); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCreateFailureLeavesNothing(t *testing.T) {
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		req := f.request(false, false, "/nonexistent")
		tk, err := f.rt.Create(context.Background(), req)
		if err == nil {
			// runc resolves the binary at create; crun at start.
			err = tk.Start(context.Background())
			_ = tk.Delete(context.Background(), true)
		}
		if !errors.Is(err, errdefs.ErrCommandNotFound) {
			t.Fatalf("create of a missing command: %v, want command not found", err)
		}
		if !strings.Contains(err.Error(), "/nonexistent") {
			t.Errorf("error does not name the command: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
		after := testutil.TakeCensus(req.ID)
		if len(after.Procs) > 0 || len(after.Mounts) > 0 {
			t.Errorf("left behind: %+v", after)
		}
		if sock := testutil.RuncShimSocket(f.driver.HashAddress, f.ns, req.ID); fileExists(sock) {
			t.Errorf("shim socket %s left", sock)
		}
		if _, err := os.Stat(ShimBundle(req.RunDir, req.ID)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("shim bundle left: %v", err)
		}
	})
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// memoryLimit reads the cgroup v1 memory limit of pid's cgroup.
func memoryLimit(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		parts := strings.SplitN(l, ":", 3)
		if len(parts) == 3 && parts[1] == "memory" {
			v, err := os.ReadFile(filepath.Join("/sys/fs/cgroup/memory", parts[2], "memory.limit_in_bytes"))
			if err != nil {
				t.Fatal(err)
			}
			n, _ := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
			return n
		}
	}
	t.Skip("no cgroup v1 memory controller")
	return 0
}

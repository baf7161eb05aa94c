package shimv2

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/ocirt/shimv2/internal/testutil"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
	"github.com/pod-engine/pod/pkg/pidwatch"
)

// TestShimKilled: SIGKILL the shim of a running container. pod-shim notices,
// runs the shim's delete subcommand (which kills the container) and writes
// exit code 137; Delete then leaves no process, socket, mount or bundle.
func TestShimKilled(t *testing.T) {
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		before := testutil.TakeCensus("")
		req := f.request(false, false, "sleep", "100")
		tk := f.create(req)
		if err := tk.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		st := tk.(*task).state
		ctrPid := tk.Ref().Pid
		sock, _ := shimclient.SocketPath(st.Address)
		if _, err := os.Stat(sock); err != nil {
			t.Fatalf("shim socket: %v", err)
		}
		if err := syscall.Kill(st.ShimPid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if es := f.waitExit(req, tk.Ref().MonitorPid); es.Code != 137 {
			t.Errorf("exit code %d, want 137", es.Code)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := pidwatch.WaitExit(ctx, ctrPid, 0); err != nil {
			t.Errorf("container process %d still running after its shim died", ctrPid)
		}
		if _, err := os.Stat(sock); err == nil {
			t.Errorf("stale socket %s not removed", sock)
		}
		// State of a container whose shim died: stopped.
		if s, err := tk.(*task).State(context.Background()); err != nil || s.Status != "stopped" {
			t.Errorf("state: %+v %v", s, err)
		}
		waitFile(t, filepath.Join(filepath.Dir(req.Bundle), "exitcmd"))
		if err := tk.Delete(context.Background(), true); err != nil {
			t.Fatal(err)
		}
		assertGone(t, tk, before)
	})
}

// TestShimKilledMonitorGone: the shim dies while nobody watches (pod-shim
// was killed too); Delete alone cleans up with the delete subcommand.
func TestShimKilledMonitorGone(t *testing.T) {
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		before := testutil.TakeCensus("")
		req := f.request(false, false, "sleep", "100")
		tk := f.create(req)
		if err := tk.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		st := tk.(*task).state
		ctrPid := tk.Ref().Pid
		syscall.Kill(tk.Ref().MonitorPid, syscall.SIGKILL)
		syscall.Kill(st.ShimPid, syscall.SIGKILL)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pidwatch.WaitExit(ctx, st.ShimPid, 0)
		if !pidwatch.Running(ctrPid, 0) {
			t.Fatalf("container died with its shim; the test needs it alive")
		}
		if err := tk.Delete(context.Background(), true); err != nil {
			t.Fatal(err)
		}
		if err := pidwatch.WaitExit(ctx, ctrPid, 0); err != nil {
			t.Errorf("container process %d still running after Delete", ctrPid)
		}
		assertGone(t, tk, before)
	})
}

// TestOOMKilled: a container killed by the OOM killer gets exit code 137
// and the oom file in its persist dir, as under conmon.
func TestOOMKilled(t *testing.T) {
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		req := f.request(false, false, "sh", "-c", "a=xxxxxxxxxxxxxxxx; while :; do a=$a$a; done")
		limit := int64(16 << 20)
		req.Spec.Linux.Resources = &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit, Swap: &limit}}
		tk := f.create(req)
		if err := tk.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		es := f.waitExit(req, tk.Ref().MonitorPid)
		if es.Code != 137 || !es.OOM {
			t.Errorf("exit %d oom %v, want 137 and an oom file", es.Code, es.OOM)
		}
	})
}

package shimclient

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/internal/testutil"
	"github.com/pod-engine/pod/pkg/pidwatch"
)

// startShim prepares a bundle for args and starts binary on it; it returns
// the shim, the bundle, and a connected client, and registers cleanup.
func startShim(t *testing.T, binary string, args ...string) (*Shim, string, *Client, Bootstrap) {
	t.Helper()
	testutil.RequireRoot(t)
	testutil.RequireBinary(t, binary)
	dir := t.TempDir()
	rootfs := testutil.Rootfs(t, dir)
	id := testutil.UniqueID("sc")
	bundle := filepath.Join(dir, id)
	if err := os.Mkdir(bundle, 0o700); err != nil {
		t.Fatal(err)
	}
	spec, _ := json.Marshal(testutil.Spec(rootfs, false, args...))
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), spec, 0o600); err != nil {
		t.Fatal(err)
	}
	logFifo := filepath.Join(bundle, "log")
	if err := syscall.Mkfifo(logFifo, 0o600); err != nil {
		t.Fatal(err)
	}
	lf, err := os.OpenFile(logFifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	logOut, err := os.Create(filepath.Join(dir, "shim.log"))
	if err != nil {
		t.Fatal(err)
	}
	go func() { io.Copy(logOut, lf); logOut.Close() }()
	ns := testutil.UniqueID("podtest")
	s := &Shim{Binary: binary, Namespace: ns, Address: "/run/pod-test/" + ns, PublishBinary: "/bin/true", Debug: os.Getenv("SHIM_DEBUG") != ""}
	ctx := context.Background()
	b, err := s.Start(ctx, id, bundle, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Dial(ctx, b.Address, ns, b.Version)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		lf.Close()
		os.RemoveAll(filepath.Join("/run/containerd/runc", ns))
	})
	return s, bundle, c, b
}

func TestLifecycle(t *testing.T) {
	for label, bin := range testutil.Shims() {
		t.Run(label, func(t *testing.T) {
			_, bundle, c, b := startShim(t, bin, "sh", "-c", "echo hello; exit 7")
			want := map[string]int{"runc-v2api": TaskAPIv2, "runc-v3api": TaskAPIv3, "runc-v3api-pb": TaskAPIv3}[label]
			if b.Version != want {
				t.Errorf("bootstrap version %d, want %d (%+v)", b.Version, want, b)
			}
			id := filepath.Base(bundle)
			ctx := context.Background()
			out := filepath.Join(bundle, "out")
			if err := syscall.Mkfifo(out, 0o600); err != nil {
				t.Fatal(err)
			}
			of, err := os.OpenFile(out, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer of.Close()
			pid, err := c.Create(ctx, CreateRequest{ID: id, Bundle: bundle, Stdout: out, Stderr: out})
			if err != nil {
				t.Fatal(err)
			}
			if pid <= 0 {
				t.Fatalf("create pid %d", pid)
			}
			st, err := c.State(ctx, id, "")
			if err != nil || st.Status != StatusCreated {
				t.Fatalf("state after create: %+v %v", st, err)
			}
			ci, err := c.Connect(ctx, id)
			if err != nil || ci.ShimPid <= 0 || ci.TaskPid != pid {
				t.Fatalf("connect: %+v %v (pid %d)", ci, err, pid)
			}
			if _, err := c.Start(ctx, id, ""); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 64)
			n, _ := of.Read(buf)
			if got := strings.TrimSpace(string(buf[:n])); got != "hello" {
				t.Errorf("stdout %q, want hello", got)
			}
			e, err := c.Wait(ctx, id, "")
			if err != nil || e.Status != 7 {
				t.Fatalf("wait: %+v %v", e, err)
			}
			st, err = c.State(ctx, id, "")
			if err != nil || st.Status != StatusStopped || st.ExitStatus != 7 {
				t.Fatalf("state after exit: %+v %v", st, err)
			}
			d, err := c.Delete(ctx, id, "")
			if err != nil || d.Status != 7 {
				t.Fatalf("delete: %+v %v", d, err)
			}
			if _, err := c.State(ctx, id, ""); !errors.Is(err, errdefs.ErrNotFound) {
				t.Errorf("state after delete: %v, want not found", err)
			}
			if err := c.Shutdown(ctx, id); err != nil {
				t.Fatal(err)
			}
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if err := pidwatch.WaitExit(wctx, ci.ShimPid, 0); err != nil {
				t.Fatalf("shim %d still alive after Shutdown: %v", ci.ShimPid, err)
			}
			p, _ := SocketPath(b.Address)
			if _, err := os.Stat(p); err == nil {
				t.Errorf("socket %s left after shutdown", p)
			}
		})
	}
}

func TestNegotiateVersion(t *testing.T) {
	for label, bin := range testutil.Shims() {
		t.Run(label, func(t *testing.T) {
			_, bundle, c, b := startShim(t, bin, "true")
			c2, err := Dial(context.Background(), b.Address, "", TaskAPIUnknown)
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			if c2.Version() != b.Version {
				t.Errorf("negotiated v%d, bootstrap said v%d", c2.Version(), b.Version)
			}
			if err := c.Shutdown(context.Background(), filepath.Base(bundle)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

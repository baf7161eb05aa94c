//go:build integration

// Package integration drives libpod with real runtimes, the real monitor and
// the real image store, as root, without the CLI in between. Run it with
// `make test-integration` (POD_BIN points at the built binaries).
package integration

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/conmon/conmontest"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// runtimes are the runtimes exercised when installed.
var runtimes = []string{"crun", "runc", "runsc", "io.containerd.runc.v2"}

func newRuntime(t *testing.T) *libpod.Runtime {
	t.Helper()
	conmontest.RequireRoot(t)
	bin := os.Getenv("POD_BIN")
	if bin == "" {
		t.Skip("POD_BIN (the directory with pod, pod-conmon, pod-shim) is not set: run `make test-integration`")
	}
	dir := t.TempDir()
	r, err := libpod.NewRuntime(libpod.Options{
		Root: filepath.Join(dir, "root"), RunRoot: filepath.Join(dir, "run"), TmpDir: filepath.Join(dir, "tmp"),
		Executable: filepath.Join(bin, "pod"), MonitorSearch: []string{bin},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cs, _ := r.Containers()
		zero := uint(0)
		for _, c := range cs {
			_ = c.Remove(context.Background(), libpod.RemoveOptions{Force: true, Timeout: &zero})
		}
		r.Shutdown()
	})
	return r
}

// opts builds create options (the spec options type is libpod-internal).
func opts(rt, rootfs, image string, remove bool, cmd ...string) *libpod.CreateOptions {
	o := &libpod.CreateOptions{Runtime: rt, Image: image, Remove: remove}
	o.Spec.Rootfs = rootfs
	o.Spec.Command = cmd
	return o
}

func rootfs(t *testing.T) string {
	t.Helper()
	b := conmontest.NewBundle(t, "true")
	return filepath.Join(b.Dir, "rootfs")
}

func available(t *testing.T, r *libpod.Runtime, name string) bool {
	for _, info := range r.Runtimes(context.Background()) {
		if info.Name == name {
			return info.Available
		}
	}
	return false
}

func TestLifecycleOnEveryRuntime(t *testing.T) {
	r := newRuntime(t)
	fs := rootfs(t)
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			if !available(t, r, rt) {
				t.Skipf("%s is not available here", rt)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			// A foreground run: output through the attach socket, exit code from the exit file.
			c, err := r.CreateContainer(ctx, opts(rt, fs, "", false, "sh", "-c", "echo out-"+rt+"; exit 3"))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			code, err := c.Run(ctx, &libpod.Attach{Options: client.AttachOptions{Stdout: &out, Stderr: &out}})
			if err != nil || code != 3 || out.String() != "out-"+rt+"\n" {
				t.Fatalf("run: code %d, err %v, output %q", code, err, out.String())
			}
			if got := c.Config().Runtime.Name; got != rt {
				t.Fatalf("recorded runtime %q, want %q", got, rt)
			}
			// The log holds the same line.
			var logged []string
			if err := c.Logs(ctx, libpod.LogOptions{Tail: -1}, func(l libpod.LogLine) error {
				logged = append(logged, l.Stream+":"+string(l.Content))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if strings.Join(logged, ",") != "stdout:out-"+rt {
				t.Fatalf("logs %q", logged)
			}

			// A detached container: exec, stop, restart, remove.
			d, err := r.CreateContainer(ctx, opts(rt, fs, "", false, "sleep", "1000"))
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Start(ctx, nil); err != nil {
				t.Fatal(err)
			}
			var eout bytes.Buffer
			ecode, _, err := d.Exec(ctx, libpod.ExecOptions{Cmd: []string{"sh", "-c", "echo exec; exit 5"}},
				&libpod.Attach{Options: client.AttachOptions{Stdout: &eout}})
			if err != nil || ecode != 5 || eout.String() != "exec\n" {
				t.Fatalf("exec: code %d, err %v, output %q", ecode, err, eout.String())
			}
			zero := uint(0)
			if err := d.Stop(ctx, &zero); err != nil {
				t.Fatal(err)
			}
			again, err := r.LookupContainer(d.ID())
			if err != nil {
				t.Fatal(err)
			}
			if again.Status() != libpod.StatusExited || again.State().ExitCode != 137 {
				t.Fatalf("after stop -t 0: %s, %d", again.Status(), again.State().ExitCode)
			}
			if err := d.Start(ctx, nil); err != nil {
				t.Fatal(err)
			}
			if err := d.Remove(ctx, libpod.RemoveOptions{Force: true, Timeout: &zero}); err != nil {
				t.Fatal(err)
			}
			if _, err := r.LookupContainer(d.ID()); !errors.Is(err, errdefs.ErrNotFound) {
				t.Fatalf("after rm -f: %v", err)
			}
		})
	}
}

// importBusybox imports contrib/mkbusybox.sh's image as name into r's store.
func importBusybox(t *testing.T, r *libpod.Runtime, name string) {
	t.Helper()
	tar := filepath.Join(t.TempDir(), "busybox.tar")
	mk := exec.Command("../../contrib/mkbusybox.sh", "-t", "-o", tar)
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("mkbusybox: %v: %s", err, out)
	}
	paths := r.Paths()
	imp := exec.Command(filepath.Join(os.Getenv("POD_BIN"), "pod"), "--root", paths.GraphRoot, "--runroot", paths.RunRoot,
		"--tmpdir", paths.TmpDir, "import", tar, name)
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("import: %v: %s", err, out)
	}
}

func TestImageContainerOnTheRealStore(t *testing.T) {
	r := newRuntime(t)
	importBusybox(t, r, "localhost/itest")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := r.CreateContainer(ctx, opts("", "", "itest", true, "sh", "-c", "cat /etc/passwd | head -1; touch /written"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Config().ImageName != "localhost/itest:latest" {
		t.Fatalf("short name resolved to %q", c.Config().ImageName)
	}
	var out bytes.Buffer
	code, err := c.Run(ctx, &libpod.Attach{Options: client.AttachOptions{Stdout: &out, Stderr: &out}})
	if err != nil || code != 0 || !strings.HasPrefix(out.String(), "root:") {
		t.Fatalf("run: %d %v %q", code, err, out.String())
	}
	if _, err := r.LookupContainer(c.ID()); !errors.Is(err, errdefs.ErrNotFound) {
		t.Fatalf("--rm container still there: %v", err)
	}
	// Its writable layer is gone with it: a new container does not see /written.
	c2, err := r.CreateContainer(ctx, opts("", "", "itest", true, "test", "!", "-e", "/written"))
	if err != nil {
		t.Fatal(err)
	}
	if code, err := c2.Run(ctx, &libpod.Attach{Options: client.AttachOptions{}}); err != nil || code != 0 {
		t.Fatalf("fresh layer: %d %v", code, err)
	}
}

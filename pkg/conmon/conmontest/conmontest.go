// Package conmontest builds throwaway OCI bundles (a busybox rootfs and a
// config.json) and runtime invocations for the monitor's and the client's
// tests and benchmarks. It is test support: nothing in pod's binaries
// imports it. Everything lives under t.TempDir(); every runtime gets its own
// --root, so tests never touch the host's runtime state.
package conmontest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/pidwatch"
)

// Applets are the busybox applets linked into every rootfs.
var Applets = []string{"sh", "true", "false", "echo", "cat", "sleep", "printf", "head",
	"dd", "yes", "tr", "stty", "ls", "kill", "wc", "seq", "env", "tail", "sync"}

// RequireRoot skips the test unless it runs as root.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

// Binary returns the absolute path of name, or skips the test.
func Binary(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed", name)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// Runtime is one OCI runtime with a private state root.
type Runtime struct {
	Name string // runc, crun, runsc
	Path string
	Root string // --root
}

// NewRuntime finds the runtime (skipping when it is missing) and gives it a
// private state directory.
func NewRuntime(t testing.TB, name string) *Runtime {
	t.Helper()
	RequireRoot(t)
	r := &Runtime{Name: name, Path: Binary(t, name), Root: t.TempDir()}
	return r
}

// GlobalArgs are the flags every call of this runtime needs, one flag per
// element (conmon's --runtime-arg takes them one by one).
func (r *Runtime) GlobalArgs() []string {
	args := []string{"--root=" + r.Root}
	if r.Name == "runsc" {
		args = append(args, "--network=none")
	}
	return args
}

// Run runs a runtime subcommand with the global flags and returns its
// combined output.
func (r *Runtime) Run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, r.Path, append(r.GlobalArgs(), args...)...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Bundle is an OCI bundle in a temp dir.
type Bundle struct {
	ID   string
	Dir  string
	Spec *specs.Spec
}

// NewID returns a fresh container ID.
func NewID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "podtest" + hex.EncodeToString(b)
}

// NewBundle makes a bundle whose container runs args (non-terminal, root,
// pid/mount/ipc/uts/net namespaces). Edit b.Spec, then call Write.
func NewBundle(t testing.TB, args ...string) *Bundle {
	t.Helper()
	b, err := MakeBundle(t.TempDir(), args...)
	if err != nil {
		t.Skipf("cannot build a busybox bundle: %v", err)
	}
	return b
}

// MakeBundle builds a bundle in dir (a busybox rootfs and config.json) for
// callers without a testing.TB, such as benchmarks.
func MakeBundle(dir string, args ...string) (*Bundle, error) {
	rootfs := filepath.Join(dir, "rootfs")
	for _, d := range []string{"bin", "proc", "dev", "sys", "tmp", "etc"} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := copyFile("/bin/busybox", filepath.Join(rootfs, "bin", "busybox")); err != nil {
		return nil, err
	}
	for _, a := range Applets {
		if err := os.Symlink("busybox", filepath.Join(rootfs, "bin", a)); err != nil {
			return nil, err
		}
	}
	b := &Bundle{ID: NewID(), Dir: dir, Spec: DefaultSpec(args...)}
	return b, b.Save()
}

// Save (re)writes config.json from b.Spec.
func (b *Bundle) Save() error {
	data, err := json.MarshalIndent(b.Spec, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(b.Dir, "config.json"), data, 0o644)
}

// Write (re)writes config.json from b.Spec.
func (b *Bundle) Write(t testing.TB) {
	t.Helper()
	if err := b.Save(); err != nil {
		t.Fatal(err)
	}
}

// DefaultSpec is a minimal spec every installed runtime accepts (crun 1.8.1
// needs an ociVersion containing "1.0").
func DefaultSpec(args ...string) *specs.Spec {
	caps := []string{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN", "CAP_SETUID", "CAP_SETGID"}
	return &specs.Spec{
		Version: "1.0.2-dev",
		Process: &specs.Process{
			Args: args,
			Env:  []string{"PATH=/bin", "TERM=xterm"},
			Cwd:  "/",
			Capabilities: &specs.LinuxCapabilities{
				Bounding: caps, Effective: caps, Permitted: caps,
			},
			NoNewPrivileges: true,
		},
		Root:     &specs.Root{Path: "rootfs"},
		Hostname: "podtest",
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc"},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
			{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
			{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
			{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
		},
		Linux: &specs.Linux{
			Resources: &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}},
			Namespaces: []specs.LinuxNamespace{
				{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace}, {Type: specs.IPCNamespace},
				{Type: specs.UTSNamespace}, {Type: specs.MountNamespace},
			},
			MaskedPaths:   []string{"/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"},
			ReadonlyPaths: []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"},
		},
	}
}

// Cleanup force-deletes id with rt when the test ends.
func Cleanup(t testing.TB, rt *Runtime, id string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = rt.Run(ctx, "kill", id, "KILL")
		_, _ = rt.Run(ctx, "delete", "--force", id)
	})
}

// WaitFile polls for path until it exists or the timeout passes, and
// returns its content.
func WaitFile(t testing.TB, path string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		data, err := os.ReadFile(path)
		if err == nil {
			return string(data)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear within %v: %v", path, timeout, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// WaitGone waits until pid no longer runs (a zombie nobody reaps does not)
// and reports whether it did within timeout.
func WaitGone(pid int, timeout time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return pidwatch.WaitExit(ctx, pid, 0) == nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// PodmanArgs makes a run directory for b in Podman's layout (exits/,
// persist/; pidfile, conmon.pid and ctr.log go beside them), has the
// container deleted when the test ends, and returns the directory with the
// monitor arguments Podman passes for it (--api-version, full attach,
// k8s-file log at <dir>/ctr.log).
func PodmanArgs(t testing.TB, rt *Runtime, b *Bundle) (string, conmon.Args) {
	dir := t.TempDir()
	for _, d := range []string{"exits", "persist"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	Cleanup(t, rt, b.ID)
	return dir, conmon.Args{
		APIVersion: true, CID: b.ID, CUUID: b.ID, Name: b.ID, Runtime: rt.Path, Bundle: b.Dir,
		ContainerPidFile: filepath.Join(dir, "pidfile"), ConmonPidFile: filepath.Join(dir, "conmon.pid"),
		LogPaths: []string{"k8s-file:" + filepath.Join(dir, "ctr.log")}, ExitDir: filepath.Join(dir, "exits"),
		PersistDir: filepath.Join(dir, "persist"), FullAttach: true, RuntimeArgs: rt.GlobalArgs(),
		LogLevel: "info",
	}
}

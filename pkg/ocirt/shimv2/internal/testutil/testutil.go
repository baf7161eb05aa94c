// Package testutil builds what the shim v2 tests need on a real host: a
// busybox rootfs, an OCI spec that runc, crun and the shims accept on this
// machine, unique namespaces, and a census of shim leftovers (processes,
// sockets, mounts) to prove that cleanup leaves nothing behind.
package testutil

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Shim binaries the tests use when installed (see test/shims/install.sh).
const (
	DebianRuncShim = "/usr/bin/containerd-shim-runc-v2"
	TestShimDir    = "/usr/local/lib/pod-test/shims"
)

// RuncShimV3 is containerd 2.x's runc shim (task API v3), installed apart.
func RuncShimV3() string { return filepath.Join(shimDir(), "containerd-shim-runc-v2") }

// RuncShimPB is containerd 2.3's runc shim (task API v3, protobuf
// BootstrapResult), installed in a directory of its own.
func RuncShimPB() string {
	if d := os.Getenv("POD_TEST_SHIM23_DIR"); d != "" {
		return filepath.Join(d, "containerd-shim-runc-v2")
	}
	return "/usr/local/lib/pod-test/shims-2.3/containerd-shim-runc-v2"
}

// RunscShim is gVisor's shim.
func RunscShim() string { return filepath.Join(shimDir(), "containerd-shim-runsc-v1") }

func shimDir() string {
	if d := os.Getenv("POD_TEST_SHIM_DIR"); d != "" {
		return d
	}
	return TestShimDir
}

// Shims lists the runc shims present, by label, for table tests.
func Shims() map[string]string {
	m := map[string]string{}
	for label, p := range map[string]string{"runc-v2api": DebianRuncShim, "runc-v3api": RuncShimV3(), "runc-v3api-pb": RuncShimPB()} {
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			m[label] = p
		}
	}
	return m
}

// RequireRoot skips the test unless it runs as root.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

// RequireBinary skips the test when path is not an executable.
func RequireBinary(t testing.TB, path string) {
	t.Helper()
	if fi, err := os.Stat(path); err != nil || fi.Mode()&0o111 == 0 {
		t.Skipf("%s not installed", path)
	}
}

// UniqueID returns prefix + 12 random hex characters.
func UniqueID(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Rootfs creates a busybox rootfs under dir and returns its path.
func Rootfs(t testing.TB, dir string) string {
	t.Helper()
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("busybox not installed")
	}
	root := filepath.Join(dir, "rootfs")
	for _, d := range []string{"bin", "proc", "dev", "sys", "tmp", "etc"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(bb)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bin", "busybox"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"sh", "true", "false", "echo", "cat", "sleep", "ls", "kill", "ps", "stty", "printf", "head", "yes", "id"} {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", a)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// Spec returns a minimal OCI spec running args in rootfs (absolute path).
func Spec(rootfs string, terminal bool, args ...string) *specs.Spec {
	return &specs.Spec{
		Version: "1.0.2-dev", // crun 1.8.1 rejects versions without "1.0"
		Process: &specs.Process{
			Terminal: terminal,
			Args:     args,
			Env:      []string{"PATH=/bin", "TERM=xterm"},
			Cwd:      "/",
			Capabilities: &specs.LinuxCapabilities{
				Bounding:  []string{"CAP_KILL", "CAP_CHOWN"},
				Effective: []string{"CAP_KILL", "CAP_CHOWN"},
				Permitted: []string{"CAP_KILL", "CAP_CHOWN"},
			},
			NoNewPrivileges: true,
		},
		Root:     &specs.Root{Path: rootfs},
		Hostname: "shimtest",
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc"},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
			{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
			{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
			{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "nodev"}},
		},
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{
				{Type: specs.PIDNamespace}, {Type: specs.MountNamespace}, {Type: specs.IPCNamespace},
				{Type: specs.UTSNamespace}, {Type: specs.NetworkNamespace},
			},
			MaskedPaths:   []string{"/proc/kcore"},
			ReadonlyPaths: []string{"/proc/sys"},
		},
	}
}

// Census counts what shims leave on the host: shim processes (argv[0]
// named containerd-shim*) whose command line mentions marker, socket files in /run/containerd/s, and mounts whose
// mount point contains marker.
type Census struct {
	Procs   []string
	Sockets []string
	Mounts  []string
}

// TakeCensus looks at /proc, /run/containerd/s and /proc/self/mountinfo.
func TakeCensus(marker string) Census {
	var c Census
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		argv0, _, _ := strings.Cut(string(cmd), "\x00")
		s := strings.ReplaceAll(string(cmd), "\x00", " ")
		if strings.HasPrefix(filepath.Base(argv0), "containerd-shim") && strings.Contains(s, marker) {
			c.Procs = append(c.Procs, e.Name()+": "+s)
		}
	}
	socks, _ := filepath.Glob("/run/containerd/s/*")
	c.Sockets = socks
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	for _, l := range strings.Split(string(mi), "\n") {
		f := strings.Fields(l)
		if len(f) > 4 && strings.Contains(f[4], marker) {
			c.Mounts = append(c.Mounts, f[4])
		}
	}
	return c
}

// NewSockets returns the sockets in after that are not in before.
func NewSockets(before, after Census) []string {
	seen := map[string]bool{}
	for _, s := range before.Sockets {
		seen[s] = true
	}
	var out []string
	for _, s := range after.Sockets {
		if !seen[s] {
			out = append(out, s)
		}
	}
	return out
}

// RuncShimSocket is where containerd's runc shim puts its socket:
// /run/containerd/s/<hex sha256 of join(address, namespace, id)>.
func RuncShimSocket(address, namespace, id string) string {
	sum := sha256.Sum256([]byte(filepath.Join(address, namespace, id)))
	return "/run/containerd/s/" + hex.EncodeToString(sum[:])
}

// CapSysResource is the capability number of CAP_SYS_RESOURCE.
const CapSysResource = 24

// HasCapability reports whether this process has capability bit c in its
// effective set.
func HasCapability(c uint) bool {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "CapEff:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && n&(1<<c) != 0
		}
	}
	return false
}

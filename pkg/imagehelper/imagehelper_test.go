package imagehelper

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestGlobalFlagsArgs(t *testing.T) {
	cases := []struct {
		g    GlobalFlags
		want []string
	}{
		{GlobalFlags{}, nil},
		{GlobalFlags{Root: "/r", RunRoot: "/rr", StorageDriver: "vfs", LogLevel: "debug", TmpDir: "/t"},
			[]string{"--root=/r", "--runroot=/rr", "--storage-driver=vfs", "--log-level=debug", "--tmpdir=/t"}},
		{GlobalFlags{StorageOpts: []string{"a=1", "b=2"}}, []string{"--storage-opt=a=1", "--storage-opt=b=2"}},
		{GlobalFlags{StorageOpts: []string{}}, []string{"--storage-opt="}},
	}
	for _, c := range cases {
		if got := c.g.Args(); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v.Args() = %q, want %q", c.g, got, c.want)
		}
	}
}

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	pod := filepath.Join(dir, "pod")
	helper := filepath.Join(dir, BinaryName)
	for _, p := range []string{pod, helper} {
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(EnvHelper, "")
	if got, err := Locate(pod); err != nil || got != helper {
		t.Errorf("Locate next to pod = %q, %v", got, err)
	}
	// Through a symlink to pod: the real directory counts.
	link := filepath.Join(t.TempDir(), "pod")
	if err := os.Symlink(pod, link); err != nil {
		t.Fatal(err)
	}
	if got, err := Locate(link); err != nil || got != helper {
		t.Errorf("Locate via symlink = %q, %v", got, err)
	}
	saved := SearchDirs
	defer func() { SearchDirs = saved }()
	SearchDirs = []string{filepath.Join(dir, "nope")}
	if _, err := Locate(filepath.Join(t.TempDir(), "pod")); !errors.Is(err, errdefs.ErrUnavailable) {
		t.Errorf("Locate without helper: %v", err)
	}
	SearchDirs = []string{dir}
	if got, err := Locate(filepath.Join(t.TempDir(), "pod")); err != nil || got != helper {
		t.Errorf("Locate in SearchDirs = %q, %v", got, err)
	}
	// A non-executable file does not count.
	if err := os.Chmod(helper, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Locate(pod); !errors.Is(err, errdefs.ErrUnavailable) {
		t.Errorf("Locate of a non-executable helper: %v", err)
	}
	t.Setenv(EnvHelper, "/no/such/pod-image")
	if _, err := Locate(pod); err == nil {
		t.Errorf("Locate with a bad %s succeeded", EnvHelper)
	}
}

// helperEnv builds pod-image (or uses $POD_BIN) and gives a private store.
func helperEnv(t *testing.T) (string, GlobalFlags) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: go.podman.io/storage")
	}
	bin := ""
	if d := os.Getenv("POD_BIN"); d != "" {
		bin = filepath.Join(d, BinaryName)
	} else {
		bin = filepath.Join(t.TempDir(), BinaryName)
		c := exec.Command("go", "build", "-tags", "containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper seccomp", "-o", bin, "../../cmd/pod-image")
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("building pod-image: %v\n%s", err, out)
		}
	}
	t.Setenv(EnvHelper, bin)
	dir := t.TempDir()
	t.Cleanup(func() {
		// pod-image shuts its store down; nothing stays mounted.
		_ = exec.Command("umount", "-l", filepath.Join(dir, "root", "overlay")).Run()
	})
	conf := filepath.Join(dir, "registries.conf")
	if err := os.WriteFile(conf, []byte("unqualified-search-registries = []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONTAINERS_REGISTRIES_CONF", conf)
	t.Setenv("TMPDIR", dir)
	return bin, GlobalFlags{Root: filepath.Join(dir, "root"), RunRoot: filepath.Join(dir, "run")}
}

func TestPullAndRun(t *testing.T) {
	if _, err := os.Stat("/bin/busybox"); err != nil {
		t.Skip("needs busybox-static")
	}
	_, g := helperEnv(t)
	tarball := filepath.Join(t.TempDir(), "rootfs.tar")
	if out, err := exec.Command("sh", "../../contrib/mkbusybox.sh", "-t", "-o", tarball).CombinedOutput(); err != nil {
		t.Fatalf("mkbusybox: %v %s", err, out)
	}
	var out, errb bytes.Buffer
	code, err := Run(context.Background(), "", g, []string{"import", "-q", tarball, "localhost/bb"}, nil, &out, &errb)
	if err != nil || code != 0 {
		t.Fatalf("Run import: %d %v %s", code, err, errb.String())
	}
	id := strings.TrimPrefix(strings.TrimSpace(out.String()), "sha256:")

	// Present: missing and never need no registry.
	for _, policy := range []string{"", "missing", "never"} {
		var progress bytes.Buffer
		got, err := Pull(context.Background(), "bb", PullOptions{Global: g, Policy: policy, Progress: &progress})
		if err != nil || got != id {
			t.Errorf("Pull(policy %q) = %q, %v; want %s", policy, got, err, id)
		}
	}
	// Absent with never: pod-image's message, no class beyond the text.
	var progress bytes.Buffer
	_, err = Pull(context.Background(), "localhost/nosuch", PullOptions{Global: g, Policy: "never", Progress: &progress})
	if err == nil || err.Error() != "localhost/nosuch: image not known" {
		t.Errorf("Pull of a missing image with never: %v", err)
	}
	// Unreachable registry: the progress writer sees the attempt.
	progress.Reset()
	_, err = Pull(context.Background(), "127.0.0.1:1/x:1", PullOptions{Global: g, Policy: "missing", Progress: &progress, Extra: []string{"--retry=0"}})
	if err == nil || !strings.Contains(progress.String(), "Trying to pull 127.0.0.1:1/x:1...") {
		t.Errorf("Pull from an unreachable registry: %v; progress %q", err, progress.String())
	}
	// Quiet suppresses progress.
	progress.Reset()
	if _, err := Pull(context.Background(), "bb", PullOptions{Global: g, Policy: "missing", Quiet: true, Progress: &progress}); err != nil || progress.Len() != 0 {
		t.Errorf("quiet Pull: %v, progress %q", err, progress.String())
	}
	// Run returns pod-image's exit code.
	code, err = Run(context.Background(), "", g, []string{"image", "exists", "nosuch"}, nil, &out, &errb)
	if err != nil || code != 1 {
		t.Errorf("Run image exists nosuch = %d, %v", code, err)
	}
}

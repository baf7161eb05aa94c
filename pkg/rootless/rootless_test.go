package rootless

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

func TestStack(t *testing.T) {
	got := stack(1001, []specs.LinuxIDMapping{{HostID: 100000, Size: 65536}, {HostID: 300000, Size: 10}})
	want := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1001, Size: 1}, {ContainerID: 1, HostID: 100000, Size: 65536}, {ContainerID: 65537, HostID: 300000, Size: 10}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
}

func TestReadPidAndAlive(t *testing.T) {
	dir := t.TempDir()
	for content, want := range map[string]int{"123\n": 123, "x": 0, "-5": 0, "": 0} {
		p := filepath.Join(dir, "p")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := readPid(p); got != want {
			t.Errorf("%q: %d", content, got)
		}
	}
	if readPid(filepath.Join(dir, "missing")) != 0 {
		t.Error("missing pid file")
	}
	// this process is in our own user namespace: never taken for the pause
	// process (before joining, pod's namespace is another one)
	if os.Geteuid() != 0 && inOtherNS(os.Getpid()) {
		t.Error("own process taken for one in pod's namespace")
	}
	if err := os.WriteFile(PauseFile(dir), []byte("999999999"), 0o600); err != nil {
		t.Fatal(err)
	}
	if alivePause(dir) != 0 {
		t.Error("a pid that does not exist is alive")
	}
}

func TestCheckRuntimeDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	if err := CheckRuntimeDir(); err != nil {
		t.Errorf("own dir: %v", err)
	}
	t.Setenv("XDG_RUNTIME_DIR", filepath.Join(dir, "missing"))
	if err := CheckRuntimeDir(); err == nil {
		t.Error("missing dir accepted")
	}
	f := filepath.Join(dir, "file")
	_ = os.WriteFile(f, nil, 0o600)
	t.Setenv("XDG_RUNTIME_DIR", f)
	if err := CheckRuntimeDir(); err == nil {
		t.Error("a file accepted")
	}
	t.Setenv("XDG_RUNTIME_DIR", "")
	if err := CheckRuntimeDir(); err != nil {
		t.Errorf("unset: %v", err)
	}
}

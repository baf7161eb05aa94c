package cgstats

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadV1(t *testing.T) {
	root := t.TempDir()
	rel := "pod/abc"
	write(t, filepath.Join(root, "cpuacct", rel, "cpuacct.usage"), "123456789\n")
	write(t, filepath.Join(root, "memory", rel, "memory.usage_in_bytes"), "10000\n")
	write(t, filepath.Join(root, "memory", rel, "memory.stat"), "cache 5\ntotal_inactive_file 4000\n")
	write(t, filepath.Join(root, "memory", rel, "memory.limit_in_bytes"), "9223372036854771712\n")
	write(t, filepath.Join(root, "blkio", rel, "blkio.throttle.io_service_bytes_recursive"),
		"8:0 Read 100\n8:0 Write 50\n8:16 Read 1\n8:0 Sync 7\nTotal 158\n")
	write(t, filepath.Join(root, "pids", rel, "pids.current"), "3\n")
	s, err := Read(root, "/"+rel)
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{CPUNano: 123456789, MemUsage: 6000, MemLimit: 9223372036854771712, BlockRead: 101, BlockWrite: 50, PIDs: 3}
	if *s != want {
		t.Fatalf("got %+v, want %+v", *s, want)
	}
	if _, err := Read(root, "/pod/other"); !errors.Is(err, ErrNoCgroup) {
		t.Fatalf("missing cgroup: %v", err)
	}
}

func TestReadV2(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "cgroup.controllers"), "cpu memory io pids\n")
	dir := filepath.Join(root, "machine.slice", "libpod-abc.scope")
	write(t, filepath.Join(dir, "cpu.stat"), "usage_usec 2500\nuser_usec 2000\n")
	write(t, filepath.Join(dir, "memory.current"), "8192\n")
	write(t, filepath.Join(dir, "memory.stat"), "anon 4096\ninactive_file 10000\n")
	write(t, filepath.Join(dir, "memory.max"), "max\n")
	write(t, filepath.Join(dir, "io.stat"), "8:0 rbytes=10 wbytes=20 rios=1 wios=2\n8:16 rbytes=1 wbytes=2\n")
	write(t, filepath.Join(dir, "pids.current"), "2\n")
	s, err := Read(root, "machine.slice:libpod:abc")
	if err != nil {
		t.Fatal(err)
	}
	// inactive_file larger than the usage must not wrap around.
	want := Stats{CPUNano: 2500000, MemUsage: 8192, BlockRead: 11, BlockWrite: 22, PIDs: 2}
	if *s != want {
		t.Fatalf("got %+v, want %+v", *s, want)
	}
	if _, err := Read(root, "/nope"); !errors.Is(err, ErrNoCgroup) {
		t.Fatalf("missing cgroup: %v", err)
	}
}

func TestRelPath(t *testing.T) {
	for in, want := range map[string]string{
		"/pod/abc":                     "/pod/abc",
		"pod/../../x":                  "/x",
		"machine.slice:libpod:abc":     "/machine.slice/libpod-abc.scope",
		"a-b-c.slice:crio:x":           "/a.slice/a-b.slice/a-b-c.slice/crio-x.scope",
		":libpod:abc":                  "/system.slice/libpod-abc.scope",
		"-.slice::abc":                 "/abc.scope",
		"user.slice:libpod:abc:extra?": "/user.slice:libpod:abc:extra?",
	} {
		if got := RelPath(in); got != want {
			t.Errorf("RelPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNetIOOwnNamespace(t *testing.T) {
	if _, _, ok := NetIO(os.Getpid()); ok {
		t.Fatal("the caller's own network namespace must not be reported")
	}
	if _, _, ok := NetIO(1 << 30); ok {
		t.Fatal("a process that does not exist must not be reported")
	}
}

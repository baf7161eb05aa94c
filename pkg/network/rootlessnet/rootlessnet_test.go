package rootlessnet

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"go.podman.io/common/pkg/config"
	"go.podman.io/common/pkg/netns"
)

func TestShortError(t *testing.T) {
	in := errors.New("pasta failed with exit code 1:\n/usr/bin/pasta: unrecognized option '--x'\nFailed to send 60 bytes to syslog\nUsage: /usr/bin/pasta [OPTION]...\n  -d, --debug")
	if got, want := shortError(in), "pasta failed with exit code 1: /usr/bin/pasta: unrecognized option '--x'"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A recorded helper is killed by Stop; a record whose start time does not
// match (the pid was reused) leaves the process alone.
func TestStopKillsOnlyTheRecordedProcess(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("sleep", "100")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	defer func() { _ = cmd.Process.Kill() }()
	pid := cmd.Process.Pid
	if err := record(dir, "other", Pasta, pid); err != nil {
		t.Fatal(err)
	}
	// tamper: another start time, as after pid reuse
	if err := os.WriteFile(recordPath(dir, "other"), []byte(`{"kind":"pasta","pid":`+itoa(pid)+`,"start":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if Pid(dir, "other") != 0 {
		t.Fatal("a record with another start time names a running helper")
	}
	Stop(dir, "other")
	select {
	case <-done:
		t.Fatal("Stop killed a process that is not the recorded helper")
	case <-time.After(100 * time.Millisecond):
	}
	if err := record(dir, "mine", Pasta, pid); err != nil {
		t.Fatal(err)
	}
	if Pid(dir, "mine") != pid {
		t.Fatalf("Pid = %d, want %d", Pid(dir, "mine"), pid)
	}
	Stop(dir, "mine")
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not end the recorded helper")
	}
	if _, err := os.Stat(recordPath(dir, "mine")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("record left: %v", err)
	}
	Stop(dir, "mine") // again: nothing to do
}

func itoa(i int) string { return strconv.Itoa(i) }

// The real helper on a real namespace (root): slirp4netns runs until the
// held end of its exit pipe closes, and forwards a port meanwhile.
func TestSlirp4netnsExitsWhenHoldCloses(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("creating a network namespace needs root (or the rootless user namespace)")
	}
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := Available(cfg, Slirp4netns); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "ns")
	ns, err := netns.NewNSAtPath(path)
	if err != nil {
		t.Skip("cannot create a network namespace:", err)
	}
	_ = ns.Close()
	defer func() { _ = netns.UnmountNS(path) }()
	res, err := Start(&Options{Config: cfg, Kind: Slirp4netns, ID: "c0ffee", NSPath: path, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hold) != 1 || len(res.IPs) != 1 || res.IPs[0] != "10.0.2.100" || len(res.DNS) != 1 || res.DNS[0] != "10.0.2.3" {
		t.Fatalf("result %+v", res)
	}
	pid := Pid(dir, "c0ffee")
	if pid <= 0 {
		t.Fatal("no helper recorded")
	}
	res.Hold[0].Close()
	for i := 0; i < 100 && Pid(dir, "c0ffee") != 0; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if Pid(dir, "c0ffee") != 0 {
		t.Fatalf("slirp4netns (pid %d) still runs after its exit pipe closed", pid)
	}
	Stop(dir, "c0ffee")
}

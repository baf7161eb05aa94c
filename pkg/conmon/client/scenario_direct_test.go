package client

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/conmontest"
)

// A direct monitor (Options.Direct, as pod starts pod-conmon) is the daemon
// itself: our child in a session of its own, its pid in --conmon-pidfile;
// a failure before the sync message comes back with what it wrote to
// stderr. The other scenarios run it too (forEach's pod-conmon-direct).
func TestScenarioDirect(t *testing.T) {
	conmontest.RequireRoot(t)
	if podConmon == "" {
		t.Skip("pod-conmon not built")
	}
	mon := monitorBin{name: "pod-conmon-direct", path: podConmon, direct: true}
	rt := conmontest.NewRuntime(t, "crun")
	ctx := ctx30(t)

	c := newCtr(t, mon, rt, "sleep", "100")
	m, _ := c.mustCreate(ctx)
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(m.Pid()) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	// pid (comm) state ppid pgrp session ...
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	if f[1] != strconv.Itoa(os.Getpid()) || f[2] != strconv.Itoa(m.Pid()) || f[3] != strconv.Itoa(m.Pid()) {
		t.Errorf("monitor %d: ppid %s pgrp %s session %s, want ppid %d and its own group and session", m.Pid(), f[1], f[2], f[3], os.Getpid())
	}
	if got, _ := os.ReadFile(c.args.ConmonPidFile); strings.TrimSpace(string(got)) != strconv.Itoa(m.Pid()) {
		t.Errorf("conmon pid file %q, want %d", got, m.Pid())
	}

	bad := newCtr(t, mon, rt, "true")
	bad.args.LogPaths = []string{"k8s-file:/proc/nonexistent/ctr.log"}
	if _, _, err := bad.create(ctx); err == nil || !strings.Contains(err.Error(), "Failed to open log file /proc/nonexistent/ctr.log") {
		t.Errorf("create with an unopenable log: %v, want the monitor's own message", err)
	}
}

// pod-conmon --periodic-pid runs the periodic command every interval while
// the process lives, one run at a time, and exits when it ends.
func TestTimerMode(t *testing.T) {
	if podConmon == "" {
		t.Skip("pod-conmon not built")
	}
	target := exec.Command("sleep", "100")
	if err := target.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = target.Process.Kill(); _ = target.Wait() }()
	runs := filepath.Join(t.TempDir(), "runs")
	a := conmon.Args{PeriodicCommand: "/bin/sh", PeriodicCommandArgs: []string{"-c", "echo run >> " + runs},
		PeriodicInterval: 100, PeriodicPid: target.Process.Pid}
	timer := exec.Command(podConmon, a.Argv()...)
	timer.Env = DirectEnv(os.Environ())
	if err := timer.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- timer.Wait() }()
	time.Sleep(700 * time.Millisecond)
	_ = target.Process.Kill()
	_ = target.Wait()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("timer: %v", err)
		}
	case <-time.After(10 * time.Second):
		_ = timer.Process.Kill()
		t.Fatal("the timer outlived the process it watched")
	}
	data, _ := os.ReadFile(runs)
	if n := strings.Count(string(data), "run\n"); n < 2 {
		t.Errorf("%d runs in 700 ms at a 100 ms interval, want several", n)
	}
	// Bad use is refused, and a process that is gone too.
	for _, args := range [][]string{{"--periodic-pid", "1"}, {"--periodic-pid", "999999999", "--periodic-command", "/bin/true", "--periodic-interval", "10"}} {
		if out, err := exec.Command(podConmon, args...).CombinedOutput(); err == nil {
			t.Errorf("pod-conmon %v succeeded: %s", args, out)
		}
	}
}

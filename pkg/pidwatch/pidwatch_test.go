package pidwatch

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestParseStat(t *testing.T) {
	st, start, err := parseStat("123 (a) b) c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4242 19 20")
	if err != nil || st != 'S' || start != 4242 {
		t.Fatalf("got %c %d %v", st, start, err)
	}
	for _, bad := range []string{"", "1 (x", "1 (x) ", "1 (x) S 1 2", "1 (x) SS 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 1 2",
		"1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 -4 2"} {
		if _, _, err := parseStat(bad); err == nil {
			t.Errorf("parseStat(%q) succeeded", bad)
		}
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add("123 (a) b) c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4242 19 20")
	f.Add("1 (x) Z")
	f.Fuzz(func(t *testing.T, s string) {
		_, _, _ = parseStat(s)
	})
}

// started starts argv as our child and returns it with its start time.
func started(t *testing.T, argv ...string) (*exec.Cmd, uint64) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	start, err := StartTime(cmd.Process.Pid)
	if err != nil || start == 0 {
		t.Fatalf("start time of child %d: %d, %v", cmd.Process.Pid, start, err)
	}
	return cmd, start
}

func waitCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func state(t *testing.T, pid int) byte {
	st, _, err := stat(pid)
	if err != nil {
		t.Fatalf("stat %d: %v", pid, err)
	}
	return st
}

func TestNoProcess(t *testing.T) {
	for _, pid := range []int{0, -1, 1 << 30} {
		if Running(pid, 0) {
			t.Errorf("Running(%d) = true", pid)
		}
		if _, err := StartTime(pid); err == nil {
			t.Errorf("StartTime(%d) succeeded", pid)
		}
		if err := WaitExit(context.Background(), pid, 0); err != nil {
			t.Errorf("WaitExit(%d): %v", pid, err)
		}
		if err := Kill(pid, 0, syscall.SIGKILL); err != nil {
			t.Errorf("Kill(%d): %v", pid, err)
		}
	}
	if !Running(os.Getpid(), 0) {
		t.Fatal("this process does not run")
	}
}

// A child that exits: WaitExit returns once it has, although nobody reaped
// it yet; once reaped, its pid names nothing.
func TestChildExits(t *testing.T) {
	cmd, start := started(t, "sleep", "0.3")
	pid := cmd.Process.Pid
	if !Running(pid, start) {
		t.Fatal("child does not run")
	}
	t0 := time.Now()
	if err := WaitExit(waitCtx(t, 10*time.Second), pid, start); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d < 200*time.Millisecond || d > 5*time.Second {
		t.Fatalf("WaitExit returned after %v for a 0.3 s sleep", d)
	}
	if Running(pid, start) {
		t.Fatal("exited child still running")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := StartTime(pid); err == nil {
		t.Fatal("StartTime of a reaped child succeeded")
	}
}

// A zombie (exited, not reaped) counts as exited, but still has its start
// time: it holds its pid.
func TestZombieChild(t *testing.T) {
	cmd, start := started(t, "sh", "-c", "exit 3")
	pid := cmd.Process.Pid
	deadline := time.Now().Add(10 * time.Second)
	for state(t, pid) != 'Z' {
		if time.Now().After(deadline) {
			t.Fatalf("child %d did not become a zombie", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if Running(pid, 0) || Running(pid, start) {
		t.Fatal("zombie counted as running")
	}
	if s, err := StartTime(pid); err != nil || s != start {
		t.Fatalf("zombie start time: %d, %v; want %d", s, err, start)
	}
	// Returns at once, though the pidfd of a zombie would be readable too.
	if err := WaitExit(waitCtx(t, time.Second), pid, start); err != nil {
		t.Fatal(err)
	}
	if err := Kill(pid, start, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Still a zombie, still ours to reap, with its own status.
	var ee *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("reaping the zombie: %v", err)
	}
}

// A process that is not our child (its parent, a shell, has gone) is
// watched and killed the same way: the pidfd says when it exits.
func TestNonChild(t *testing.T) {
	out, err := exec.Command("sh", "-c", "sleep 30 </dev/null >/dev/null 2>&1 & echo $!").Output()
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	start, err := StartTime(pid)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Kill(pid, start, syscall.SIGKILL) })
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil || strings.Contains(string(status), "\nPPid:\t"+strconv.Itoa(os.Getpid())+"\n") {
		t.Fatalf("pid %d should not be our child: %v\n%s", pid, err, status)
	}
	if !Running(pid, start) {
		t.Fatal("non-child does not run")
	}
	done := make(chan error, 1)
	go func() { done <- WaitExit(waitCtx(t, 10*time.Second), pid, start) }()
	select {
	case err := <-done:
		t.Fatalf("WaitExit returned while the process runs: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := Kill(pid, start, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("WaitExit did not return after the process was killed")
	}
	if Running(pid, start) {
		t.Fatal("killed non-child still running")
	}
}

// A start time that is not the process's stands for a pid reused by
// another process: that one is not running as far as the caller knows,
// not waited for and not signalled.
func TestReusedPid(t *testing.T) {
	cmd, start := started(t, "sleep", "30")
	pid := cmd.Process.Pid
	other := start + 1
	if Running(pid, other) {
		t.Fatal("another start time counted as running")
	}
	if err := WaitExit(waitCtx(t, 5*time.Second), pid, other); err != nil {
		t.Fatalf("WaitExit for a reused pid: %v", err)
	}
	if err := Kill(pid, other, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if !Running(pid, start) || state(t, pid) == 'Z' {
		t.Fatal("Kill with another start time killed the process")
	}
	if err := Kill(pid, start, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := WaitExit(waitCtx(t, 5*time.Second), pid, start); err != nil {
		t.Fatal(err)
	}
}

// WaitExit is bounded by its context: it gives up with the context's error
// and leaves the process alone.
func TestWaitExitTimeout(t *testing.T) {
	cmd, start := started(t, "sleep", "30")
	pid := cmd.Process.Pid
	t0 := time.Now()
	err := WaitExit(waitCtx(t, 150*time.Millisecond), pid, start)
	d := time.Since(t0)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitExit past its deadline: %v", err)
	}
	if d < 150*time.Millisecond || d > 2*time.Second {
		t.Fatalf("WaitExit with a 150 ms deadline took %v", d)
	}
	if !Running(pid, start) {
		t.Fatal("the process stopped running")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WaitExit(ctx, pid, start); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitExit with a canceled context: %v", err)
	}
}

// Without pidfds (old kernels) WaitExit polls /proc, with the same results.
func TestWaitExitWithoutPidfd(t *testing.T) {
	pidfdOpen = func(int, int) (int, error) { return -1, syscall.ENOSYS }
	t.Cleanup(func() { pidfdOpen = unix.PidfdOpen })
	TestWaitExitTimeout(t)
	TestChildExits(t)
}

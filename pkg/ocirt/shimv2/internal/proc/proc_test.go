package proc

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	st, start, err := parseStat("123 (a) b) c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4242 19 20")
	if err != nil || st != 'S' || start != 4242 {
		t.Fatalf("got %c %d %v", st, start, err)
	}
	for _, bad := range []string{"", "1 (x", "1 (x) ", "1 (x) S 1 2", "1 (x) SS 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 1 2"} {
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

func TestAliveWaitExit(t *testing.T) {
	if !Alive(os.Getpid(), StartTime(os.Getpid())) {
		t.Fatal("self not alive")
	}
	cmd := exec.Command("sleep", "0.2")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	start := StartTime(pid)
	if !Alive(pid, start) || Alive(pid, start+1) {
		t.Fatal("start time check wrong")
	}
	// Not reaped yet: the child becomes a zombie, which must count as exited.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := WaitExit(ctx, pid, start); err != nil {
		t.Fatal(err)
	}
	if Alive(pid, 0) {
		t.Fatal("zombie counted as alive")
	}
	cmd.Wait()
}

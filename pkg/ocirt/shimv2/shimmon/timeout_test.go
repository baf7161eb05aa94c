package shimmon

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestKillAfter(t *testing.T) {
	var calls atomic.Int32
	none := killAfter(0, func() error { calls.Add(1); return nil })
	ok := killAfter(1, func() error { calls.Add(1); return nil })
	gone := killAfter(1, func() error { calls.Add(1); return errors.New("process already finished") })
	deadline := time.Now().Add(10 * time.Second)
	for calls.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if calls.Load() != 2 {
		t.Fatalf("kill ran %d times, want 2 (not for seconds=0)", calls.Load())
	}
	if !ok.timedOut() || none.timedOut() || gone.timedOut() {
		t.Fatalf("timed out: ok=%v none=%v gone=%v; want true false false", ok.timedOut(), none.timedOut(), gone.timedOut())
	}
	// A task that ends before its time: the kill never runs.
	var early atomic.Int32
	before := killAfter(5, func() error { early.Add(1); return nil })
	if before.timedOut() || early.Load() != 0 {
		t.Fatalf("a task that ended first counts as timed out (%v) or was killed (%d)", before.timedOut(), early.Load())
	}
}

// The task ends from the kill before the kill's reply comes back: the
// status is still the time limit's.
func TestKillAfterReplyAfterExit(t *testing.T) {
	exited := make(chan struct{})
	k := killAfter(1, func() error {
		close(exited)                      // the task dies at once...
		time.Sleep(300 * time.Millisecond) // ...the reply comes later
		return nil
	})
	<-exited
	if !k.timedOut() {
		t.Fatal("a kill whose reply came after the exit is not counted as the time limit")
	}
}

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
	if ok.Load() {
		t.Fatal("killed before its time")
	}
	deadline := time.Now().Add(10 * time.Second)
	for calls.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if calls.Load() != 2 {
		t.Fatalf("kill ran %d times, want 2 (not for seconds=0)", calls.Load())
	}
	if !ok.Load() || none.Load() || gone.Load() {
		t.Fatalf("timed out: ok=%v none=%v gone=%v; want true false false", ok.Load(), none.Load(), gone.Load())
	}
}

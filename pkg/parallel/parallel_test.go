package parallel

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

func TestMapKeepsInputOrderAndBound(t *testing.T) {
	items := make([]int, 200)
	for i := range items {
		items[i] = i
	}
	var running, peak atomic.Int32
	errs := Map(context.Background(), items, 7, func(_ context.Context, n int) error {
		cur := running.Add(1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		running.Add(-1)
		if n%3 == 0 {
			return fmt.Errorf("item %d", n)
		}
		return nil
	})
	if len(errs) != len(items) {
		t.Fatalf("%d errors for %d items", len(errs), len(items))
	}
	for i, err := range errs {
		want := ""
		if i%3 == 0 {
			want = fmt.Sprintf("item %d", i)
		}
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Fatalf("errs[%d] = %q, want %q", i, got, want)
		}
	}
	if p := peak.Load(); p > 7 || p < 2 {
		t.Fatalf("peak concurrency %d, want 2..7", p)
	}
}

// TestMapRunsConcurrently: items that each wait take about one wait in all,
// which is what makes stop -a of many containers take one timeout.
func TestMapRunsConcurrently(t *testing.T) {
	items := make([]int, 40)
	release := make(chan struct{})
	var started atomic.Int32
	done := make(chan []error)
	go func() {
		done <- Map(context.Background(), items, 0, func(context.Context, int) error {
			started.Add(1)
			<-release
			return nil
		})
	}()
	// All 40 must be waiting at once before any is released.
	for started.Load() < int32(len(items)) {
		time.Sleep(time.Millisecond)
	}
	close(release)
	for _, err := range <-done {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestMapCancelledSkipsTheRest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	errs := Map(ctx, make([]int, 50), 1, func(context.Context, int) error {
		if calls.Add(1) == 3 {
			cancel()
		}
		return nil
	})
	if n := calls.Load(); n != 3 {
		t.Fatalf("fn ran %d times after cancel at the third", n)
	}
	for i, err := range errs[3:] {
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("errs[%d] = %v, want context.Canceled", i+3, err)
		}
	}
	if errs := Map(context.Background(), []int(nil), 0, func(context.Context, int) error { return nil }); len(errs) != 0 {
		t.Fatalf("empty input gave %v", errs)
	}
}

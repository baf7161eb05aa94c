package lock

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestExclusive(t *testing.T) {
	m, err := NewManager(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var inside, maxInside int32
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := m.Lock("c1")
			if err != nil {
				t.Error(err)
				return
			}
			n := atomic.AddInt32(&inside, 1)
			for {
				old := atomic.LoadInt32(&maxInside)
				if n <= old || atomic.CompareAndSwapInt32(&maxInside, old, n) {
					break
				}
			}
			atomic.AddInt32(&inside, -1)
			l.Unlock()
		}()
	}
	wg.Wait()
	if maxInside != 1 {
		t.Fatalf("%d holders at once", maxInside)
	}
}

func TestOrderedAndNames(t *testing.T) {
	m, err := NewManager(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	set, err := m.LockOrdered("b", "a", "b")
	if err != nil || len(set) != 2 {
		t.Fatalf("LockOrdered: %v (%d locks)", err, len(set))
	}
	set.Unlock()
	for _, bad := range []string{"", "..", "a/b", "."} {
		if _, err := m.Lock(bad); err == nil {
			t.Errorf("lock name %q accepted", bad)
		}
	}
}

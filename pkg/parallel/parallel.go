// Package parallel runs one function over many items with a bounded number
// of goroutines and returns each item's error in input order. The verbs on
// many containers (stop -a, rm -af, pause -a…) use it, as Podman runs them
// in parallel; a verb's own locks keep two operations on one container
// apart.
package parallel

import (
	"context"
	"runtime"
	"sync"
)

// DefaultWorkers is how many items run at once when the caller says 0.
// A container verb mostly waits (for a stop timeout, an exit file, a
// runtime process), so the bound is well above the CPU count: `stop -a -t 1`
// of 50 containers that ignore SIGTERM takes one timeout, not fifty. It still
// bounds the runtime processes and state-database writers alive at once.
func DefaultWorkers() int {
	return max(64, 8*runtime.NumCPU())
}

// Map calls fn on every item, at most workers at a time (0 =
// DefaultWorkers), and returns the errors in the order of items (nil for an
// item that succeeded). Items not yet started when ctx ends get ctx's error
// without fn being called; fn gets ctx to stop what it started.
func Map[T any](ctx context.Context, items []T, workers int, fn func(context.Context, T) error) []error {
	errs := make([]error, len(items))
	if workers <= 0 {
		workers = DefaultWorkers()
	}
	workers = min(workers, len(items))
	next := make(chan int)
	var wg sync.WaitGroup
	wg.Add(workers)
	for range workers {
		go func() {
			defer wg.Done()
			for i := range next {
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				errs[i] = fn(ctx, items[i])
			}
		}()
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()
	return errs
}

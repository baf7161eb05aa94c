package libpod

import (
	"context"
	"sync"
)

// LogsOf calls fn with the lines of several containers, interleaved in time
// order: the logs already written are merged by time (ties keep the order
// of cs), and with Follow the lines written later come as they are written.
// fn is never called concurrently; a line's Content is its own copy. The
// first error (from a container's log or from fn) ends it.
func LogsOf(ctx context.Context, cs []*Container, o LogOptions, fn func(*Container, LogLine) error) error {
	if len(cs) == 1 {
		return cs[0].Logs(ctx, o, func(l LogLine) error { return fn(cs[0], l) })
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := &logMerger{wake: make(chan struct{}, 1)}
	var wg sync.WaitGroup
	for _, c := range cs {
		src := &logSource{c: c, ch: make(chan logItem, 64)}
		m.srcs = append(m.srcs, src)
		wg.Add(1)
		go func() {
			defer wg.Done()
			src.read(ctx, o, m.wake)
		}()
	}
	err := m.run(ctx, fn)
	cancel()
	wg.Wait()
	return err
}

// logItem is what a source sends: a line, a note that it has caught up
// with a running container's log (idle), or its end (done, with its error).
type logItem struct {
	line LogLine
	idle bool
	done bool
	err  error
}

// logSource is one container's reader and what the merger knows of it.
type logSource struct {
	c    *Container
	ch   chan logItem
	head *LogLine // the next line to print, when known
	idle bool     // caught up with a running container: nothing to wait for
	done bool
}

// read sends the container's lines, with an idle note each time it catches
// up after sending lines, then done.
func (s *logSource) read(ctx context.Context, o LogOptions, wake chan struct{}) {
	send := func(it logItem) bool {
		select {
		case s.ch <- it:
		case <-ctx.Done():
			return false
		}
		select {
		case wake <- struct{}{}:
		default:
		}
		return true
	}
	busy := true // lines sent since the last idle note (or none yet)
	lo := o
	lo.caughtUp = func() {
		if busy {
			busy = !send(logItem{idle: true})
		}
	}
	err := s.c.Logs(ctx, lo, func(l LogLine) error {
		l.Content = append([]byte(nil), l.Content...)
		busy = true
		if !send(logItem{line: l}) {
			return ctx.Err()
		}
		return nil
	})
	send(logItem{done: true, err: err})
}

// logMerger prints the sources' lines in time order.
type logMerger struct {
	srcs []*logSource
	wake chan struct{}
}

func (m *logMerger) run(ctx context.Context, fn func(*Container, LogLine) error) error {
	for {
		// Every source that may still have an earlier line must show it
		// (or say it has caught up, or ended) before anything is printed.
		for _, s := range m.srcs {
			for s.head == nil && !s.done && !s.idle {
				select {
				case it := <-s.ch:
					if err := s.take(it); err != nil {
						return err
					}
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		}
		// Idle sources may have new lines by now.
		for _, s := range m.srcs {
			if err := s.poll(); err != nil {
				return err
			}
		}
		var next *logSource
		for _, s := range m.srcs {
			if s.head != nil && (next == nil || s.head.Time.Before(next.head.Time)) {
				next = s
			}
		}
		if next != nil {
			l := *next.head
			next.head = nil
			if err := fn(next.c, l); err != nil {
				return err
			}
			continue
		}
		if m.allDone() {
			return nil
		}
		select { // every live source is idle: wait for any of them
		case <-m.wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (m *logMerger) allDone() bool {
	for _, s := range m.srcs {
		if !s.done {
			return false
		}
	}
	return true
}

// take records an item received from the source.
func (s *logSource) take(it logItem) error {
	switch {
	case it.done:
		s.done = true
		return it.err
	case it.idle:
		s.idle = true
	default:
		s.idle = false
		s.head = &it.line
	}
	return nil
}

// poll takes what an idle source sent since, without waiting.
func (s *logSource) poll() error {
	for s.idle && s.head == nil && !s.done {
		select {
		case it := <-s.ch:
			if err := s.take(it); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

package k8sfile

import (
	"context"
	"errors"
	"io"
	"os"
	"syscall"
	"time"
)

// Options select and follow the lines ReadLog returns.
type Options struct {
	// Since and Until bound the lines' times (zero: unbounded). Until is
	// inclusive.
	Since, Until time.Time
	// Tail > 0 returns only the last Tail lines present when ReadLog starts
	// (then, with Follow, every new line); 0 returns none of them; < 0 all.
	Tail int
	// Follow keeps reading as the container writes, across a reopen or
	// rotation of the file (a new file at the path), until ctx ends, Until
	// has passed, or Stop returns true.
	Follow bool
	// Stop is asked whenever the reader has caught up; once it returns true
	// (for example: the container exited) the rest of the file is read and
	// ReadLog returns. nil: follow until ctx ends.
	Stop func() bool
	// Poll is how often a caught-up follower looks for more (default 100ms).
	Poll time.Duration
}

// ReadLog calls fn for each line of the k8s-file log at path, joining
// partial records. With Follow a missing file is waited for; without, it is
// an error satisfying os.IsNotExist. An unfinished last line is returned
// (Incomplete) only when ReadLog stops.
func ReadLog(ctx context.Context, path string, o Options, fn func(Line) error) error {
	if o.Poll <= 0 {
		o.Poll = 100 * time.Millisecond
	}
	lr := &logReader{path: path, o: o, fn: fn, tailing: o.Tail >= 0}
	return lr.run(ctx)
}

type logReader struct {
	path    string
	o       Options
	fn      func(Line) error
	f       *os.File
	ino     uint64
	off     int64
	rd      *Reader
	j       Joiner
	tailing bool   // collecting the initial lines for Tail
	ring    []Line // last Tail lines
}

func (lr *logReader) run(ctx context.Context) error {
	defer func() {
		if lr.f != nil {
			lr.f.Close()
		}
	}()
	for {
		if lr.f == nil {
			if err := lr.open(); err != nil {
				if !lr.o.Follow || !os.IsNotExist(err) {
					return err
				}
				if done, err := lr.wait(ctx); done {
					return err
				}
				continue
			}
		}
		if err := lr.drain(); err != nil {
			return err
		}
		if !lr.o.Follow {
			return lr.finish()
		}
		if lr.tailing {
			lr.tailing = false
			for _, l := range lr.ring {
				if err := lr.fn(l); err != nil {
					return err
				}
			}
			lr.ring = nil
		}
		// Caught up: a new file at the path means the old one was rotated
		// away; the old one is fully read, continue with the new one.
		if st, err := os.Stat(lr.path); err == nil {
			if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Ino != lr.ino {
				lr.f.Close()
				lr.f = nil
				continue
			}
			if st.Size() < lr.off { // truncated in place
				if _, err := lr.f.Seek(0, io.SeekStart); err == nil {
					lr.off = 0
					lr.rd = NewReader(lr.f)
				}
				continue
			}
		}
		if done, err := lr.wait(ctx); done {
			if err == nil {
				if derr := lr.drain(); derr != nil {
					return derr
				}
				return lr.finish()
			}
			return err
		}
	}
}

// wait sleeps one poll interval; done reports that following must end
// (err is ctx's error, or nil when Stop or Until ended it).
func (lr *logReader) wait(ctx context.Context) (done bool, err error) {
	if lr.o.Stop != nil && lr.o.Stop() {
		return true, nil
	}
	if !lr.o.Until.IsZero() && time.Now().After(lr.o.Until) {
		return true, nil
	}
	t := time.NewTimer(lr.o.Poll)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return true, ctx.Err()
	case <-t.C:
		return false, nil
	}
}

func (lr *logReader) open() error {
	f, err := os.Open(lr.path)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		lr.ino = sys.Ino
	}
	lr.f, lr.off = f, 0
	lr.rd = NewReader(&countingReader{f, &lr.off})
	return nil
}

// drain reads every complete record currently in the file.
func (lr *logReader) drain() error {
	for {
		line, ok, err := lr.rd.nextCompleteLine(lr.o.Follow)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		rec, perr := ParseRecord(line)
		if perr != nil {
			lr.rd.Skipped++
			continue
		}
		if l, ok := lr.j.Add(rec); ok {
			if err := lr.emit(l); err != nil {
				return err
			}
		}
	}
}

// finish emits the unfinished lines, then (when still collecting the tail)
// the tail.
func (lr *logReader) finish() error {
	for _, l := range lr.j.Flush() {
		if err := lr.emit(l); err != nil {
			return err
		}
	}
	if lr.tailing {
		lr.tailing = false
		for _, l := range lr.ring {
			if err := lr.fn(l); err != nil {
				return err
			}
		}
	}
	return nil
}

func (lr *logReader) emit(l Line) error {
	if !lr.o.Since.IsZero() && l.Time.Before(lr.o.Since) {
		return nil
	}
	if !lr.o.Until.IsZero() && l.Time.After(lr.o.Until) {
		return nil
	}
	if lr.tailing {
		if lr.o.Tail == 0 {
			return nil
		}
		if len(lr.ring) == lr.o.Tail {
			copy(lr.ring, lr.ring[1:])
			lr.ring = lr.ring[:len(lr.ring)-1]
		}
		lr.ring = append(lr.ring, l)
		return nil
	}
	return lr.fn(l)
}

// nextCompleteLine is nextLine that, when following, leaves an
// unterminated last line in the buffer for the next round.
func (r *Reader) nextCompleteLine(follow bool) ([]byte, bool, error) {
	if !follow {
		line, ok, err := r.nextLine()
		if errors.Is(err, io.EOF) {
			return nil, false, nil
		}
		return line, ok, err
	}
	line, ok, err := r.nextLine()
	if errors.Is(err, io.EOF) {
		r.eof = false // more may come
		return nil, false, nil
	}
	if err != nil || !ok {
		return nil, false, err
	}
	if r.eof && r.start == r.end && (r.end == 0 || r.buf[r.end-1] != '\n') {
		// The unterminated tail: put it back and wait for its newline.
		r.start = r.end - len(line)
		r.eof = false
		return nil, false, nil
	}
	r.eof = false
	return line, true, nil
}

type countingReader struct {
	r   io.Reader
	off *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.off += int64(n)
	return n, err
}

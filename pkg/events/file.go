package events

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// File is the file backend: one JSON line per event in Path, as Podman's.
//
// Writers from many processes append with O_APPEND, one write(2) per event,
// so lines never interleave. Rotation replaces the file (a new inode), so
// each writer holds a shared flock on Path+".lock" around its write and the
// rotator an exclusive one: no event goes to a file already rotated away.
type File struct {
	Path    string
	MaxSize uint64
}

func (f *File) String() string { return "file" }

func (f *File) lockPath() string { return f.Path + ".lock" }

func (f *File) openLock() (*os.File, error) {
	l, err := os.OpenFile(f.lockPath(), os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o600)
	if errors.Is(err, os.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(f.Path), 0o700); err == nil {
			l, err = os.OpenFile(f.lockPath(), os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o600)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("opening the events log lock: %w", err)
	}
	return l, nil
}

func flock(f *os.File, how int) error {
	for {
		err := unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			return err
		}
	}
}

// Write appends e and rotates the log when it grew past MaxSize.
func (f *File) Write(e Event) error {
	line, err := e.ToJSON()
	if err != nil {
		return err
	}
	line = append(line, '\n')
	l, err := f.openLock()
	if err != nil {
		return err
	}
	defer l.Close()
	if err := flock(l, unix.LOCK_SH); err != nil {
		return fmt.Errorf("locking the events log: %w", err)
	}
	size, err := appendLine(f.Path, line)
	_ = flock(l, unix.LOCK_UN)
	if err != nil {
		return fmt.Errorf("writing the events log %s: %w", f.Path, err)
	}
	if f.MaxSize > 0 && uint64(size) > f.MaxSize {
		return f.rotate(l)
	}
	return nil
}

func appendLine(path string, line []byte) (int64, error) {
	w, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return 0, err
	}
	defer w.Close()
	if _, err := w.Write(line); err != nil {
		return 0, err
	}
	st, err := w.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// rotate keeps the newest half of the log (whole lines) and a log-rotation
// event, as Podman 4.3.1 does, in a new file renamed over the old one.
func (f *File) rotate(l *os.File) error {
	if err := flock(l, unix.LOCK_EX); err != nil {
		return fmt.Errorf("locking the events log: %w", err)
	}
	defer func() { _ = flock(l, unix.LOCK_UN) }()
	data, err := os.ReadFile(f.Path)
	if err != nil {
		return fmt.Errorf("rotating the events log: %w", err)
	}
	if uint64(len(data)) <= f.MaxSize {
		return nil // another writer rotated it meanwhile
	}
	keep := data[uint64(len(data))-f.MaxSize/2:]
	if i := bytes.IndexByte(keep, '\n'); i >= 0 {
		keep = keep[i+1:]
	} else {
		keep = nil
	}
	rot := Event{Type: System, Status: Rotate, Time: time.Now(), Name: f.Path}
	line, _ := rot.ToJSON()
	tmp := f.Path + ".rotate"
	out := append(append(append([]byte{}, keep...), line...), '\n')
	if err := os.WriteFile(tmp, out, 0o600); err != nil {
		return fmt.Errorf("rotating the events log: %w", err)
	}
	if err := os.Rename(tmp, f.Path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("rotating the events log: %w", err)
	}
	return nil
}

// Read reads the log from its start, then, when o.Stream, follows it
// (across rotations) until ctx is done.
func (f *File) Read(ctx context.Context, o ReadOptions) error {
	defer close(o.Out)
	flt, err := o.compile()
	if err != nil {
		return err
	}
	var (
		r        *os.File
		ino      uint64
		br       *bufio.Reader
		partial  []byte
		lastRot  time.Time
		skipping bool // after a rotation: skip what was already read
	)
	open := func() error {
		var err error
		r, err = os.Open(f.Path)
		if err != nil {
			return err
		}
		st, err := r.Stat()
		if err != nil {
			return err
		}
		ino = st.Sys().(*syscall.Stat_t).Ino
		br = bufio.NewReaderSize(r, 64<<10)
		return nil
	}
	defer func() {
		if r != nil {
			r.Close()
		}
	}()
	if err := open(); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("reading the events log: %w", err)
		}
		r = nil
		if !o.Stream {
			return nil
		}
	}
	// drain sends what the open file holds; false means stop reading.
	drain := func() (bool, error) {
		for r != nil {
			chunk, err := br.ReadBytes('\n')
			partial = append(partial, chunk...)
			if err == io.EOF {
				return true, nil
			}
			if err != nil {
				return false, fmt.Errorf("reading the events log: %w", err)
			}
			line := partial
			partial = nil
			var e Event
			if json.Unmarshal(line, &e) != nil {
				continue // a torn or foreign line
			}
			if e.Type == System && e.Status == Rotate {
				if e.Time.After(lastRot) {
					skipping = false
					lastRot = e.Time
				}
			} else if skipping {
				continue
			}
			if !o.Until.IsZero() && e.Time.After(o.Until) {
				if !o.Stream {
					return false, nil
				}
				continue
			}
			if flt(&e) {
				select {
				case o.Out <- e:
				case <-ctx.Done():
					return false, nil
				}
			}
		}
		return true, nil
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if more, err := drain(); !more || err != nil {
			return err
		}
		if !o.Stream || (!o.Until.IsZero() && time.Now().After(o.Until)) {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		st, err := os.Stat(f.Path)
		if err != nil || (r != nil && st.Sys().(*syscall.Stat_t).Ino == ino) {
			continue
		}
		// Rotated (or created): finish the old file, then read the new one,
		// skipping what it kept from the old one.
		rotated := r != nil
		if more, err := drain(); !more || err != nil {
			return err
		}
		if r != nil {
			r.Close()
			r = nil
		}
		if open() != nil {
			r = nil
			continue
		}
		partial = nil
		skipping = rotated
	}
}

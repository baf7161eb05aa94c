package shimmon

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// stdio are the FIFOs a shim copies the process's stdio through. pod-shim
// reads stdout/stderr and writes stdin. Until the shim has opened its ends,
// a writer of our own keeps the output FIFOs from reporting EOF; after that
// EOF means the shim closed them (the process's output ended).
type stdio struct {
	StdinPath, StdoutPath, StderrPath string // "" = none

	mu      sync.Mutex
	stdin   *os.File // our writer; nil once closed
	stdout  *os.File
	stderr  *os.File
	dummies []*os.File
}

// newStdio creates the FIFOs in dir with the given name prefix. With a
// terminal the shim sends everything to stdout.
func newStdio(dir, prefix string, withStdin, terminal bool) (_ *stdio, err error) {
	s := &stdio{}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	mk := func(name string) (string, error) {
		p := filepath.Join(dir, prefix+name)
		_ = os.Remove(p)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			return "", &os.PathError{Op: "mkfifo", Path: p, Err: err}
		}
		return p, nil
	}
	openOut := func(p string) (*os.File, error) {
		fd, err := syscall.Open(p, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: p, Err: err}
		}
		dfd, err := syscall.Open(p, syscall.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err != nil {
			syscall.Close(fd)
			return nil, &os.PathError{Op: "open", Path: p, Err: err}
		}
		s.dummies = append(s.dummies, os.NewFile(uintptr(dfd), p))
		return os.NewFile(uintptr(fd), p), nil // non-blocking: served by the poller
	}
	if s.StdoutPath, err = mk("stdout"); err != nil {
		return nil, err
	}
	if s.stdout, err = openOut(s.StdoutPath); err != nil {
		return nil, err
	}
	if !terminal {
		if s.StderrPath, err = mk("stderr"); err != nil {
			return nil, err
		}
		if s.stderr, err = openOut(s.StderrPath); err != nil {
			return nil, err
		}
	}
	if withStdin {
		if s.StdinPath, err = mk("stdin"); err != nil {
			return nil, err
		}
		// Read-write, so that opening never blocks and the shim sees EOF
		// only when we close it. Non-blocking, so that the poller serves
		// it: a write blocked on a process that stopped reading (or is
		// gone: we are then the FIFO's only reader) ends when we close it.
		fd, err := syscall.Open(s.StdinPath, syscall.O_RDWR|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: s.StdinPath, Err: err}
		}
		s.stdin = os.NewFile(uintptr(fd), s.StdinPath)
	}
	return s, nil
}

// shimOpened drops our placeholder writers: the shim holds its own now.
func (s *stdio) shimOpened() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.dummies {
		f.Close()
	}
	s.dummies = nil
}

var errStdinClosed = errors.New("stdin is closed")

// writeStdin writes attach input to the process's stdin.
func (s *stdio) writeStdin(p []byte) error {
	s.mu.Lock()
	f := s.stdin
	s.mu.Unlock()
	if f == nil {
		return errStdinClosed
	}
	_, err := f.Write(p)
	return err
}

// closeStdin closes our end of stdin: the shim reads EOF and closes the
// process's stdin. It reports whether it was open.
func (s *stdio) closeStdin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stdin == nil {
		return false
	}
	s.stdin.Close()
	s.stdin = nil
	return true
}

// pump copies stdout and stderr to out until both reach EOF, then closes done.
func (s *stdio) pump(out func(stream byte, data []byte)) (done <-chan struct{}) {
	ch := make(chan struct{})
	var wg sync.WaitGroup
	for _, p := range []struct {
		f      *os.File
		stream byte
	}{{s.stdout, 2}, {s.stderr, 3}} {
		if p.f == nil {
			continue
		}
		wg.Add(1)
		go func(f *os.File, stream byte) {
			defer wg.Done()
			buf := make([]byte, 8192)
			for {
				n, err := f.Read(buf)
				if n > 0 {
					out(stream, buf[:n])
				}
				if err != nil {
					if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
						diag.warn("reading %s: %v", f.Name(), err)
					}
					return
				}
			}
		}(p.f, p.stream)
	}
	go func() { wg.Wait(); close(ch) }()
	return ch
}

// close closes every fd and removes the FIFOs.
func (s *stdio) close() {
	s.shimOpened()
	s.closeStdin()
	for _, f := range []*os.File{s.stdout, s.stderr} {
		if f != nil {
			f.Close()
		}
	}
	for _, p := range []string{s.StdinPath, s.StdoutPath, s.StderrPath} {
		if p != "" {
			_ = os.Remove(p)
		}
	}
}

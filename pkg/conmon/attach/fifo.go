package attach

import (
	"os"
	"syscall"

	"github.com/pod-engine/pod/pkg/conmon"
)

// Fifo is one of the FIFOs a caller writes control lines to: <dir>/ctl
// ("<type> <height> <width>", see conmon.ParseCtl) or <dir>/winsz
// ("<height> <width>", conmon.ParseWinsz). The monitor holds a writer of
// its own, so callers coming and going never make it see EOF or a flood of
// hang-ups.
type Fifo struct {
	path  string
	r, w  int
	lines conmon.CtlReader
	buf   [conmon.CtlMaxLine - 1]byte
}

// OpenFifo creates the FIFO at path (mode 0660, replacing whatever is
// there) and opens it.
func OpenFifo(path string) (*Fifo, error) {
	if err := syscall.Mkfifo(path, 0o660); err != nil {
		if err != syscall.EEXIST {
			return nil, &os.PathError{Op: "mkfifo", Path: path, Err: err}
		}
		_ = syscall.Unlink(path)
		if err := syscall.Mkfifo(path, 0o660); err != nil {
			return nil, &os.PathError{Op: "mkfifo", Path: path, Err: err}
		}
	}
	r, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open read half of", Path: path, Err: err}
	}
	w, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		syscall.Close(r)
		return nil, &os.PathError{Op: "open write half of", Path: path, Err: err}
	}
	return &Fifo{path: path, r: r, w: w}, nil
}

// Path is the FIFO's path.
func (f *Fifo) Path() string { return f.path }

// Fd is the read end: readable when a caller wrote.
func (f *Fifo) Fd() int { return f.r }

// Read reads what is there, without blocking, and calls fn for every
// complete line (without its "\n"; only valid during the call). Like
// conmon it keeps at most conmon.CtlMaxLine-1 bytes of a line and drops
// longer lines whole. It returns a read error other than EAGAIN.
func (f *Fifo) Read(fn func(line []byte)) error {
	n, err := syscall.Read(f.r, f.buf[:])
	if n <= 0 {
		if err == syscall.EAGAIN || err == syscall.EINTR {
			return nil
		}
		if err == nil {
			return nil // no writer: cannot happen while we hold one
		}
		return &os.PathError{Op: "read", Path: f.path, Err: err}
	}
	f.lines.Feed(f.buf[:n], fn)
	return nil
}

// Close closes both ends. The FIFO stays on disk (conmon leaves it for the
// caller's cleanup); Remove deletes it.
func (f *Fifo) Close() {
	if f.r >= 0 {
		syscall.Close(f.r)
		syscall.Close(f.w)
		f.r, f.w = -1, -1
	}
}

// Remove closes the FIFO and deletes it.
func (f *Fifo) Remove() {
	f.Close()
	_ = os.Remove(f.path)
}

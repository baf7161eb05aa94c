package k8sfile

import (
	"os"
	"syscall"
	"time"
	"unsafe"
)

// Writer appends container output to a k8s-file log, as conmon 2.1.6 does:
// each chunk read from the container is split at newlines, all records of a
// chunk share one timestamp, a chunk's unterminated tail becomes a P
// record. With MaxSize > 0 the file is replaced by an empty one (old content
// discarded) before a record that would take it past MaxSize; the count
// starts at zero when the writer opens the file. The file is created 0600.
type Writer struct {
	path      string
	fd        int
	MaxSize   int64  // --log-size-max; <= 0: unlimited
	GlobalMax int64  // --log-global-size-max; <= 0: unlimited
	NoSync    bool   // --no-sync-log: no fsync on reopen and close
	dirty     bool   // written to since it was opened or synced
	cpath     []byte // path and path+".tmp", NUL-terminated (Reopen)
	ctmp      []byte
	written   int64 // bytes in the current file since it was (re)opened
	total     int64 // bytes written over the writer's life
	buf       []byte
}

// flushAt is how much the writer buffers before a write(2): about one
// chunk of container output (conmon reads 8192 bytes at a time).
const flushAt = 8 << 10

// Open opens (creating, appending) the log at path.
func Open(path string) (*Writer, error) {
	fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_APPEND|syscall.O_CREAT|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return &Writer{path: path, fd: fd, buf: make([]byte, 0, flushAt+512)}, nil
}

// Path is the log file's path.
func (w *Writer) Path() string { return w.path }

// Write logs one chunk of container output from stream (Stdout or Stderr).
func (w *Writer) Write(stream string, data []byte, now time.Time) error {
	var tsArr [64]byte
	prefix := now.AppendFormat(tsArr[:0], TimeLayout)
	prefix = append(prefix, ' ')
	prefix = append(prefix, stream...)
	prefix = append(prefix, ' ')
	var firstErr error
	for len(data) > 0 {
		n := indexNL(data)
		partial := n < 0
		if partial {
			n = len(data)
		} else {
			n++ // include the newline
		}
		size := int64(len(prefix) + 2 + n)
		if partial {
			size++
		}
		if w.GlobalMax > 0 && w.total >= w.GlobalMax {
			break
		}
		if w.MaxSize > 0 && w.written+size > w.MaxSize {
			if err := w.flush(); err != nil && firstErr == nil {
				firstErr = err
			}
			if err := w.Reopen(); err != nil {
				return err
			}
		}
		w.buf = append(w.buf, prefix...)
		if partial {
			w.buf = append(w.buf, 'P', ' ')
			w.buf = append(w.buf, data[:n]...)
			w.buf = append(w.buf, '\n')
		} else {
			w.buf = append(w.buf, 'F', ' ')
			w.buf = append(w.buf, data[:n]...)
		}
		w.written += size
		w.total += size
		data = data[n:]
		if len(w.buf) >= flushAt {
			if err := w.flush(); err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	if err := w.flush(); err != nil && firstErr == nil {
		firstErr = err
	}
	return firstErr
}

func indexNL(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}

func (w *Writer) flush() error {
	b := w.buf
	w.buf = w.buf[:0]
	for len(b) > 0 {
		n, err := syscall.Write(w.fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &os.PathError{Op: "write", Path: w.path, Err: err}
		}
		if n <= 0 {
			return &os.PathError{Op: "write", Path: w.path, Err: syscall.EIO}
		}
		w.dirty = true
		b = b[n:]
	}
	return nil
}

// Reopen replaces the file at the path with a new empty one (through
// "<path>.tmp" and rename, as conmon does): a file an external rotator
// renamed away keeps its content; otherwise the content is discarded.
func (w *Writer) Reopen() error {
	_ = w.Sync()
	syscall.Close(w.fd)
	w.fd = -1
	if w.cpath == nil {
		// NUL-terminated copies, made once: a chatty container with a
		// small --log-size-max reopens often, and the monitor must not
		// allocate per event.
		w.cpath = append([]byte(w.path), 0)
		w.ctmp = append([]byte(w.path+".tmp"), 0)
	}
	fd, err := openZ(w.ctmp, syscall.O_WRONLY|syscall.O_TRUNC|syscall.O_CREAT|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return &os.PathError{Op: "open", Path: w.path + ".tmp", Err: err}
	}
	if err := renameZ(w.ctmp, w.cpath); err != nil {
		syscall.Close(fd)
		return &os.PathError{Op: "rename", Path: w.path + ".tmp", Err: err}
	}
	w.fd = fd
	w.written = 0
	w.dirty = false
	return nil
}

// Sync flushes what the writer wrote to disk, unless NoSync. Like conmon
// it syncs at close (before the exit file is written) and before a reopen;
// unlike conmon it skips the fsync when it wrote nothing since the last one
// (a container without output costs no journal commit).
func (w *Writer) Sync() error {
	if w.NoSync || w.fd < 0 || !w.dirty {
		return nil
	}
	if err := syscall.Fsync(w.fd); err != nil {
		return &os.PathError{Op: "fsync", Path: w.path, Err: err}
	}
	w.dirty = false
	return nil
}

// Close syncs (unless NoSync) and closes the file.
func (w *Writer) Close() error {
	if w.fd < 0 {
		return nil
	}
	err := w.Sync()
	syscall.Close(w.fd)
	w.fd = -1
	return err
}

func openZ(path []byte, flags, mode int) (int, error) {
	fd, _, e := syscall.Syscall6(syscall.SYS_OPENAT, uintptr(atFdcwd), uintptr(unsafe.Pointer(&path[0])), uintptr(flags), uintptr(mode), 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(fd), nil
}

func renameZ(from, to []byte) error {
	_, _, e := syscall.Syscall6(syscall.SYS_RENAMEAT, uintptr(atFdcwd), uintptr(unsafe.Pointer(&from[0])), uintptr(atFdcwd), uintptr(unsafe.Pointer(&to[0])), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// atFdcwd is AT_FDCWD; a variable, as a negative constant cannot become a uintptr.
var atFdcwd = -0x64

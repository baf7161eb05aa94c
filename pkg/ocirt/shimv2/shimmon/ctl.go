package shimmon

import (
	"os"
	"path/filepath"
	"syscall"

	"github.com/pod-engine/pod/pkg/conmon"
)

// ctlFifo is conmon's <dir>/ctl FIFO: "1 <height> <width>" resizes the
// terminal, "2 0 0" reopens the log.
type ctlFifo struct {
	path string
	f    *os.File
}

// openCtl creates <dir>/ctl (0660) and calls resize/reopen for each line
// written to it. It holds a writer itself so that writers coming and going
// never make it see EOF.
func openCtl(dir string, resize func(height, width int), reopen func()) (*ctlFifo, error) {
	path := filepath.Join(dir, conmon.CtlName)
	_ = os.Remove(path)
	if err := syscall.Mkfifo(path, 0o660); err != nil {
		return nil, &os.PathError{Op: "mkfifo", Path: path, Err: err}
	}
	fd, err := syscall.Open(path, syscall.O_RDWR|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	go func() {
		var r conmon.CtlReader
		buf := make([]byte, conmon.CtlMaxLine)
		for {
			n, err := f.Read(buf)
			r.Feed(buf[:n], func(line []byte) {
				m, err := conmon.ParseCtl(line)
				if err != nil {
					diag.warn("ignoring ctl message %q: %v", line, err)
					return
				}
				switch m.Type {
				case conmon.CtlResize:
					resize(m.Height, m.Width)
				case conmon.CtlReopen:
					reopen()
				}
			})
			if err != nil {
				return
			}
		}
	}()
	return &ctlFifo{path: path, f: f}, nil
}

func (c *ctlFifo) close() {
	c.f.Close()
	_ = os.Remove(c.path)
}

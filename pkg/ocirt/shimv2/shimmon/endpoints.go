package shimmon

import (
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/attach"
)

// writeTimeout bounds how long one slow attach client can hold up the
// container's output (conmon blocks on its clients, too).
const writeTimeout = 30 * time.Second

// endpoints are what the conmon contract puts in the bundle for callers:
// the attach socket and the ctl FIFO, both from package conmon/attach (so
// they behave as pod-conmon's), served by one goroutine.
type endpoints struct {
	att  *attach.Server
	ctl  *attach.Fifo
	stop int // eventfd: close wakes the goroutine
	done chan struct{}
	once sync.Once
}

// openEndpoints creates <dir>/attach and <dir>/ctl. Attach input goes to
// stdin (dropped once it fails: stdin is closed), a client ending its input
// calls onEOF, ctl lines call resize or reopen.
func openEndpoints(dir string, stdin func([]byte) error, onEOF func(), resize func(h, w int), reopen func()) (*endpoints, error) {
	e := &endpoints{stop: -1, done: make(chan struct{})}
	var err error
	if e.att, err = attach.Listen(dir); err != nil {
		return nil, err
	}
	e.att.Input = func(b []byte) { _ = stdin(b) }
	e.att.EOF = onEOF
	e.att.Warn = func(msg string) { diag.warn("%s", msg) }
	e.att.WriteTimeout = writeTimeout
	if e.ctl, err = attach.OpenFifo(filepath.Join(dir, conmon.CtlName)); err != nil {
		e.att.Close()
		return nil, err
	}
	if e.stop, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		e.att.Close()
		e.ctl.Remove()
		return nil, err
	}
	ctlLine := func(line []byte) {
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
	}
	go e.serve(ctlLine)
	return e, nil
}

func (e *endpoints) serve(ctlLine func([]byte)) {
	defer close(e.done)
	fds := []unix.PollFd{
		{Fd: int32(e.att.Fd()), Events: unix.POLLIN},
		{Fd: int32(e.ctl.Fd()), Events: unix.POLLIN},
		{Fd: int32(e.stop), Events: unix.POLLIN},
	}
	for {
		if _, err := unix.Poll(fds, -1); err != nil && err != unix.EINTR {
			diag.warn("waiting for attach clients: %v", err)
			return
		}
		if fds[2].Revents != 0 {
			return
		}
		if fds[0].Revents != 0 {
			e.att.Service()
		}
		if fds[1].Revents != 0 {
			if err := e.ctl.Read(ctlLine); err != nil {
				diag.warn("%v", err)
			}
		}
	}
}

// close stops serving, hangs up attach clients and removes the socket and
// the ctl FIFO. It may be called more than once.
func (e *endpoints) close() {
	e.once.Do(func() {
		one := [8]byte{1}
		_, _ = unix.Write(e.stop, one[:])
		<-e.done
		unix.Close(e.stop)
		e.att.Close()
		e.ctl.Remove()
	})
}

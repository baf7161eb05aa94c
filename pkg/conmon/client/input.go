package client

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// errInputCanceled ends a cancelableReader's Read after cancel.
var errInputCanceled = errors.New("input canceled")

// cancelableReader lets Stream stop reading its input when it returns. For
// an *os.File it waits in poll(2) on the file and an eventfd, so cancel wakes
// it without touching the file's blocking mode (a terminal shared with the
// shell must stay as it is).
type cancelableReader struct {
	r    io.Reader
	fd   int // -1 when r is not a file
	wake int
	once sync.Once
}

func newCancelableReader(r io.Reader) (*cancelableReader, error) {
	c := &cancelableReader{r: r, fd: -1, wake: -1}
	f, ok := r.(*os.File)
	if !ok {
		return c, nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return c, nil
	}
	_ = rc.Control(func(fd uintptr) { c.fd = int(fd) })
	if c.fd < 0 {
		return c, nil
	}
	w, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("creating eventfd for attach input: %w", err)
	}
	c.wake = w
	return c, nil
}

func (c *cancelableReader) Read(p []byte) (int, error) {
	if c.wake < 0 {
		return c.r.Read(p)
	}
	for {
		fds := []unix.PollFd{
			{Fd: int32(c.fd), Events: unix.POLLIN},
			{Fd: int32(c.wake), Events: unix.POLLIN},
		}
		if _, err := unix.Poll(fds, -1); err != nil {
			if err == unix.EINTR {
				continue
			}
			return 0, err
		}
		if fds[1].Revents != 0 {
			return 0, errInputCanceled
		}
		if fds[0].Revents&unix.POLLNVAL != 0 {
			return 0, fmt.Errorf("attach input fd %d is closed: %w", c.fd, os.ErrClosed)
		}
		if fds[0].Revents == 0 {
			continue
		}
		n, err := unix.Read(c.fd, p)
		switch {
		case err == unix.EAGAIN || err == unix.EINTR:
			continue
		case err == unix.EIO && n <= 0:
			// A terminal whose other side hung up.
			return 0, io.EOF
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// cancel wakes a blocked Read. It reports whether Read is guaranteed to
// return (so the caller may wait for the reading goroutine).
func (c *cancelableReader) cancel() bool {
	if c.wake < 0 {
		return false
	}
	c.once.Do(func() {
		var one = [8]byte{1}
		_, _ = unix.Write(c.wake, one[:])
	})
	return true
}

// close releases the eventfd; call it only after Read has returned.
func (c *cancelableReader) close() {
	if c.wake >= 0 {
		unix.Close(c.wake)
		c.wake = -1
	}
}

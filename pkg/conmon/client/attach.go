package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// ErrDetached is returned by Attach and Stream when the user typed the
// detach key sequence. The container keeps running.
var ErrDetached = errors.New("detached from container")

// DefaultDetachKeys is Podman's default detach sequence.
const DefaultDetachKeys = "ctrl-p,ctrl-q"

// AttachOptions says where an attach session's streams go.
type AttachOptions struct {
	// Stdin is copied raw to the container (nil: nothing is sent). Its EOF
	// half-closes the socket, which closes the container's stdin unless the
	// monitor runs with --leave-stdin-open. An *os.File (a terminal, a pipe)
	// is read through poll(2) so Stream can stop reading it when it returns;
	// another io.Reader may be left blocked in one Read after Stream returns.
	// Putting a terminal into raw mode is the caller's job.
	Stdin io.Reader
	// Stdout and Stderr receive the container's output frames (nil: dropped).
	// With a terminal everything arrives as stdout.
	Stdout, Stderr io.Writer
	// DetachKeys in Podman's syntax ("ctrl-p,ctrl-q"; single characters and
	// ctrl-<a-z@[\]^_> separated by commas); "" disables detaching.
	DetachKeys string
}

// AttachConn is a connection to a monitor's attach socket.
type AttachConn struct {
	f *os.File
}

// Attach connects to the attach socket at socketPath and streams until the
// container side closes (nil), the detach keys are typed (ErrDetached) or ctx
// ends. See Dial when something must happen between connecting and
// streaming (such as `runtime start`, or Monitor.Release for an exec).
func Attach(ctx context.Context, socketPath string, o AttachOptions) error {
	c, err := Dial(socketPath)
	if err != nil {
		return err
	}
	return c.Stream(ctx, o)
}

// Dial connects to an attach socket. The path may be longer than the 108
// bytes of sun_path: the socket is opened with O_PATH and connected through
// /proc/self/fd/N.
func Dial(socketPath string) (*AttachConn, error) {
	pfd, err := unix.Open(socketPath, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("opening attach socket %s (is the container's monitor running?): %w", socketPath, notFound(err))
	}
	defer unix.Close(pfd)
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("creating attach socket: %w", err)
	}
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: "/proc/self/fd/" + strconv.Itoa(pfd)}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("connecting to attach socket %s (is the container's monitor running?): %w", socketPath, notFound(err))
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("setting attach socket non-blocking: %w", err)
	}
	return &AttachConn{f: os.NewFile(uintptr(fd), socketPath)}, nil
}

func notFound(err error) error {
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ECONNREFUSED) {
		return fmt.Errorf("%w: %w", err, errdefs.ErrNotFound)
	}
	return err
}

// Close closes the connection.
func (c *AttachConn) Close() error { return c.f.Close() }

// Stream copies Stdin to the socket and the socket's frames to Stdout and
// Stderr until the monitor closes the connection (nil), the detach keys are
// typed (ErrDetached), ctx ends, or a copy fails. It closes the connection.
func (c *AttachConn) Stream(ctx context.Context, o AttachOptions) error {
	defer c.f.Close()
	keys, err := ParseDetachKeys(o.DetachKeys)
	if err != nil {
		return err
	}
	var detached, inputFailed atomic.Bool
	var inputErr error
	wakeOutput := func() { _ = c.f.SetReadDeadline(time.Unix(1, 0)) }
	stop := context.AfterFunc(ctx, wakeOutput)
	defer stop()

	if o.Stdin != nil {
		in, err := newCancelableReader(o.Stdin)
		if err != nil {
			return err
		}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			det, err := c.copyInput(in, keys)
			switch {
			case det:
				detached.Store(true)
				wakeOutput()
			case err != nil:
				inputErr = err
				inputFailed.Store(true)
				wakeOutput()
			}
		}()
		defer func() {
			if in.cancel() {
				wg.Wait()
				in.close()
			}
		}()
	}

	buf := make([]byte, conmon.AttachReadBuf)
	reset := false
	for {
		n, err := c.f.Read(buf)
		if n > 0 {
			var w io.Writer
			switch buf[0] {
			case conmon.StreamStdout:
				w = o.Stdout
			case conmon.StreamStderr:
				w = o.Stderr
			}
			if w != nil && n > 1 {
				if _, werr := w.Write(buf[1:n]); werr != nil {
					return fmt.Errorf("writing container output: %w", werr)
				}
			}
			continue
		}
		switch {
		case detached.Load():
			return ErrDetached
		case inputFailed.Load():
			return fmt.Errorf("sending input to the container: %w", inputErr)
		case errors.Is(err, unix.ECONNRESET) && !reset:
			// A monitor that closes with our input unread resets the
			// connection. The kernel reports the reset once, ahead of
			// the output still queued for us (the process's last words,
			// sent just before the close): read on until the end.
			reset = true
		case err == nil || errors.Is(err, io.EOF) || errors.Is(err, unix.ECONNRESET):
			return nil
		case errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() != nil:
			return fmt.Errorf("attach: %w", ctx.Err())
		case errors.Is(err, os.ErrDeadlineExceeded):
			// Not ours to act on: clear it, then look at the flags again
			// (a flag is always set before its wake-up).
			_ = c.f.SetReadDeadline(time.Time{})
			if detached.Load() || inputFailed.Load() || ctx.Err() != nil {
				_ = c.f.SetReadDeadline(time.Unix(1, 0))
			}
		default:
			return fmt.Errorf("reading from attach socket: %w", err)
		}
	}
}

// copyInput forwards input to the socket. It reports whether the detach
// keys ended it; EOF half-closes the socket and returns (false, nil).
func (c *AttachConn) copyInput(in io.Reader, keys []byte) (bool, error) {
	d := detacher{keys: keys}
	buf := make([]byte, conmon.AttachInputBuf)
	for {
		n, err := in.Read(buf)
		if n > 0 {
			out, det := d.filter(buf[:n])
			if len(out) > 0 {
				if _, werr := c.f.Write(out); werr != nil {
					if peerGone(werr) {
						return false, nil // the process ended; its output is still read
					}
					return false, werr
				}
			}
			if det {
				return true, nil
			}
		}
		if errors.Is(err, errInputCanceled) {
			return false, nil
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return false, err
			}
			if rest := d.flush(); len(rest) > 0 {
				if _, werr := c.f.Write(rest); werr != nil {
					return false, werr
				}
			}
			rc, rerr := c.f.SyscallConn()
			if rerr == nil {
				_ = rc.Control(func(fd uintptr) { _ = unix.Shutdown(int(fd), unix.SHUT_WR) })
			}
			return false, nil
		}
	}
}

// peerGone reports whether a write failed because the monitor closed its end.
func peerGone(err error) bool {
	return errors.Is(err, unix.EPIPE) || errors.Is(err, unix.ECONNRESET)
}

// ParseDetachKeys turns Podman's detach-key syntax into bytes: a
// comma-separated list of single characters or ctrl-<a-z@[\]^_>. "" means
// no detach sequence.
func ParseDetachKeys(keys string) ([]byte, error) {
	if keys == "" {
		return nil, nil
	}
	var out []byte
	start := 0
	for i := 0; i <= len(keys); i++ {
		if i < len(keys) && keys[i] != ',' {
			continue
		}
		k := keys[start:i]
		start = i + 1
		b, ok := keyByte(k)
		if !ok {
			return nil, fmt.Errorf("invalid detach keys %q: unknown key %q (use characters or ctrl-<a-z@[\\]^_>, separated by commas): %w", keys, k, errdefs.ErrInvalidArgument)
		}
		out = append(out, b)
	}
	return out, nil
}

func keyByte(k string) (byte, bool) {
	if len(k) == 1 {
		return k[0], true
	}
	if len(k) != 6 || k[:5] != "ctrl-" {
		return 0, false
	}
	switch c := k[5]; {
	case c >= 'a' && c <= 'z':
		return c - 'a' + 1, true
	case c == '@':
		return 0, true
	case c >= '[' && c <= '_': // [ \ ] ^ _
		return c - '[' + 27, true
	}
	return 0, false
}

// detacher passes input through and recognizes the detach sequence, holding
// back a partial match until it completes or breaks.
type detacher struct {
	keys []byte
	held int // how many bytes of keys matched so far
}

func (d *detacher) filter(in []byte) (out []byte, detach bool) {
	if len(d.keys) == 0 {
		return in, false
	}
	out = make([]byte, 0, len(in)+d.held)
	for _, b := range in {
		if b == d.keys[d.held] {
			d.held++
			if d.held == len(d.keys) {
				return out, true
			}
			continue
		}
		if d.held > 0 {
			out = append(out, d.keys[:d.held]...)
			d.held = 0
			if b == d.keys[0] {
				d.held = 1
				if len(d.keys) == 1 {
					return out, true
				}
				continue
			}
		}
		out = append(out, b)
	}
	return out, false
}

// flush returns a held partial match (at EOF it is plain input).
func (d *detacher) flush() []byte {
	if d.held == 0 {
		return nil
	}
	out := append([]byte(nil), d.keys[:d.held]...)
	d.held = 0
	return out
}

package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// msgPipe reads the monitor's newline-terminated JSON messages from the
// parent end of a SOCK_SEQPACKET pair. The fd is non-blocking and owned by
// the runtime poller, so a read can be interrupted by a deadline: no
// goroutine is left blocked when ctx ends.
type msgPipe struct {
	f    *os.File
	name string
	buf  []byte // bytes received after the last complete line
}

func newMsgPipe(fd int, name string) (*msgPipe, error) {
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("setting the %s pipe non-blocking: %w", name, err)
	}
	return &msgPipe{f: os.NewFile(uintptr(fd), name+"-pipe"), name: name}, nil
}

func (p *msgPipe) close() {
	if p != nil && p.f != nil {
		p.f.Close()
	}
}

// read returns the integer of the next message. A negative value is a
// *SyncError; EOF before a message means the monitor died.
func (p *msgPipe) read(ctx context.Context) (int, error) {
	if p == nil {
		return 0, errClosed
	}
	line, err := p.readLine(ctx)
	if err != nil {
		return 0, err
	}
	return parseMessage(line)
}

func (p *msgPipe) readLine(ctx context.Context) ([]byte, error) {
	if dl, ok := ctx.Deadline(); ok {
		_ = p.f.SetReadDeadline(dl)
	} else {
		_ = p.f.SetReadDeadline(time.Time{})
	}
	stop := context.AfterFunc(ctx, func() { _ = p.f.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	chunk := make([]byte, 8192+256)
	for {
		if i := bytes.IndexByte(p.buf, '\n'); i >= 0 {
			line := p.buf[:i]
			p.buf = p.buf[i+1:]
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			return line, nil
		}
		n, err := p.f.Read(chunk)
		if n > 0 {
			p.buf = append(p.buf, chunk[:n]...)
			continue
		}
		switch {
		case err == nil || errors.Is(err, io.EOF):
			if len(bytes.TrimSpace(p.buf)) > 0 {
				// A last message without its newline still counts.
				line := p.buf
				p.buf = nil
				return line, nil
			}
			return nil, fmt.Errorf("monitor closed the %s pipe without a message (it died or failed before reporting; see its log): %w", p.name, errdefs.ErrRuntime)
		case errors.Is(err, os.ErrDeadlineExceeded):
			cause := ctx.Err()
			if cause == nil {
				cause = context.DeadlineExceeded
			}
			return nil, fmt.Errorf("waiting on the monitor's %s pipe: %w: %w", p.name, errdefs.ErrTimeout, cause)
		default:
			return nil, fmt.Errorf("reading the monitor's %s pipe: %w", p.name, err)
		}
	}
}

// parseMessage decodes one sync/attach pipe line.
func parseMessage(line []byte) (int, error) {
	var msg conmon.SyncMessage
	if err := json.Unmarshal(line, &msg); err != nil {
		return 0, fmt.Errorf("monitor sent %q, not a sync message: %w", truncate(line, 200), errdefs.ErrRuntime)
	}
	v, ok := msg.Value()
	if !ok {
		return 0, fmt.Errorf("monitor sent %q without data, pid or exit_code: %w", truncate(line, 200), errdefs.ErrRuntime)
	}
	if v < 0 {
		return v, &SyncError{Code: v, Message: msg.Message}
	}
	return v, nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

package shimclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/containerd/ttrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// ErrShimGone is wrapped by errors that mean the shim is not reachable any
// more (its connection closed or its socket refuses connections). Callers
// react with crash cleanup (the shim's delete subcommand).
var ErrShimGone = errors.New("shim is not reachable")

// classify maps a ttrpc call error onto pod's error classes and says which
// call on which task failed.
func classify(method, id string, err error) error {
	if err == nil {
		return nil
	}
	what := method
	if id != "" {
		what = method + " " + id
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("shim %s: %w: %w", what, err, errdefs.ErrTimeout)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("shim %s: %w", what, err)
	case IsGone(err):
		return fmt.Errorf("shim %s: %w (%v): %w", what, ErrShimGone, err, errdefs.ErrUnavailable)
	}
	st, ok := status.FromError(err)
	if !ok {
		return &CallError{What: what, Msg: err.Error(), Class: errdefs.ErrRuntime}
	}
	class := errdefs.ErrRuntime
	switch st.Code() {
	case codes.NotFound:
		class = errdefs.ErrNotFound
	case codes.AlreadyExists:
		class = errdefs.ErrAlreadyExists
	case codes.FailedPrecondition:
		class = errdefs.ErrConflict
	case codes.InvalidArgument:
		class = errdefs.ErrInvalidArgument
	case codes.Unimplemented:
		class = errdefs.ErrNotImplemented
	case codes.Unavailable:
		class = errdefs.ErrUnavailable
	case codes.DeadlineExceeded:
		class = errdefs.ErrTimeout
	}
	return &CallError{What: what, Msg: st.Message(), Class: class}
}

// CallError is a task call the shim answered with an error.
type CallError struct {
	What  string // method and id, e.g. "Create 0123…"
	Msg   string // the shim's message (often the OCI runtime's)
	Class error  // errdefs class
}

func (e *CallError) Error() string { return "shim " + e.What + ": " + e.Msg + ": " + e.Class.Error() }

// Unwrap returns the errdefs class.
func (e *CallError) Unwrap() error { return e.Class }

// Message returns the shim's own message when err is a call the shim
// answered with an error, else err's text.
func Message(err error) string {
	var ce *CallError
	if errors.As(err, &ce) {
		return ce.Msg
	}
	return err.Error()
}

// IsGone reports whether err means the connection to the shim is lost.
func IsGone(err error) bool {
	return errors.Is(err, ErrShimGone) || errors.Is(err, ttrpc.ErrClosed) || errors.Is(err, io.EOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ENOENT)
}

// IsUnimplemented reports whether a shim answered that it does not serve the
// called service or method.
func IsUnimplemented(err error) bool {
	if errors.Is(err, errdefs.ErrNotImplemented) {
		return true
	}
	st, ok := status.FromError(err)
	return ok && st.Code() == codes.Unimplemented
}

// Package errdefs defines the error classes shared by every layer of pod.
//
// Lower layers wrap one of the sentinel errors with fmt.Errorf("...: %w", errdefs.ErrX)
// and add what failed, on which object, and what to do. The CLI maps a class to
// an exit code in exactly one function (ExitCode), so a class decides how a
// failure looks to a script, and the text decides how it looks to a human.
package errdefs

import (
	"errors"
	"strconv"
)

// Error classes. Compare with errors.Is.
var (
	// ErrNotFound: the named object (container, image, runtime, file) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a create would collide with an existing object (name, id).
	ErrAlreadyExists = errors.New("already exists")
	// ErrInvalidArgument: the caller's input is wrong; retrying the same input fails again.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrConflict: the object is in a state where the operation is not allowed
	// (for example removing a running container without --force).
	ErrConflict = errors.New("container state improper")
	// ErrUnavailable: a needed component (runtime binary, monitor, shim) is missing
	// or does not work on this host.
	ErrUnavailable = errors.New("unavailable")
	// ErrRuntime: the OCI runtime or shim reported a failure.
	ErrRuntime = errors.New("OCI runtime error")
	// ErrPermission: the container command could not be invoked (exit 126).
	ErrPermission = errors.New("OCI permission denied")
	// ErrCommandNotFound: the container command does not exist (exit 127).
	ErrCommandNotFound = errors.New("OCI runtime attempted to invoke a command that was not found")
	// ErrTimeout: an operation did not finish in its allotted time.
	ErrTimeout = errors.New("timed out")
	// ErrNotImplemented: the runtime kind does not support the operation.
	ErrNotImplemented = errors.New("not supported")
)

// Exit codes used by pod itself, as Podman does.
const (
	ExitEngine          = 125 // pod's own error
	ExitCannotInvoke    = 126 // container command cannot be invoked
	ExitCommandNotFound = 127 // container command not found
)

// ExitCode maps an error to the process exit code pod returns for it.
// A nil error is 0. ExitCodeError carries an explicit code (the container's).
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ec *ExitCodeError
	if errors.As(err, &ec) {
		return ec.Code
	}
	switch {
	case errors.Is(err, ErrPermission):
		return ExitCannotInvoke
	case errors.Is(err, ErrCommandNotFound):
		return ExitCommandNotFound
	}
	return ExitEngine
}

// ExitCodeError makes the CLI exit with Code. Err, when set, is printed
// as an error; a nil Err means the code is the result (for example the
// container's own exit code) and nothing is printed.
type ExitCodeError struct {
	Code int
	Err  error
}

func (e *ExitCodeError) Error() string {
	if e.Err == nil {
		return "exit code " + strconv.Itoa(e.Code)
	}
	return e.Err.Error()
}

func (e *ExitCodeError) Unwrap() error { return e.Err }

// subclass is an error with its own text that belongs to a class.
type subclass struct {
	msg   string
	class error
}

func (e *subclass) Error() string        { return e.msg }
func (e *subclass) Is(target error) bool { return target == e.class }

// Subclasses with Podman's wording.
var (
	ErrNoSuchContainer = &subclass{"no such container", ErrNotFound}
	ErrNoSuchImage     = &subclass{"no such image", ErrNotFound}
	ErrNoSuchRuntime   = &subclass{"no such runtime", ErrNotFound}
	ErrNoSuchPod       = &subclass{"no such pod", ErrNotFound}
	ErrCtrExists       = &subclass{"container already exists", ErrAlreadyExists}
	ErrPodExists       = &subclass{"pod already exists", ErrAlreadyExists}
	// ErrNoSuchUser: --user names a user the container's /etc/passwd
	// lacks; the process cannot be invoked (Podman's run exits 126).
	ErrNoSuchUser = &subclass{"no such user", ErrPermission}
	// ErrNoShareableIPC: --ipc container: names a container with --ipc private.
	ErrNoShareableIPC = &subclass{"non-shareable IPC (hint: use IpcMode:shareable for the donor container)", ErrInvalidArgument}
)

// classed is an error that keeps another's text and chain and also belongs to a class.
type classed struct {
	err   error
	class error
}

func (e *classed) Error() string        { return e.err.Error() }
func (e *classed) Unwrap() error        { return e.err }
func (e *classed) Is(target error) bool { return target == e.class || errors.Is(e.class, target) }

// WithClass puts err in class without changing its text, for errors whose
// words are already the ones Podman prints (a library's own message).
func WithClass(err error, class error) error {
	if err == nil {
		return nil
	}
	return &classed{err: err, class: class}
}

package libpod

import (
	"fmt"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// ParseSignal parses a signal given by name ("TERM", "SIGTERM", "sigterm",
// "RTMIN+3") or number.
func ParseSignal(s string) (syscall.Signal, error) {
	n, err := specgen.ParseSignal(s)
	if err != nil {
		return 0, fmt.Errorf("invalid signal %q: %v: %w", s, err, errdefs.ErrInvalidArgument)
	}
	return syscall.Signal(n), nil
}

// SignalName returns "SIGTERM" for 15, or the number as text.
func SignalName(sig syscall.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	return strconv.Itoa(int(sig))
}

// stopSignal picks the container's stop signal: --stop-signal, else the
// image's StopSignal, else SIGTERM.
func stopSignal(user, image string) (int, error) {
	for _, s := range []string{user, image} {
		if s == "" {
			continue
		}
		sig, err := ParseSignal(s)
		if err != nil {
			return 0, fmt.Errorf("stop signal: %w", err)
		}
		return int(sig), nil
	}
	return int(syscall.SIGTERM), nil
}

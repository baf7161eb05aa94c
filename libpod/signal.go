package libpod

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"github.com/pod-engine/pod/pkg/errdefs"
	"golang.org/x/sys/unix"
)

// ParseSignal parses a signal given by name ("TERM", "SIGTERM", "sigterm",
// "RTMIN+3") or number.
func ParseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 64 {
			return 0, fmt.Errorf("invalid signal number %d: %w", n, errdefs.ErrInvalidArgument)
		}
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	for _, base := range []struct {
		prefix string
		num    int
		sign   int
	}{{"SIGRTMIN+", 34, 1}, {"SIGRTMAX-", 64, -1}} {
		if rest, ok := strings.CutPrefix(name, base.prefix); ok {
			if n, err := strconv.Atoi(rest); err == nil && n >= 0 && n <= 30 {
				return syscall.Signal(base.num + base.sign*n), nil
			}
		}
	}
	switch name {
	case "SIGRTMIN":
		return 34, nil
	case "SIGRTMAX":
		return 64, nil
	}
	return 0, fmt.Errorf("invalid signal %q: %w", s, errdefs.ErrInvalidArgument)
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

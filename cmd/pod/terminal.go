package main

import (
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// session wires the caller's terminal and signals to an attach.
type session struct {
	attach  *libpod.Attach
	restore []func()
}

// newSession prepares the streams named in which ("stdin", "stdout",
// "stderr"; empty = stdout+stderr, plus stdin when interactive). The detach
// keys are checked always and used only with a terminal (tty).
func newSession(which []string, interactive, tty bool, detachKeys string) (*session, error) {
	if detachKeys == "" {
		detachKeys = client.DefaultDetachKeys
	}
	if _, err := client.ParseDetachKeys(detachKeys); err != nil {
		return nil, fmt.Errorf("invalid --detach-keys %q: %w", detachKeys, errdefs.ErrInvalidArgument)
	}
	for _, w := range which {
		switch strings.ToLower(w) {
		case "stdin", "stdout", "stderr":
		default:
			return nil, fmt.Errorf("invalid --attach %q: use stdin, stdout or stderr: %w", w, errdefs.ErrInvalidArgument)
		}
	}
	has := func(s string) bool { return len(which) == 0 || slices.Contains(which, s) }
	o := client.AttachOptions{}
	if tty {
		// Detach keys belong to terminals. Without one, stdin is data
		// (a dump, an archive) that must reach the process byte for byte,
		// ctrl-p ctrl-q included, as Podman passes it.
		o.DetachKeys = detachKeys
	}
	if has("stdout") {
		o.Stdout = os.Stdout
	}
	if has("stderr") {
		o.Stderr = os.Stderr
	}
	if interactive && (len(which) == 0 || slices.Contains(which, "stdin")) {
		o.Stdin = os.Stdin
	}
	return &session{attach: &libpod.Attach{Options: o}}, nil
}

// rawTerminal puts stdin into raw mode when it is a terminal and tty is set.
func (s *session) rawTerminal(tty bool) {
	fd := int(os.Stdin.Fd())
	if !tty || s.attach.Options.Stdin == nil || !term.IsTerminal(fd) {
		return
	}
	old, err := term.MakeRaw(fd)
	if err != nil {
		return
	}
	s.restore = append(s.restore, func() { _ = term.Restore(fd, old) })
}

// forwardResize keeps the container's terminal the size of ours.
func (s *session) forwardResize(ctlPath string) {
	fd := int(os.Stdout.Fd())
	if !term.IsTerminal(fd) {
		return
	}
	resize := func() {
		if w, h, err := term.GetSize(fd); err == nil {
			_ = client.Resize(ctlPath, h, w)
		}
	}
	resize()
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGWINCH)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				resize()
			case <-done:
				return
			}
		}
	}()
	s.restore = append(s.restore, func() { signal.Stop(ch); close(done) })
}

// proxySignals forwards the signals pod receives to the container (--sig-proxy).
func (s *session) proxySignals(kill func(syscall.Signal)) {
	ch := make(chan os.Signal, 8)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-ch:
				kill(sig.(syscall.Signal))
			case <-done:
				return
			}
		}
	}()
	s.restore = append(s.restore, func() { signal.Stop(ch); close(done) })
}

func (s *session) close() {
	for i := len(s.restore) - 1; i >= 0; i-- {
		s.restore[i]()
	}
	s.restore = nil
}

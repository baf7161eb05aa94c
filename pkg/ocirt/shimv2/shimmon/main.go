package shimmon

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/k8sfile"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimwire"
)

// Version is pod-shim's version string.
const Version = "0.1.0"

// Main runs pod-shim with argv (without argv[0]) and returns its exit code.
func Main(argv []string) int {
	if isPublish(argv) {
		// Pre-containerd-1.4 shims publish events by running their
		// -publish-binary with the event on stdin; pod has no event bus.
		_, _ = io.Copy(io.Discard, os.Stdin)
		return 0
	}
	a, err := conmon.ParseArgs(argv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pod-shim: %v\n", err)
		return 1
	}
	if a.Version {
		fmt.Printf("pod-shim version %s\n", Version)
		return 0
	}
	f, err := check(a)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	p := openPipes()
	switch {
	case startedDirect():
		// pod started us as the daemon already (client.Options.Direct):
		// no daemonizing re-exec, a whole process start less per create
		// and exec.
		p.waitStart()
		if err := becomeDaemon(a.ConmonPidFile); err != nil {
			p.report(-1, err.Error())
			fmt.Fprintf(os.Stderr, "pod-shim: %v\n", err)
			return 1
		}
	case os.Getenv(envChild) != "1":
		p.waitStart()
		if _, err := daemonize(a.ConmonPidFile); err != nil {
			p.report(-1, err.Error())
			fmt.Fprintf(os.Stderr, "pod-shim: %v\n", err)
			return 1
		}
		return 0
	default:
		os.Unsetenv(envChild)
	}
	if a.Exec {
		return runExec(a, f, p)
	}
	return runContainer(a, f, p)
}

func isPublish(argv []string) bool {
	for _, a := range argv {
		if a == "publish" {
			return true
		}
	}
	return false
}

// check validates the command line before anything is created, so that
// mistakes fail the caller's start instead of a daemon nobody watches.
func check(a *conmon.Args) (*shimwire.Flags, error) {
	f, err := shimwire.ParseFlags(a.RuntimeArgs)
	if err != nil {
		return nil, err
	}
	missing := func(what string) error { return fmt.Errorf("pod-shim: %s not provided", what) }
	switch {
	case a.CID == "":
		return nil, missing("container ID (-c)")
	case a.Runtime == "":
		return nil, missing("shim binary (-r)")
	case a.Bundle == "":
		return nil, missing("bundle (-b)")
	case f.Bundle == "":
		return nil, missing("shim bundle (--runtime-arg --shim-bundle=...)")
	case a.Exec && a.ExecProcessSpec == "":
		return nil, missing("exec process spec (--exec-process-spec)")
	case a.Exec && (a.CUUID == "" || f.Address == ""):
		return nil, missing("exec session ID (-u) and shim address (--shim-address)")
	case !a.Exec && f.Namespace == "":
		return nil, missing("shim namespace (--shim-namespace)")
	case len(a.RuntimeOpts) > 0:
		return nil, fmt.Errorf("pod-shim: --runtime-opt %v: shims take no runtime options (no --preserve-fds)", a.RuntimeOpts)
	case a.Restore != "":
		return nil, fmt.Errorf("pod-shim: --restore is not supported for shim runtimes")
	}
	if err := shimclient.ValidateBinary(a.Runtime); err != nil {
		return nil, err
	}
	if err := shimclient.ValidateID("task id", a.CID); err != nil {
		return nil, err
	}
	if filepath.Base(f.Bundle) != a.CID {
		return nil, fmt.Errorf("pod-shim: shim bundle %s must be named after the container %s", f.Bundle, a.CID)
	}
	if a.Exec {
		if err := shimclient.ValidateID("exec id", a.CUUID); err != nil {
			return nil, err
		}
	} else if err := shimclient.ValidateID("namespace", f.Namespace); err != nil {
		return nil, err
	}
	if _, err := logPath(a.LogPaths); err != nil {
		return nil, err
	}
	return f, nil
}

// session is the I/O both a container and an exec have.
type session struct {
	a   *conmon.Args
	io  *stdio
	out *output
	ep  *endpoints
}

// openSession creates the stdio FIFOs in fifoDir and the log, attach socket
// and ctl FIFO the conmon contract puts in the bundle.
func openSession(a *conmon.Args, fifoDir string, stdin func([]byte) error, onEOF func(), resize func(h, w int)) (*session, error) {
	s := &session{a: a, out: &output{}}
	var err error
	// A terminal's input always reaches it, as under conmon (whose -i
	// without -t only says a client's EOF closes stdin): the shim takes
	// terminal input through the stdin FIFO.
	if s.io, err = newStdio(fifoDir, "io-", a.Stdin || a.Terminal, a.Terminal); err != nil {
		return nil, err
	}
	lp, _ := logPath(a.LogPaths)
	if lp != "" {
		if s.out.log, err = k8sfile.Open(lp); err != nil {
			s.close()
			return nil, err
		}
		s.out.log.MaxSize = a.LogSizeMax
		s.out.log.NoSync = a.NoSyncLog
	}
	if s.ep, err = openEndpoints(a.Bundle, stdin, onEOF, resize, s.out.reopen); err != nil {
		s.close()
		return nil, fmt.Errorf("attach socket and ctl FIFO in %s: %w", a.Bundle, err)
	}
	s.out.att = s.ep.att
	return s, nil
}

// close ends the session. Stdin goes first: the attach goroutine that
// ep.close waits for may be blocked writing input nobody reads any more.
func (s *session) close() {
	if s.io != nil {
		s.io.closeStdin()
	}
	if s.ep != nil {
		s.ep.close()
	}
	s.out.close()
	if s.io != nil {
		s.io.close()
	}
}

// onStdinEOF is what an attach client's half-close does: close the
// process's stdin unless it is to stay open. A terminal's input stays open:
// a client that detaches closes its connection, and the next attach must
// still reach the shell (conmon behaves so with -t).
func (s *session) onStdinEOF(closeIO func()) func() {
	return func() {
		if s.a.LeaveStdinOpen || s.a.Terminal {
			return
		}
		if s.io.closeStdin() && closeIO != nil {
			closeIO()
		}
	}
}

func writePidFile(path string, pid int) {
	if path == "" {
		return
	}
	if err := conmon.WritePidFile(path, pid); err != nil {
		diag.warn("writing pid file: %v", err)
	}
}

// forwardSignals relays SIGTERM, SIGINT and SIGQUIT sent to pod-shim to the
// process, as conmon does, once kill is set.
func forwardSignals(ctx context.Context, kill func(syscall.Signal)) {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT)
	signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
	go func() {
		for {
			select {
			case <-ctx.Done():
				signal.Stop(ch)
				return
			case s := <-ch:
				kill(s.(syscall.Signal))
			}
		}
	}()
}

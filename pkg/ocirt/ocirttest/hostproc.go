package ocirttest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/attach"
	"github.com/pod-engine/pod/pkg/conmon/k8sfile"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// hostProc is one process the fake runs on the host: held at a gate until
// start, its output copied to the k8s-file log and the attach clients, its
// exit status written to the exit files, as a monitor would.
type hostProc struct {
	pid  int
	cmd  *exec.Cmd
	gate *os.File // write end: closing it lets the process exec its command
	srv  *attach.Server
	done chan struct{} // closed once the exit files are written
	code int

	mu    sync.Mutex
	state string // created, running, paused, stopped
}

type spawnSpec struct {
	args      []string
	env       []string
	dir       string
	io        ocirt.IO
	attachDir string
	logPath   string   // "" = no log
	exitFiles []string // each gets the exit code
	exit      ocirt.Exit
}

// spawn starts the process held at its gate, with the attach socket
// listening in s.attachDir.
func spawn(s spawnSpec) (_ *hostProc, retErr error) {
	if _, err := lookPath(s.args[0], s.env); err != nil {
		return nil, ocirt.RuntimeError("fake", fmt.Sprintf("executable file `%s` not found in $PATH: No such file or directory", s.args[0]))
	}
	var closers []*os.File
	defer func() {
		for _, f := range closers {
			f.Close()
		}
	}()
	pipe := func() (*os.File, *os.File, error) {
		r, w, err := os.Pipe()
		if err == nil {
			closers = append(closers, r, w)
		}
		return r, w, err
	}
	gateR, gateW, err := pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := pipe()
	if err != nil {
		return nil, err
	}
	var stdinW *os.File
	gateFd := 3 + len(s.io.ExtraFiles)
	script := fmt.Sprintf(`read -r _ <&%d; exec %d<&-; exec "$@"`, gateFd, gateFd)
	cmd := exec.Command("/bin/sh", append([]string{"-c", script, "fake"}, s.args...)...)
	cmd.Env, cmd.Dir = s.env, s.dir
	cmd.Stdout, cmd.Stderr = outW, errW
	cmd.ExtraFiles = append(append([]*os.File{}, s.io.ExtraFiles...), gateR)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if s.io.Stdin {
		var stdinR *os.File
		if stdinR, stdinW, err = os.Pipe(); err != nil {
			return nil, err
		}
		closers = append(closers, stdinR)
		cmd.Stdin = stdinR
	}
	srv, err := attach.Listen(s.attachDir)
	if err != nil {
		if stdinW != nil {
			stdinW.Close()
		}
		return nil, err
	}
	var log *k8sfile.Writer
	if s.logPath != "" {
		if log, err = k8sfile.Open(s.logPath); err != nil {
			srv.Close()
			return nil, err
		}
	}
	if err := cmd.Start(); err != nil {
		srv.Close()
		return nil, ocirt.RuntimeError("fake", err.Error())
	}
	closers = []*os.File{gateR, outW, errW} // the child has them; outR, errR are read below
	if cmd.Stdin != nil {
		closers = append(closers, cmd.Stdin.(*os.File))
	}
	p := &hostProc{pid: cmd.Process.Pid, cmd: cmd, gate: gateW, srv: srv, done: make(chan struct{}), state: "created"}
	var inMu sync.Mutex
	srv.Input = func(data []byte) {
		inMu.Lock()
		defer inMu.Unlock()
		if stdinW != nil {
			_, _ = stdinW.Write(data)
		}
	}
	srv.EOF = func() {
		inMu.Lock()
		defer inMu.Unlock()
		if stdinW != nil && !s.io.LeaveStdinOpen {
			stdinW.Close()
			stdinW = nil
		}
	}
	stop, served := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(served)
		serve(srv, srv.Fd(), stop)
	}()
	var logMu sync.Mutex
	var relays sync.WaitGroup
	relay := func(r *os.File, stream byte, name string) {
		defer relays.Done()
		defer r.Close()
		buf := make([]byte, conmon.AttachPacketData)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				if log != nil {
					logMu.Lock()
					_ = log.Write(name, buf[:n], time.Now())
					logMu.Unlock()
				}
				srv.Broadcast(stream, buf[:n])
			}
			if err != nil {
				return
			}
		}
	}
	relays.Add(2)
	go relay(outR, conmon.StreamStdout, "stdout")
	go relay(errR, conmon.StreamStderr, "stderr")
	go func() {
		relays.Wait()
		err := cmd.Wait()
		p.code = exitCode(cmd, err)
		if log != nil {
			_ = log.Close()
		}
		close(stop)
		<-served // no Service on a closed server
		srv.Close()
		inMu.Lock()
		if stdinW != nil {
			stdinW.Close()
			stdinW = nil
		}
		inMu.Unlock()
		for _, f := range s.exitFiles {
			_ = conmon.WriteExitFile(f, p.code)
		}
		p.setState("stopped")
		close(p.done)
		if len(s.exit.Command) > 0 {
			time.Sleep(s.exit.Delay)
			_ = exec.Command(s.exit.Command[0], s.exit.Command[1:]...).Run()
		}
	}()
	return p, nil
}

// serve runs the attach server's readiness loop on its fd until stop is
// closed.
func serve(srv *attach.Server, fd int, stop chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if n, _ := unix.Poll(fds, 20); n > 0 {
			srv.Service()
		}
	}
}

func exitCode(cmd *exec.Cmd, err error) int {
	if cmd.ProcessState == nil {
		return -1
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return cmd.ProcessState.ExitCode()
}

// lookPath finds name on the PATH of env (else the caller's).
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, ocirt.CheckExecutable(name)
	}
	path := os.Getenv("PATH")
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, d := range filepath.SplitList(path) {
		if p := filepath.Join(d, name); ocirt.CheckExecutable(p) == nil {
			return p, nil
		}
	}
	return "", os.ErrNotExist
}

func (p *hostProc) status() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

func (p *hostProc) setState(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state = s
}

// start lets the process run its command once every attach client that
// already connected is accepted (so none misses output).
func (p *hostProc) start() {
	p.srv.AcceptPending()
	p.mu.Lock()
	if p.state == "created" {
		p.state = "running"
	}
	p.mu.Unlock()
	p.gate.Close()
}

func (p *hostProc) kill(sig syscall.Signal, all bool) {
	if all {
		_ = syscall.Kill(-p.pid, sig)
	} else {
		_ = syscall.Kill(p.pid, sig)
	}
	if sig == syscall.SIGKILL && p.status() == "created" {
		p.gate.Close()
	}
}

func (p *hostProc) freeze(stop bool) {
	if stop {
		_ = syscall.Kill(-p.pid, syscall.SIGSTOP)
		p.setState("paused")
		return
	}
	_ = syscall.Kill(-p.pid, syscall.SIGCONT)
	p.setState("running")
}

// Pid, MonitorPid and Wait make an exec's hostProc its ExecProcess.
func (p *hostProc) Pid() int        { return p.pid }
func (p *hostProc) MonitorPid() int { return os.Getpid() }

func (p *hostProc) Wait(ctx context.Context) (int, error) {
	select {
	case <-p.done:
		return p.code, nil
	case <-ctx.Done():
		return -1, fmt.Errorf("fake: waiting for process %s: %w", strconv.Itoa(p.pid), ctx.Err())
	}
}

package conmon

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// ExitCommand is the command a monitor runs once the container (or exec
// session) is over and its exit files are written: --exit-command with its
// --exit-command-arg values, after --exit-delay seconds.
type ExitCommand struct {
	Path  string
	Args  []string      // after Path
	Delay time.Duration // slept first
	Env   []string      // its environment; nil: the monitor's
	// Setpgid puts it in a process group of its own.
	Setpgid bool
}

// NewExitCommand is a's exit command with environment env, or nil when a
// names none.
func NewExitCommand(a *Args, env []string) *ExitCommand {
	if a.ExitCommand == "" {
		return nil
	}
	return &ExitCommand{Path: a.ExitCommand, Args: a.ExitCommandArgs, Delay: time.Duration(a.ExitDelay) * time.Second, Env: env}
}

// Run sleeps Delay, starts the command and waits for it. It returns its
// status in conmon's encoding (see ExitCode); an error when it could not
// be started, or was killed because ctx ended (it gets one second after
// SIGKILL to go away).
func (e *ExitCommand) Run(ctx context.Context) (int, error) {
	if e.Delay > 0 {
		t := time.NewTimer(e.Delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return -1, ctx.Err()
		}
	}
	cmd, err := e.Start(ctx)
	if err != nil {
		return -1, err
	}
	err = cmd.Wait()
	code := ExitCode(cmd.ProcessState.Sys().(syscall.WaitStatus))
	if ctx.Err() != nil {
		return code, ctx.Err()
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return code, err
	}
	return code, nil
}

// Start starts the command now (Delay is the caller's business then), with
// stdio on /dev/null. A monitor that must keep reaping other children
// while it runs waits for it with wait4(-1) instead of cmd.Wait.
func (e *ExitCommand) Start(ctx context.Context) (*exec.Cmd, error) {
	// /dev/null as an *os.File that the runtime poller leaves alone.
	fd, err := syscall.Open(os.DevNull, syscall.O_RDWR|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: os.DevNull, Err: err}
	}
	null := os.NewFile(uintptr(fd), os.DevNull)
	defer null.Close()
	cmd := exec.CommandContext(ctx, e.Path, e.Args...)
	cmd.Env = e.Env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, null
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	cmd.WaitDelay = time.Second
	if e.Setpgid {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return cmd, nil
}

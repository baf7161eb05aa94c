package conmon

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
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
	// Done, when set, reports during Delay that the exit command is no
	// longer needed (see Hold).
	Done func() bool
}

// holdPoll is how often Hold asks Done while it waits out Delay.
const holdPoll = 20 * time.Millisecond

// NewExitCommand is a's exit command with environment env, or nil when a
// names none.
func NewExitCommand(a *Args, env []string) *ExitCommand {
	if a.ExitCommand == "" {
		return nil
	}
	e := &ExitCommand{Path: a.ExitCommand, Args: a.ExitCommandArgs, Delay: time.Duration(a.ExitDelay) * time.Second, Env: env}
	if e.Delay > 0 && a.ExitDir != "" && a.CID != "" {
		exitFile := filepath.Join(a.ExitDir, a.CID)
		e.Done = func() bool {
			_, err := os.Lstat(exitFile)
			return errors.Is(err, fs.ErrNotExist)
		}
	}
	return e
}

// Hold waits out Delay, in steps of at most holdPoll, each one slept by
// wait (a monitor that must keep reaping meanwhile passes its own; wait
// returns false to give up early). It reports whether the exit command is
// still to run: not when wait gave up, nor when Done says it is done.
//
// That is the contract of --exit-delay with pod: the delay holds back the
// exit command (cleanup) while a foreground pod cleans up itself, and the
// last step of pod's removal of a container is removing its exit file
// <exit-dir>/<cid>. Once it is gone there is nothing left to clean (a
// restart's new create also removes it, after cleaning up the old run),
// so the monitor skips the exit command, a whole pod process. A pod killed
// before that leaves the file, and the exit command cleans up as before.
func (e *ExitCommand) Hold(wait func(time.Duration) bool) bool {
	until := time.Now().Add(e.Delay)
	for {
		if e.Done != nil && e.Done() {
			return false
		}
		left := time.Until(until)
		if left <= 0 {
			return true
		}
		if e.Done != nil && left > holdPoll {
			left = holdPoll
		}
		if !wait(left) {
			return false
		}
	}
}

// Run sleeps Delay (see Hold; when the command is no longer needed it
// returns 0 without starting it), starts the command and waits for it. It returns its
// status in conmon's encoding (see ExitCode); an error when it could not
// be started, or was killed because ctx ended (it gets one second after
// SIGKILL to go away).
func (e *ExitCommand) Run(ctx context.Context) (int, error) {
	if !e.Hold(func(d time.Duration) bool {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return true
		case <-ctx.Done():
			return false
		}
	}) {
		if err := ctx.Err(); err != nil {
			return -1, err
		}
		return 0, nil // done by someone else
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

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

	"golang.org/x/sys/unix"
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
	// foreground, when set, tells whether a foreground pod process holds
	// the container's ForegroundSuffix file (see Hold).
	foreground func() foregroundState
}

// holdPoll is how often Hold asks Done while it waits out Delay.
const holdPoll = 20 * time.Millisecond

// foregroundMax bounds how long Hold waits for a foreground pod process
// that holds its lock: one that hangs gets the exit command after that.
const foregroundMax = 5 * time.Minute

// NewExitCommand is a's exit command with environment env, or nil when a
// names none.
func NewExitCommand(a *Args, env []string) *ExitCommand {
	if a.ExitCommand == "" {
		return nil
	}
	e := &ExitCommand{Path: a.ExitCommand, Args: a.ExitCommandArgs, Delay: time.Duration(a.ExitDelay) * time.Second, Env: env}
	// Without a delay too: a container created earlier (pod init) may be
	// started in the foreground, after its monitor started (see Hold).
	if a.ExitDir != "" && a.CID != "" {
		exitFile := filepath.Join(a.ExitDir, a.CID)
		cleaned := ""
		if a.PersistDir != "" {
			cleaned = filepath.Join(a.PersistDir, CleanedName)
		}
		e.Done = func() bool { return cleanedUp(exitFile, cleaned) }
		fg := ForegroundFile(a.ExitDir, a.CID)
		e.foreground = func() foregroundState { return foregroundOf(fg) }
	}
	return e
}

// CleanedName is the file in the persist dir that says the container's
// exit was cleaned up by the pod process that waited for it in the
// foreground: a monitor that holds back its exit command (--exit-delay)
// skips it once the file exists (see Hold). pod removes it before each
// create, with the previous run's exit files.
const CleanedName = "cleaned"

// MarkCleaned creates persistDir/CleanedName (empty, mode 0644).
func MarkCleaned(persistDir string) error {
	f, err := os.OpenFile(filepath.Join(persistDir, CleanedName), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// cleanedUp reports whether the exit command has nothing left to do: the
// exit file is gone (the container was removed) or, with a persist dir,
// the cleaned file exists.
func cleanedUp(exitFile, cleaned string) bool {
	if _, err := os.Lstat(exitFile); errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if cleaned == "" {
		return false
	}
	_, err := os.Lstat(cleaned)
	return err == nil
}

// ForegroundSuffix names <exit-dir>/<cid>.fg: the pod process that runs a
// container in the foreground holds an exclusive flock(2) on it from
// before the monitor starts until it exits (HoldForeground); the kernel
// lets go of it however that process ends.
const ForegroundSuffix = ".fg"

// ForegroundFile is the container's foreground lock file.
func ForegroundFile(exitDir, cid string) string {
	return filepath.Join(exitDir, cid+ForegroundSuffix)
}

// HoldForeground creates path afresh (a new file: an earlier holder keeps
// its own) and locks it. Closing the file (or the process's end) releases
// it; the file is close-on-exec, so no child holds it.
func HoldForeground(path string) (*os.File, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, &os.PathError{Op: "flock", Path: path, Err: err}
	}
	return f, nil
}

type foregroundState int

const (
	foregroundNone foregroundState = iota // no lock file: no foreground pod
	foregroundBusy                        // locked: the pod still runs
	foregroundGone                        // unlocked: the pod ended
)

// foregroundOf looks at the lock file at path.
func foregroundOf(path string) foregroundState {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if err != nil {
		return foregroundNone
	}
	defer unix.Close(fd)
	switch err := unix.Flock(fd, unix.LOCK_SH|unix.LOCK_NB); err {
	case nil:
		return foregroundGone // closing fd unlocks
	case unix.EWOULDBLOCK:
		return foregroundBusy
	default:
		return foregroundNone
	}
}

// Hold waits before the exit command, in steps of at most holdPoll, each
// one slept by wait (a monitor that must keep reaping meanwhile passes its
// own; wait returns false to give up early). It reports whether the exit
// command is still to run: not when wait gave up, nor when Done says it is
// done.
//
// That is the contract of --exit-delay with pod (docs/monitor.md): a pod
// process that runs the container in the foreground (run, start --attach)
// cleans up itself, holds <exit-dir>/<cid>.fg locked while it lives, and
// says when it is done in one of two ways. The last step of its removal of
// a container (run --rm) is removing the exit file <exit-dir>/<cid>; the
// last step of its cleanup of a kept container is creating
// <persist-dir>/cleaned (CleanedName), as the exit file must stay for the
// container's state. Either way nothing is left to clean (a restart's new
// create also removes the exit file, after cleaning up the old run), so
// the monitor skips the exit command, a whole pod process. While the lock
// is held Hold waits beyond Delay (at most foregroundMax); once it is let
// go without either sign (the pod was killed, or detached and exited)
// the exit command runs at once. Without a lock file Hold waits Delay,
// skipping the exit command when Done. The lock counts without a Delay
// too: a container created earlier (pod init), whose monitor started
// without one, may then be started in the foreground (start --attach),
// which takes the lock before the process starts; with neither, Hold
// returns true at once.
func (e *ExitCommand) Hold(wait func(time.Duration) bool) bool {
	if e.Delay <= 0 && (e.foreground == nil || e.foreground() == foregroundNone) {
		return true // no delay, no foreground pod: at once, as conmon
	}
	start := time.Now()
	until := start.Add(e.Delay)
	for {
		if e.Done != nil && e.Done() {
			return false
		}
		left := time.Until(until)
		if e.foreground != nil {
			switch e.foreground() {
			case foregroundGone:
				// The pod marks its cleanup before it lets go: look again.
				return !e.Done()
			case foregroundBusy:
				if time.Since(start) < foregroundMax {
					left = holdPoll
				}
			}
		}
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

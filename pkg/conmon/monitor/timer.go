package monitor

import (
	"context"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
)

// runTimer is `pod-conmon --periodic-pid PID`: a timer, no monitor. It runs
// --periodic-command every --periodic-interval ms while process PID lives
// and exits when it ends (a pidfd tells). pod starts one beside a container
// whose monitor is the real conmon, which has no periodic command, so that
// healthchecks run with any monitor and still with no daemon or systemd.
// The caller makes it a session leader and does not wait for it. One run at
// a time, as the monitor's own timer (periodic.go).
func runTimer(a *conmon.Args) int {
	if a.PeriodicCommand == "" || a.PeriodicInterval <= 0 {
		writeStderr("pod-conmon: --periodic-pid needs --periodic-command and --periodic-interval\n")
		return 1
	}
	pidfd, err := unix.PidfdOpen(a.PeriodicPid, 0)
	if err != nil {
		writeStderr("pod-conmon: watching process " + itoa(a.PeriodicPid) + ": " + err.Error() + "\n")
		return 1
	}
	if devnull, err := syscall.Open("/dev/null", syscall.O_RDWR|syscall.O_CLOEXEC, 0); err == nil {
		for fd := 0; fd < 3; fd++ {
			_ = unix.Dup2(devnull, fd)
		}
		syscall.Close(devnull)
	}
	env := periodicEnv()
	interval := time.Duration(a.PeriodicInterval) * time.Millisecond
	next := time.Now().Add(interval)
	running := 0
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	for {
		wait := time.Until(next)
		if wait < 0 {
			wait = 0
		}
		n, err := unix.Poll(fds, int(wait/time.Millisecond)+1)
		if err != nil && err != unix.EINTR {
			return 1
		}
		if n > 0 && fds[0].Revents != 0 {
			return 0 // the process ended; a run in progress finishes on its own
		}
		if running > 0 {
			var ws unix.WaitStatus
			if pid, _ := unix.Wait4(running, &ws, unix.WNOHANG, nil); pid == running {
				running = 0
			}
		}
		now := time.Now()
		if now.Before(next) {
			continue
		}
		next = now.Add(interval)
		if running > 0 {
			continue
		}
		e := &conmon.ExitCommand{Path: a.PeriodicCommand, Args: a.PeriodicCommandArgs, Env: env, Setpgid: true}
		cmd, err := e.Start(context.Background())
		if err != nil {
			continue
		}
		running = cmd.Process.Pid
		_ = cmd.Process.Release()
	}
}

package monitor

import (
	"context"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/attach"
)

// writeExitFiles writes the status to <persist-dir>/exit, then to
// <exit-dir>/<cid>.
func (m *mon) writeExitFiles(status int) {
	if err := conmon.WriteExitFiles(m.c.PersistDir, m.c.ExitDir, m.c.CID, status); err != nil {
		errorf("Failed to write exit file: " + err.Error())
	}
}

// finish runs the exit command (after --exit-delay, with the subreaper bit
// off so its children are not ours) and waits for it and for every other
// child, as conmon does. It returns the monitor's exit status: the exit
// command's if it failed, else code.
func (m *mon) finish(code int) int {
	m.sync.close()
	m.attachPipe.close()
	m.closeLogs()
	for _, f := range []*attach.Fifo{m.ctl, m.winszFifo} {
		if f != nil {
			f.Close()
		}
	}
	if m.att != nil {
		m.att.Close()
	}
	for _, fd := range []*int{&m.stdinFd, &m.consoleListen} {
		if *fd >= 0 {
			syscall.Close(*fd)
			*fd = -1
		}
	}
	if m.consolePath != "" {
		_ = os.Remove(m.consolePath)
	}
	c := m.c
	if c.ExitCommand == "" {
		stopSignals()
		m.reapAll()
		return code
	}
	_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	if m.oomOrig != "" {
		adjustOOM(m.oomOrig)
	}
	e := conmon.NewExitCommand(&c.Args, os.Environ())
	if c.ExitDelay > 0 {
		debugf("Sleeping for " + itoa(c.ExitDelay) + " seconds before executing exit command")
	}
	// The exit command's delay is slept here, reaping meanwhile.
	if !e.Hold(func(d time.Duration) bool { m.sleepReaping(d); return true }) {
		debugf("The container was cleaned up (exit file removed or cleaned file created): no exit command")
		stopSignals()
		m.reapAll()
		return code
	}
	stopSignals()
	cmd, err := e.Start(context.Background())
	if err != nil {
		errorf("Failed to run exit command " + c.ExitCommand + ": " + err.Error())
		return 1
	}
	// Like conmon, wait for it and for every other child: one that dies
	// meanwhile (runsc's sandbox) is reaped at once, which the exit
	// command's `runtime delete` may be waiting for.
	status := 0
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || pid <= 0 {
			break
		}
		if pid == cmd.Process.Pid {
			status = conmon.ExitCode(ws)
		}
	}
	if status != 0 {
		return status
	}
	return code
}

// sleepReaping waits d while still reaping children that exit: a runtime's
// helper that outlives the container (runsc's sandbox) became our child as
// subreaper, and `runtime delete` waits for it to be gone.
func (m *mon) sleepReaping(d time.Duration) {
	if m.wake < 0 {
		time.Sleep(d)
		return
	}
	until := time.Now().Add(d)
	fds := []unix.PollFd{{Fd: int32(m.wake), Events: unix.POLLIN}}
	for {
		left := time.Until(until)
		if left <= 0 {
			return
		}
		n, _ := unix.Poll(fds, int((left+time.Millisecond-1)/time.Millisecond))
		if n > 0 {
			var b [8]byte
			_, _ = unix.Read(m.wake, b[:])
			takeSignals()
			m.reap()
		}
	}
}

// reapAll reaps the children that already exited, without waiting.
func (m *mon) reapAll() {
	for {
		pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
		if pid <= 0 && err != syscall.EINTR {
			return
		}
	}
}

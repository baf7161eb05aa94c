package monitor

import (
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
)

func (m *mon) add(fd int, events uint32) {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	if err := unix.EpollCtl(m.ep, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		warnf("epoll add fd " + itoa(fd) + ": " + err.Error())
	}
}

func (m *mon) del(fd int) {
	_ = unix.EpollCtl(m.ep, unix.EPOLL_CTL_DEL, fd, nil)
}

// loop dispatches events until done reports true. The main goroutine
// waits in epoll_wait itself: the monitor has no other goroutine, so while
// nothing happens no Go code runs and no thread but the runtime's monitor
// thread is awake.
func (m *mon) loop(done func() bool) {
	for !done() {
		timeout := -1
		if next := m.nextTimer(); !next.IsZero() {
			d := time.Until(next)
			timeout = int((d + time.Millisecond - 1) / time.Millisecond)
			if timeout < 0 {
				timeout = 0
			}
		}
		n, err := unix.EpollWait(m.ep, m.events[:], timeout)
		if err != nil && err != unix.EINTR {
			errorf("waiting for events: " + err.Error())
			return
		}
		for i := 0; i < n; i++ {
			m.dispatch(int(m.events[i].Fd), m.events[i].Events)
		}
		m.timers()
	}
}

// nextTimer is the earliest pending timer, or the zero time.
func (m *mon) nextTimer() time.Time {
	next := m.ttyRearm
	if !m.deadline.IsZero() && (next.IsZero() || m.deadline.Before(next)) {
		next = m.deadline
	}
	if !m.per.next.IsZero() && (next.IsZero() || m.per.next.Before(next)) {
		next = m.per.next
	}
	return next
}

func (m *mon) timers() {
	now := time.Now()
	if !m.ttyRearm.IsZero() && !now.Before(m.ttyRearm) {
		m.ttyRearm = time.Time{}
		if m.stdoutFd >= 0 {
			m.add(m.stdoutFd, unix.EPOLLIN)
		}
	}
	if !m.deadline.IsZero() && !now.Before(m.deadline) {
		m.deadline = time.Time{}
		infof("Timed out, killing main loop")
		m.timedOut = true
	}
	m.periodicDue(now)
}

func (m *mon) dispatch(fd int, ev uint32) {
	switch {
	case fd == m.wake:
		var b [8]byte
		_, _ = unix.Read(m.wake, b[:])
		sigs := takeSignals()
		if sigs&sigBit(syscall.SIGCHLD) != 0 {
			m.reap()
		}
		for _, s := range handledSignals[1:] {
			if sigs&sigBit(s) != 0 {
				m.forward(s)
			}
		}
	case fd == m.consoleListen:
		m.acceptConsole()
	case fd == m.stdoutFd:
		m.readStdio(fd, ev, 2)
	case fd == m.stderrFd:
		m.readStdio(fd, ev, 3)
	case fd == m.stdinFd:
		m.flushStdin()
	case m.att != nil && fd == m.att.Fd():
		m.att.Service()
	case m.ctl != nil && fd == m.ctl.Fd():
		m.readCtl()
	case m.winszFifo != nil && fd == m.winszFifo.Fd():
		m.readWinsz()
	case m.oom != nil && fd == m.oom.fd:
		m.oom.event()
	case m.notify != nil && fd == m.notify.fd:
		m.notify.relay()
	default:
		m.del(fd) // stale
	}
}

// forward relays a termination signal to the container, or to the runtime
// while the container does not exist yet.
func (m *mon) forward(sig syscall.Signal) {
	if m.containerPid > 0 && !m.containerDone {
		if syscall.Kill(m.containerPid, sig) == nil {
			return
		}
	} else if m.runtimePid > 0 && !m.runtimeDone {
		if syscall.Kill(m.runtimePid, sig) == nil {
			return
		}
	}
	m.reap()
}

// reap collects every exited child: the runtime, the container, and
// orphans we inherited as subreaper. Statuses of unknown pids are kept
// until the container pid is known (it may exit before we read it).
func (m *mon) reap() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || pid <= 0 {
			return
		}
		switch {
		case m.periodicReaped(pid):
		case pid == m.runtimePid && !m.runtimeDone:
			m.runtimeStatus, m.runtimeDone = ws, true
		case pid == m.containerPid && !m.containerDone:
			m.containerStatus, m.containerDone = ws, true
			if code := conmon.ExitCode(ws); code != 0 {
				if diag.on(levelInfo) {
					infof("container " + itoa(pid) + " exited with status " + itoa(code))
				}
			}
		case m.cacheOn && len(m.exitCache) < 4096:
			m.exitCache = append(m.exitCache, exited{pid, ws})
		}
	}
}

package monitor

import (
	"errors"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// sigRelay turns the signals the monitor handles into bits and a write on
// an eventfd the epoll loop watches. Its goroutine is the only one besides
// main.
type sigRelay struct {
	pending atomic.Uint32
	ch      chan os.Signal
}

func startSigRelay(wake int) *sigRelay {
	r := &sigRelay{ch: make(chan os.Signal, 8)}
	signal.Notify(r.ch, syscall.SIGCHLD, syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT)
	go func() {
		one := [8]byte{1}
		for s := range r.ch {
			if sig, ok := s.(syscall.Signal); ok && sig < 32 {
				r.pending.Or(1 << uint(sig))
			}
			_, _ = unix.Write(wake, one[:])
		}
	}()
	return r
}

func (r *sigRelay) stop() {
	signal.Reset(syscall.SIGCHLD, syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT)
}

func (m *mon) add(fd int, events uint32) {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	if err := unix.EpollCtl(m.ep, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		warnf("epoll add fd " + itoa(fd) + ": " + err.Error())
	}
}

func (m *mon) mod(fd int, events uint32) {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	_ = unix.EpollCtl(m.ep, unix.EPOLL_CTL_MOD, fd, &ev)
}

func (m *mon) del(fd int) {
	_ = unix.EpollCtl(m.ep, unix.EPOLL_CTL_DEL, fd, nil)
}

// loop dispatches events until done reports true.
//
// The monitor's epoll fd is itself watched by the Go runtime's poller:
// while nothing happens the main goroutine is parked and the process's only
// busy thread sleeps in the runtime's epoll_wait, instead of one thread
// blocking in ours and another being started to run the Go scheduler.
func (m *mon) loop(done func() bool) {
	for !done() {
		_ = m.epFile.SetReadDeadline(m.nextTimer())
		err := m.epConn.Read(func(uintptr) bool {
			n, err := unix.EpollWait(m.ep, m.events[:], 0)
			if err == unix.EINTR {
				return true
			}
			if n <= 0 {
				return false // park until the epoll fd is readable
			}
			for i := 0; i < n; i++ {
				m.dispatch(int(m.events[i].Fd), m.events[i].Events)
			}
			return true
		})
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			errorf("waiting for events: " + err.Error())
			return
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
}

func (m *mon) dispatch(fd int, ev uint32) {
	switch {
	case fd == m.wake:
		var b [8]byte
		_, _ = unix.Read(m.wake, b[:])
		sigs := m.sigs.pending.Swap(0)
		if sigs&(1<<uint(syscall.SIGCHLD)) != 0 {
			m.reap()
		}
		for _, s := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT} {
			if sigs&(1<<uint(s)) != 0 {
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
	case fd == m.attachListen:
		m.acceptClient()
	case fd == m.ctlFd:
		m.readCtl()
	case fd == m.winszR:
		m.readWinsz()
	case m.oom != nil && fd == m.oom.fd:
		m.oom.event()
	case m.notify != nil && fd == m.notify.fd:
		m.notify.relay()
	default:
		for _, cl := range m.clients {
			if cl.fd == fd {
				m.clientEvent(cl, ev)
				return
			}
		}
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
		case pid == m.runtimePid && !m.runtimeDone:
			m.runtimeStatus, m.runtimeDone = ws, true
		case pid == m.containerPid && !m.containerDone:
			m.containerStatus, m.containerDone = ws, true
			if code := exitCode(ws); code != 0 {
				infof("container " + itoa(pid) + " exited with status " + itoa(code))
			}
		case m.cacheOn && len(m.exitCache) < 4096:
			m.exitCache = append(m.exitCache, exited{pid, ws})
		}
	}
}

package monitor

import (
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/attach"
	"github.com/pod-engine/pod/pkg/conmon/k8sfile"
)

// setupStdio creates the container's stdio: a console socket with -t, else
// pipes (stdin only with -i); a stderr pipe always, which also carries the
// runtime's error message. workerFds are the runtime's ends.
func (m *mon) setupStdio() string {
	c := m.c
	m.workerFds = []int{-1, -1, -1}
	if c.passthrough {
		return ""
	}
	pipe := func() (r, w int, msg string) {
		var p [2]int
		if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
			return -1, -1, "Failed to create pipe: " + err.Error()
		}
		return p[0], p[1], ""
	}
	if c.Terminal {
		if msg := m.setupConsole(); msg != "" {
			return msg
		}
	} else {
		if c.Stdin {
			r, w, msg := pipe()
			if msg != "" {
				return "Failed to create !terminal stdin pipe: " + msg
			}
			m.stdinFd, m.workerFds[0] = w, r
			_ = syscall.SetNonblock(w, true)
		}
		r, w, msg := pipe()
		if msg != "" {
			return "Failed to create !terminal stdout pipe: " + msg
		}
		m.stdoutFd, m.workerFds[1] = r, w
	}
	r, w, msg := pipe()
	if msg != "" {
		return "Failed to create stderr pipe: " + msg
	}
	m.stderrFd, m.workerFds[2] = r, w
	// A container user other than root must be able to reopen
	// /proc/self/fd/{0,1,2}.
	for _, fd := range m.workerFds {
		if fd >= 0 {
			_ = syscall.Fchmod(fd, 0o777)
		}
	}
	return ""
}

// startRelay registers everything stage B watches.
func (m *mon) startRelay() {
	for _, fd := range []int{m.stdoutFd, m.stderrFd} {
		if fd >= 0 {
			_ = syscall.SetNonblock(fd, true)
			m.add(fd, unix.EPOLLIN)
		}
	}
	if m.att != nil {
		m.add(m.att.Fd(), unix.EPOLLIN)
	}
	for _, f := range []*attach.Fifo{m.ctl, m.winszFifo} {
		if f != nil {
			m.add(f.Fd(), unix.EPOLLIN)
		}
	}
}

// readStdio handles one readiness event of the container's stdout (id 2,
// also the terminal) or stderr (id 3): one read of up to 8192 bytes, logged
// and sent to every attach client.
func (m *mon) readStdio(fd int, ev uint32, id byte) bool {
	n, err := syscall.Read(fd, outBuf[1:])
	if n > 0 {
		m.output(id, n)
		return true
	}
	if err == syscall.EAGAIN || err == syscall.EINTR {
		if ev&(unix.EPOLLHUP|unix.EPOLLERR) != 0 && fd == m.consoleFd {
			m.ttyHangup()
		}
		return false
	}
	if fd == m.consoleFd && err == syscall.EIO {
		// No slave side open right now: poll again a little later
		// instead of spinning on the hangup.
		m.ttyHangup()
		return false
	}
	// EOF (or a read error): the stream is over.
	m.del(fd)
	syscall.Close(fd)
	if fd == m.stdoutFd {
		m.stdoutFd = -1
		if fd == m.consoleFd {
			m.consoleFd = -1
		}
	} else {
		m.stderrFd = -1
	}
	return false
}

func (m *mon) ttyHangup() {
	m.del(m.consoleFd)
	m.ttyRearm = time.Now().Add(100 * time.Millisecond)
}

// output logs outBuf[1:1+n] and sends it, framed with id, to attach clients.
func (m *mon) output(id byte, n int) {
	data := outBuf[1 : 1+n]
	stream := k8sfile.Stdout
	if id == conmon.StreamStderr {
		stream = k8sfile.Stderr
	}
	m.writeLogs(stream, data)
	outBuf[0] = id
	if m.att != nil {
		m.att.Send(outBuf[:1+n])
	}
}

// drainStdio reads what is left in the pipes once the container exited
// (bounded, in case a leftover process keeps writing).
func (m *mon) drainStdio() {
	for _, p := range []struct {
		fd *int
		id byte
	}{{&m.stdoutFd, 2}, {&m.stderrFd, 3}} {
		total := 0
		for *p.fd >= 0 && total < 16<<20 {
			fd := *p.fd
			_ = syscall.SetNonblock(fd, true)
			n, err := syscall.Read(fd, outBuf[1:])
			if err == syscall.EINTR {
				continue
			}
			if n <= 0 {
				break
			}
			total += n
			m.output(p.id, n)
		}
	}
}

// toStdin queues data for the container's stdin without ever blocking the
// loop; while much is queued, attach clients are not read (backpressure).
func (m *mon) toStdin(data []byte) {
	if m.stdinFd < 0 || m.stdinCloseWanted {
		return
	}
	if len(m.stdinPending) == 0 {
		for len(data) > 0 {
			n, err := syscall.Write(m.stdinFd, data)
			if err == syscall.EINTR {
				continue
			}
			if err == syscall.EAGAIN {
				break
			}
			if err != nil {
				warnf("Failed to write to container stdin: " + err.Error())
				return
			}
			data = data[n:]
		}
		if len(data) == 0 {
			return
		}
		m.add(m.stdinFd, unix.EPOLLOUT)
	}
	m.stdinPending = append(m.stdinPending, data...)
	if len(m.stdinPending) >= 1<<20 && !m.inputPaused {
		m.pauseInput(true)
	}
}

// flushStdin writes queued stdin when the pipe (or terminal) has room.
func (m *mon) flushStdin() {
	for len(m.stdinPending) > 0 {
		n, err := syscall.Write(m.stdinFd, m.stdinPending)
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			return
		}
		if err != nil {
			warnf("Failed to write to container stdin: " + err.Error())
			m.stdinPending = m.stdinPending[:0]
			break
		}
		m.stdinPending = m.stdinPending[n:]
	}
	m.stdinPending = nil
	m.del(m.stdinFd)
	if m.inputPaused {
		m.pauseInput(false)
	}
	if m.stdinCloseWanted {
		m.closeStdin()
	}
}

// closeStdin closes the container's stdin once queued input is written.
func (m *mon) closeStdin() {
	if m.stdinFd < 0 {
		return
	}
	if len(m.stdinPending) > 0 {
		m.stdinCloseWanted = true
		return
	}
	syscall.Close(m.stdinFd)
	m.stdinFd = -1
	m.stdinCloseWanted = false
}

// pauseInput stops (or resumes) reading attach clients while stdin is
// backed up.
func (m *mon) pauseInput(pause bool) {
	m.inputPaused = pause
	if m.att != nil {
		m.att.PauseInput(pause)
	}
}

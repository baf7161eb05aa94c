package monitor

import (
	"syscall"

	"github.com/pod-engine/pod/pkg/conmon"
)

// setupFifos creates <bundle>/ctl (the caller's control channel) and
// <bundle>/winsz, each with a reader and a dummy writer, so a caller
// closing its end does not flood us with hangups.
func (m *mon) setupFifos() string {
	var msg string
	if m.ctlFd, m.ctlDummy, msg = makeFifo(m.c.Bundle + "/" + conmon.CtlName); msg != "" {
		return msg
	}
	m.winszR, m.winszW, msg = makeFifo(m.c.Bundle + "/" + conmon.WinszName)
	return msg
}

func makeFifo(path string) (r, w int, msg string) {
	if err := syscall.Mkfifo(path, 0o660); err != nil {
		if err != syscall.EEXIST {
			return -1, -1, "Failed to mkfifo at " + path + ": " + err.Error()
		}
		_ = syscall.Unlink(path)
		if err := syscall.Mkfifo(path, 0o660); err != nil {
			return -1, -1, "Failed to mkfifo at " + path + ": " + err.Error()
		}
	}
	r, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return -1, -1, "Failed to open " + path + " read half: " + err.Error()
	}
	w, err = syscall.Open(path, syscall.O_WRONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		syscall.Close(r)
		return -1, -1, "Failed to open " + path + " write half: " + err.Error()
	}
	return r, w, ""
}

// readCtl handles "<type> <height> <width>" lines: 1 resizes the terminal,
// 2 reopens the k8s-file log.
func (m *mon) readCtl() {
	b := m.ctlBuf[:]
	n, err := syscall.Read(m.ctlFd, b)
	if n <= 0 {
		if err != syscall.EAGAIN && err != syscall.EINTR {
			warnf("Failed to read from control fifo: " + errText(err))
		}
		return
	}
	m.ctlLines.Feed(b[:n], func(line []byte) {
		msg, err := conmon.ParseCtl(line)
		if err != nil {
			warnf("Invalid control message " + quote(line))
			return
		}
		switch msg.Type {
		case conmon.CtlResize:
			m.resize(msg.Height, msg.Width)
		case conmon.CtlReopen:
			if m.k8s != nil {
				if err := m.k8s.Reopen(); err != nil {
					errorf("Failed to reopen log file: " + err.Error())
				}
			}
		}
	})
}

// readWinsz handles "<height> <width>" lines on the winsz FIFO.
func (m *mon) readWinsz() {
	b := m.ctlBuf[:]
	n, _ := syscall.Read(m.winszR, b)
	if n <= 0 {
		return
	}
	m.winszLines.Feed(b[:n], func(line []byte) {
		h, w, err := conmon.ParseWinsz(line)
		if err != nil {
			warnf("Failed to parse window size " + quote(line))
			return
		}
		m.resize(h, w)
	})
}

func quote(b []byte) string {
	out := make([]byte, 0, len(b)+2)
	out = append(out, '"')
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '"' {
			out = append(out, '?')
		} else {
			out = append(out, c)
		}
	}
	return string(append(out, '"'))
}

package monitor

import (
	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/attach"
)

// setupFifos creates <bundle>/ctl (the caller's control channel) and
// <bundle>/winsz.
func (m *mon) setupFifos() string {
	var err error
	if m.ctl, err = attach.OpenFifo(m.c.Bundle + "/" + conmon.CtlName); err != nil {
		return "Failed to set up the ctl FIFO: " + err.Error()
	}
	if m.winszFifo, err = attach.OpenFifo(m.c.Bundle + "/" + conmon.WinszName); err != nil {
		return "Failed to set up the winsz FIFO: " + err.Error()
	}
	return ""
}

// readCtl handles "<type> <height> <width>" lines: 1 resizes the terminal,
// 2 reopens the k8s-file log.
func (m *mon) readCtl() {
	err := m.ctl.Read(func(line []byte) {
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
	if err != nil {
		warnf("Failed to read from control fifo: " + err.Error())
	}
}

// readWinsz handles "<height> <width>" lines on the winsz FIFO.
func (m *mon) readWinsz() {
	_ = m.winszFifo.Read(func(line []byte) {
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

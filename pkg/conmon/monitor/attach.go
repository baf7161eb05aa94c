package monitor

import (
	"os"

	"github.com/pod-engine/pod/pkg/conmon/attach"
)

// setupAttach creates the attach socket: <bundle>/attach with --full-attach,
// else through the <socket-dir-path>/<cuuid> symlink to the bundle.
func (m *mon) setupAttach() string {
	c := m.c
	dir := c.Bundle
	if !c.FullAttach {
		link := c.SocketDirPath + "/" + c.CUUID
		if err := os.Remove(link); err != nil && !os.IsNotExist(err) {
			return "Failed to remove existing symlink for attach socket directory: " + err.Error()
		}
		// A 107-byte link path would leave no room for the socket name
		// in sun_path; conmon shortens it by one character.
		if len(link) == 107 {
			link = link[:106]
		}
		if err := os.Symlink(c.Bundle, link); err != nil {
			return "Failed to create symlink for attach socket: " + err.Error()
		}
		dir = link
	}
	s, err := attach.Listen(dir)
	if err != nil {
		return "Failed to set up the attach socket: " + err.Error()
	}
	s.Input = m.toStdin
	s.EOF = m.clientEOF
	s.Warn = warnf
	if diag.on(levelInfo) {
		s.Info = infof
	}
	m.att = s
	return ""
}

// clientEOF is an attach client ending its input: with -i the container's
// stdin is closed too, unless --leave-stdin-open.
func (m *mon) clientEOF() {
	if m.c.Stdin && m.stdinFd >= 0 {
		if !m.c.LeaveStdinOpen {
			m.closeStdin()
		} else {
			infof("Not closing input")
		}
	}
}

// acceptPending accepts every queued connection. Called when the relay
// starts and before the last output is drained: a client that connected
// before `runtime start` (or before releasing an exec) must get all output
// even when the process is already gone.
func (m *mon) acceptPending() {
	if m.att != nil {
		m.att.AcceptPending()
	}
}

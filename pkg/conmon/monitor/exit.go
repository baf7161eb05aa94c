package monitor

import (
	"context"
	"os"
	"syscall"

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
	stopSignals()
	c := m.c
	if c.ExitCommand == "" {
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 && err != syscall.EINTR {
				break
			}
		}
		return code
	}
	_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	if m.oomOrig != "" {
		adjustOOM(m.oomOrig)
	}
	if c.ExitDelay > 0 {
		debugf("Sleeping for " + itoa(c.ExitDelay) + " seconds before executing exit command")
	}
	status, err := conmon.NewExitCommand(&c.Args, os.Environ()).Run(context.Background())
	if err != nil {
		errorf("Failed to run exit command " + c.ExitCommand + ": " + err.Error())
		if status < 0 {
			status = 1
		}
	}
	// Like conmon, wait for every other child too.
	for {
		pid, err := syscall.Wait4(-1, nil, 0, nil)
		if pid <= 0 && err != syscall.EINTR {
			break
		}
	}
	if status != 0 {
		return status
	}
	return code
}

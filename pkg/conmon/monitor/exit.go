package monitor

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
)

// writeExitFiles writes the status to <persist-dir>/exit, then to
// <exit-dir>/<cid>, each atomically (conmon's order: a watcher of the exit
// dir finds the persist file already there).
func (m *mon) writeExitFiles(status int) {
	if m.c.PersistDir != "" {
		if err := conmon.WriteExitFile(m.c.PersistDir+"/exit", status); err != nil {
			errorf("Failed to write container exit file: " + err.Error())
		}
	}
	if m.c.ExitDir != "" {
		if err := conmon.WriteExitFile(m.c.ExitDir+"/"+m.c.CID, status); err != nil {
			errorf("Failed to write exit file: " + err.Error())
		}
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
	for _, fd := range []*int{&m.ctlFd, &m.ctlDummy, &m.winszR, &m.winszW, &m.stdinFd, &m.attachListen, &m.consoleListen} {
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
		time.Sleep(time.Duration(c.ExitDelay) * time.Second)
	}
	argv := append([]string{c.ExitCommand}, c.ExitCommandArgs...)
	dn := uintptr(m.devnull)
	pid, err := syscall.ForkExec(c.ExitCommand, argv, &syscall.ProcAttr{
		Env:   os.Environ(),
		Files: []uintptr{dn, dn, dn},
	})
	if err != nil {
		errorf("Failed to run exit command " + c.ExitCommand + ": " + err.Error())
		return 1
	}
	status := 0
	for {
		var ws syscall.WaitStatus
		got, err := syscall.Wait4(-1, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || got <= 0 {
			break
		}
		if got == pid {
			status = exitCode(ws)
		}
	}
	if status != 0 {
		return status
	}
	return code
}

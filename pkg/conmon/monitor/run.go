package monitor

import (
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/attach"
	"github.com/pod-engine/pod/pkg/conmon/k8sfile"
)

// mon is the daemon's state. Only the main goroutine touches it (the signal
// handler only sets bits and wakes the loop, see signal_handler_amd64.go).
type mon struct {
	c *config

	sync       *syncPipe
	attachPipe *syncPipe
	startFd    int
	others     []int // inherited fds that are not protocol pipes
	devnull    int

	// Container stdio, our ends. -1 when closed or absent.
	stdoutFd, stderrFd, stdinFd int
	stdinPending                []byte
	stdinCloseWanted            bool
	inputPaused                 bool
	workerFds                   []int // the runtime's ends, closed after the fork

	// Terminal.
	consoleListen int
	consolePath   string
	consoleFd     int
	winsz         [2]int // pending size until the console exists
	winszPending  bool
	ttyRearm      time.Time // re-add the hung-up pty master at this time

	// Attach socket, ctl and winsz FIFOs.
	att       *attach.Server
	ctl       *attach.Fifo
	winszFifo *attach.Fifo

	k8s     *k8sfile.Writer
	journal *journal
	oom     *oomWatch
	notify  *notifyRelay

	runtimePid      int
	runtimeStatus   syscall.WaitStatus
	runtimeDone     bool
	containerPid    int
	containerStatus syscall.WaitStatus
	containerDone   bool
	exitCache       []exited // children reaped before the container pid was known
	cacheOn         bool

	ep       int
	wake     int       // eventfd the signal handler writes
	deadline time.Time // --timeout
	timedOut bool
	oomOrig  string // oom_score_adj before we lowered it
	events   [16]unix.EpollEvent
	per      periodic // --periodic-command (periodic.go)
}

// runDaemon is the monitor proper. start is the start pipe when the
// caller still has to release an --exec-attach exec (or --run container)
// through it, else -1;
// fromEnv says it must be taken from the environment (the re-executed
// daemon) rather than from the argument (--sync).
func runDaemon(c *config, start int, fromEnv bool) int {
	debug.SetGCPercent(50)
	m := &mon{c: c, startFd: -1, stdoutFd: -1, stderrFd: -1, stdinFd: -1, consoleListen: -1, consoleFd: -1,
		ep: -1, wake: -1, cacheOn: true}
	fds := inherited()
	signal.Ignore(syscall.SIGPIPE)
	var protocol [3]int
	protocol[0] = envFd(conmon.EnvSyncPipe)
	if protocol[0] >= 0 {
		m.sync = &syncPipe{fd: protocol[0], key: c.apiKey}
	}
	if c.ExecAttach {
		fd := envFd(conmon.EnvAttachPipe)
		if fd < 0 {
			fatal("--exec-attach specified but _OCI_ATTACHPIPE was not")
		}
		m.attachPipe = &syncPipe{fd: fd, key: c.apiKey}
		protocol[1] = fd
		if fromEnv {
			start = envFd(conmon.EnvStartPipe)
		}
		m.startFd = start
		protocol[2] = start
	}
	for _, fd := range fds {
		if fd != protocol[0] && fd != protocol[1] && fd != protocol[2] {
			m.others = append(m.others, fd)
		}
	}
	m.oomOrig = adjustOOM("-1000")

	var err error
	if m.devnull, err = syscall.Open("/dev/null", syscall.O_RDWR|syscall.O_CLOEXEC, 0); err != nil {
		fatal("Failed to open /dev/null: " + err.Error())
	}
	_, _ = unix.Setsid() // already a session leader unless --sync
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fatal("Failed to set as subreaper: " + err.Error())
	}
	if m.ep, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		fatal("Failed to create epoll: " + err.Error())
	}
	if m.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		fatal("Failed to create eventfd: " + err.Error())
	}
	m.add(m.wake, unix.EPOLLIN)
	if err := startSignals(m.wake); err != nil {
		fatal("Failed to set up signal handling: " + err.Error())
	}

	if c.SdNotifySocket != "" {
		m.notify = setupNotify(c)
		if m.notify != nil {
			m.add(m.notify.fd, unix.EPOLLIN)
		}
	}
	if msg := m.setupStdio(); msg != "" {
		fatal(msg)
	}
	if msg := m.openLogs(); msg != "" {
		fatal(msg)
	}
	if c.Bundle != "" && !c.passthrough {
		if msg := m.setupAttach(); msg != "" {
			fatal(msg)
		}
		if msg := m.setupFifos(); msg != "" {
			fatal(msg)
		}
		if c.ExecAttach {
			m.attachPipe.send(0, "", false)
		}
	}
	if c.ExecAttach && m.startFd >= 0 {
		// Wait until the caller connected to the attach socket.
		if err := readOnce(m.startFd); err != nil {
			fatal("start-pipe read failed: " + err.Error())
		}
		syscall.Close(m.startFd)
		m.startFd = -1
	}

	if msg := m.spawnRuntime(); msg != "" {
		m.sync.send(-1, msg, true)
		errorf(msg)
		return m.finish(1)
	}
	return m.finish(m.monitor())
}

// monitor waits for the runtime, reports the pid, relays stdio until the
// container exits and writes the exit files. It returns the exit status.
func (m *mon) monitor() int {
	c := m.c
	// Stage A: the runtime runs; a terminal arrives through the console socket.
	m.loop(func() bool { return m.runtimeDone })
	if m.consoleListen >= 0 {
		m.acceptConsole() // the runtime may have exited before we saw its connection
	}
	if !m.runtimeStatus.Exited() || m.runtimeStatus.ExitStatus() != 0 {
		msg := m.readRuntimeError()
		code := conmon.ExitCode(m.runtimeStatus)
		if msg == "" {
			msg = "runtime exited with status " + itoa(code) + " without an error message"
		}
		report := -1
		if c.Exec && m.containerDone && int(m.containerStatus) > 0 {
			report = -int(m.containerStatus)
		}
		m.sync.send(report, msg, true)
		errorf("runtime stderr: " + msg)
		errorf("Failed to create container: exit status " + itoa(code))
		return 1
	}
	if c.Terminal && m.consoleFd < 0 {
		m.sync.send(-1, "Runtime did not set up terminal", true)
		errorf("Runtime did not set up terminal")
		return 1
	}
	data, err := readSmall(c.ContainerPidFile)
	pid, ok := atoiBytes(data)
	if err != nil || !ok || pid <= 0 {
		msg := "Failed to read pidfile " + c.ContainerPidFile + ": " + errText(err)
		m.sync.send(-1, msg, true)
		errorf(msg)
		return 1
	}
	m.containerPid = pid
	if diag.on(levelDebug) {
		debugf("container PID: " + itoa(pid))
	}
	for _, e := range m.exitCache {
		// Reaped before we knew its pid; if the pid is in use again it is
		// not ours any more.
		if e.pid == pid && !exists("/proc/"+itoa(pid)) {
			m.containerStatus, m.containerDone = e.status, true
		}
	}
	m.exitCache, m.cacheOn = nil, false
	if c.APIVersion || !c.Exec {
		m.sync.send(pid, "", false)
	}
	m.oom = watchOOM(pid, c.PersistDir, c.Run, c.Bundle)
	if m.oom != nil && m.oom.fd >= 0 {
		m.add(m.oom.fd, unix.EPOLLIN)
	}

	// Stage B: relay stdio until the container exits.
	m.startRelay()
	m.acceptPending()
	if c.Timeout > 0 {
		m.deadline = time.Now().Add(time.Duration(c.Timeout) * time.Second)
	}
	m.reap()
	m.startPeriodic()
	m.loop(func() bool { return m.containerDone || m.timedOut })
	m.stopPeriodic()

	if !m.timedOut {
		m.acceptPending()
		m.drainStdio()
	}
	if m.oom != nil {
		m.oom.check()
	}
	m.closeLogs()
	status, message := -1, ""
	if m.timedOut && !m.containerDone {
		pgid, err := syscall.Getpgid(m.containerPid)
		if err == nil && pgid > 1 {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
		} else {
			_ = syscall.Kill(m.containerPid, syscall.SIGKILL)
		}
		message = "command timed out"
	} else {
		status = conmon.ExitCode(m.containerStatus)
	}
	// Free what the caller leaked into us (Podman's reserved ports) and
	// hang up attach clients before announcing the exit.
	for _, fd := range m.others {
		syscall.Close(fd)
	}
	m.others = nil
	if m.att != nil {
		// Like conmon: the socket goes, the symlink, ctl and winsz stay
		// (the caller's cleanup removes them).
		m.att.Close()
	}
	m.writeExitFiles(status)
	if c.Exec {
		m.sync.send(status, message, message != "")
	}
	return status
}

// adjustOOM writes /proc/self/oom_score_adj and returns the old value ("" if
// it could not be read). Lowering it needs CAP_SYS_RESOURCE; failure is fine.
func adjustOOM(v string) string {
	old := readOOM()
	if fd, err := syscall.Open("/proc/self/oom_score_adj", syscall.O_WRONLY|syscall.O_CLOEXEC, 0); err == nil {
		_, _ = syscall.Write(fd, []byte(v))
		syscall.Close(fd)
	}
	return old
}

// exited is a child reaped before we knew what it was.
type exited struct {
	pid    int
	status syscall.WaitStatus
}

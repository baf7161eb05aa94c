package monitor

import (
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/pod-engine/pod/pkg/conmon"
	"golang.org/x/sys/unix"
)

// envFd returns the fd number in the environment variable name, or -1.
func envFd(name string) int {
	v := os.Getenv(name)
	if v == "" {
		return -1
	}
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 0 {
		fatal("unable to parse " + name)
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC); err != nil {
		fatal("unable to make " + name + " CLOEXEC: " + err.Error())
	}
	return fd
}

// readOnce blocks for one read on fd (the start pipe): any data or EOF
// releases the monitor.
func readOnce(fd int) error {
	var b [64]byte // one read consumes the whole SOCK_SEQPACKET message
	for {
		_, err := syscall.Read(fd, b[:])
		if err != syscall.EINTR {
			return err
		}
	}
}

// released waits to be released through the start pipe and checks what
// must fail while the caller still sees our stderr and exit status. It
// returns the start pipe when an --exec-attach caller releases us a second
// time through it, else -1 (the pipe is closed then).
func released(c *config) int {
	signal.Ignore(syscall.SIGPIPE)
	start := envFd(conmon.EnvStartPipe)
	if start >= 0 {
		if err := readOnce(start); err != nil {
			fatal("start-pipe read failed: " + err.Error())
		}
		if !c.ExecAttach {
			syscall.Close(start)
			start = -1
		}
	}
	if c.k8sPath != "" {
		fd, err := syscall.Open(c.k8sPath, syscall.O_WRONLY|syscall.O_APPEND|syscall.O_CREAT|syscall.O_CLOEXEC, 0o600)
		if err != nil {
			fatal("Failed to open log file " + c.k8sPath + ": " + err.Error())
		}
		syscall.Close(fd)
	}
	if c.SeccompNotifySocket != "" {
		fatal("--seccomp-notify-socket is not supported by pod-conmon")
	}
	return start
}

// runDirect is the monitor started by pod with conmon.EnvDirect: the
// caller made it a session leader and does not wait for it, so it is the
// daemon already and saves the re-exec (a whole process start) on every
// create and exec. Once released it writes its own pid file and drops the
// caller's stdio (kept with the passthrough log driver), as the daemon
// starts with /dev/null.
func runDirect(c *config) int {
	start := released(c)
	if c.ConmonPidFile != "" {
		if err := conmon.WritePidFile(c.ConmonPidFile, os.Getpid()); err != nil {
			fatal("Failed to write conmon pidfile: " + err.Error())
		}
	}
	if !c.passthrough {
		devnull, err := syscall.Open("/dev/null", syscall.O_RDWR|syscall.O_CLOEXEC, 0)
		if err != nil {
			fatal("Failed to open /dev/null: " + err.Error())
		}
		for fd := 0; fd < 3; fd++ {
			if err := unix.Dup2(devnull, fd); err != nil {
				fatal("Failed to redirect stdio to /dev/null: " + err.Error())
			}
		}
		syscall.Close(devnull)
	}
	return runDaemon(c, start, false)
}

// runParent is the process the caller starts. It waits to be released
// through the start pipe, then starts the daemon and exits, leaving the
// daemon's pid in --conmon-pidfile (or, with --sync, becomes the daemon).
func runParent(c *config) int {
	start := released(c)
	if c.Sync {
		return runDaemon(c, start, false)
	}

	devnull, err := syscall.Open("/dev/null", syscall.O_RDWR|syscall.O_CLOEXEC, 0)
	if err != nil {
		fatal("Failed to open /dev/null: " + err.Error())
	}
	// Every fd the daemon must get (the sync and attach pipes, whatever the
	// caller passed) is inherited and so not close-on-exec; everything else
	// is. So only stdio is set up explicitly: a hole in Files would make the
	// child close each fd number one by one.
	files := []uintptr{uintptr(devnull), uintptr(devnull), uintptr(devnull)}
	if c.passthrough {
		files = []uintptr{0, 1, 2}
	}
	if start >= 0 && c.ExecAttach {
		if _, err := unix.FcntlInt(uintptr(start), unix.F_SETFD, 0); err != nil {
			fatal("Failed to pass the start pipe to the monitor daemon: " + err.Error())
		}
	}
	// The daemon's Go runtime: one P and a small heap goal keep it lean.
	env := os.Environ()
	var added []string
	for _, kv := range [][2]string{{"GOMAXPROCS", "1"}, {"GOGC", "50"}} {
		if _, ok := os.LookupEnv(kv[0]); !ok {
			env = append(env, kv[0]+"="+kv[1])
			added = append(added, kv[0])
		}
	}
	env = append(env, envDaemon+"="+joinComma(added))
	self, err := os.Executable()
	if err != nil {
		self = "/proc/self/exe"
	}
	pid, err := syscall.ForkExec(self, os.Args, &syscall.ProcAttr{
		Env:   env,
		Files: files,
		Sys:   &syscall.SysProcAttr{Setsid: true},
	})
	if err != nil {
		fatal("Failed to fork the monitor daemon: " + err.Error())
	}
	if c.ConmonPidFile != "" {
		if err := conmon.WritePidFile(c.ConmonPidFile, pid); err != nil {
			fatal("Failed to write conmon pidfile: " + err.Error())
		}
	}
	return 0
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

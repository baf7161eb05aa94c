package shimmon

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"github.com/pod-engine/pod/pkg/conmon"
)

// envChild marks the daemonized pod-shim process.
const envChild = "_POD_SHIM_DAEMON"

// daemonize does what conmon's fork does: the first process starts a copy of
// itself in a new session with the same pipes at the same fd numbers, writes
// the copy's pid to pidFile and returns true (the caller exits 0); the copy
// returns false and carries on.
func daemonize(pidFile string) (parent bool, err error) {
	if os.Getenv(envChild) == "1" {
		os.Unsetenv(envChild)
		return false, nil
	}
	self, err := os.Executable()
	if err != nil {
		return true, err
	}
	// Hand on fds 3..max of the handshake pipes unchanged: ExtraFiles[i] is fd 3+i.
	maxFd := 2
	for _, name := range []string{conmon.EnvSyncPipe, conmon.EnvStartPipe, conmon.EnvAttachPipe} {
		if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > maxFd && n < 1024 {
			maxFd = n
		}
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return true, err
	}
	defer devnull.Close()
	var extra []*os.File
	for fd := 3; fd <= maxFd; fd++ {
		if _, err := fcntlGetfd(fd); err != nil {
			extra = append(extra, devnull) // a hole: keep the numbering
			continue
		}
		extra = append(extra, os.NewFile(uintptr(fd), "fd"+strconv.Itoa(fd)))
	}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Env = append(os.Environ(), envChild+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, devnull, devnull
	cmd.ExtraFiles = extra
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return true, fmt.Errorf("daemonizing: %w", err)
	}
	if pidFile != "" {
		if err := conmon.WritePidFile(pidFile, cmd.Process.Pid); err != nil {
			return true, err
		}
	}
	_ = cmd.Process.Release()
	return true, nil
}

// startedDirect reports whether pod started this process directly as the
// daemon (conmon.EnvDirect, as for pod-conmon: a session leader its caller
// does not wait for), and takes that variable and the Go runtime settings
// it names out of the environment, so the shim binary pod-shim starts does
// not inherit them.
func startedDirect() bool {
	added, ok := os.LookupEnv(conmon.EnvDirect)
	if !ok {
		return false
	}
	os.Unsetenv(conmon.EnvDirect)
	for _, name := range strings.Split(added, ",") {
		if name != "" {
			os.Unsetenv(name)
		}
	}
	return true
}

// becomeDaemon is what the daemonized copy starts with, done in place: our
// own pid in pidFile, stdio on /dev/null (the pipes stay).
func becomeDaemon(pidFile string) error {
	if pidFile != "" {
		if err := conmon.WritePidFile(pidFile, os.Getpid()); err != nil {
			return err
		}
	}
	devnull, err := syscall.Open(os.DevNull, syscall.O_RDWR|syscall.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening /dev/null: %w", err)
	}
	defer syscall.Close(devnull)
	for fd := 0; fd < 3; fd++ {
		if err := syscall.Dup3(devnull, fd, 0); err != nil {
			return fmt.Errorf("stdio to /dev/null: %w", err)
		}
	}
	return nil
}

func fcntlGetfd(fd int) (int, error) {
	r, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

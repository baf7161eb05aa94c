package monitor

import (
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The runtime connects to the console socket, and sends the terminal a
// little later; signals (the runtime's SIGCHLD) arriving on the monitor's
// thread meanwhile must not lose it.
func TestAcceptConsoleSignals(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(ep)
	m := &mon{c: &config{}, ep: ep, consoleListen: -1, consoleFd: -1, stdoutFd: -1, stdinFd: -1}
	m.c.Terminal = true
	if msg := m.setupConsole(); msg != "" {
		t.Fatal(msg)
	}
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no /dev/ptmx:", err)
	}
	defer ptmx.Close()
	conn, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(conn)
	if err := unix.Connect(conn, &unix.SockaddrUnix{Name: m.consolePath}); err != nil {
		t.Fatal(err)
	}

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tid := unix.Gettid()
	var done atomic.Bool
	go func() {
		// Signal the receiving thread for a while, then send the terminal.
		for end := time.Now().Add(200 * time.Millisecond); time.Now().Before(end); {
			_ = unix.Tgkill(os.Getpid(), tid, unix.SIGURG)
			time.Sleep(time.Millisecond)
		}
		if err := unix.Sendmsg(conn, []byte("console"), unix.UnixRights(int(ptmx.Fd())), nil, 0); err != nil {
			t.Error(err)
		}
		for !done.Load() {
			_ = unix.Tgkill(os.Getpid(), tid, unix.SIGURG)
			time.Sleep(time.Millisecond)
		}
	}()
	m.acceptConsole()
	done.Store(true)
	if m.consoleFd < 0 || m.stdoutFd != m.consoleFd {
		t.Fatalf("no terminal received (console fd %d)", m.consoleFd)
	}
	defer syscall.Close(m.consoleFd)
	if _, err := os.Stat(m.consolePath); !os.IsNotExist(err) {
		t.Errorf("console socket %s left behind: %v", m.consolePath, err)
	}
}

package monitor

import (
	"bytes"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// notifyRelay receives sd_notify datagrams from the container on
// <bundle>/notify/notify.sock and forwards the state changes systemd cares
// about to the host's notify socket.
type notifyRelay struct {
	fd   int
	host string
	buf  []byte
}

func setupNotify(c *config) *notifyRelay {
	dir := c.Bundle + "/notify"
	dfd, err := syscall.Open(dir, unix.O_PATH|syscall.O_CLOEXEC, 0)
	if err != nil {
		warnf("Failed to open sd-notify directory " + dir + " (the caller creates it): " + err.Error())
		return nil
	}
	defer syscall.Close(dfd)
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC|syscall.SOCK_NONBLOCK, 0)
	if err != nil {
		warnf("Failed to create notify socket: " + err.Error())
		return nil
	}
	_ = unix.Unlinkat(dfd, "notify.sock", 0)
	addr := "/proc/self/fd/" + itoa(dfd) + "/notify.sock"
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: addr}); err != nil {
		syscall.Close(fd)
		warnf("Failed to bind notify socket " + dir + "/notify.sock: " + err.Error())
		return nil
	}
	_ = os.Chmod(dir+"/notify.sock", 0o777)
	return &notifyRelay{fd: fd, host: c.SdNotifySocket, buf: make([]byte, 4096)}
}

var notifyKeep = [][]byte{
	[]byte("READY=1"), []byte("RELOADING=1"), []byte("STOPPING=1"), []byte("WATCHDOG=1"), []byte("WATCHDOG=trigger"),
}

var notifyPrefixes = [][]byte{
	[]byte("STATUS="), []byte("ERRNO="), []byte("BUSERROR="), []byte("MONOTONIC_USEC="),
}

// relay forwards the allowed lines of one datagram.
func (n *notifyRelay) relay() {
	got, _, err := syscall.Recvfrom(n.fd, n.buf, syscall.MSG_DONTWAIT)
	if err != nil || got <= 0 {
		return
	}
	// Each forwarded datagram names the monitor as the main process, so
	// systemd knows it even when the container's READY=1 arrives before
	// pod's own MAINPID message.
	out := append([]byte("MAINPID="+itoa(syscall.Getpid())+"\n"), nil...)
	prefix := len(out)
	for _, line := range bytes.Split(n.buf[:got], []byte{'\n'}) {
		keep := false
		for _, k := range notifyKeep {
			keep = keep || bytes.Equal(line, k)
		}
		for _, p := range notifyPrefixes {
			keep = keep || bytes.HasPrefix(line, p)
		}
		if keep {
			out = append(append(out, line...), '\n')
		}
	}
	if len(out) == prefix {
		return
	}
	hfd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer syscall.Close(hfd)
	if err := syscall.Sendto(hfd, out, 0, &syscall.SockaddrUnix{Name: n.host}); err != nil {
		warnf("Failed to forward sd-notify message to " + n.host + ": " + err.Error())
	}
}

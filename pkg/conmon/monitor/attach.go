package monitor

import (
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
)

// client is one connection to the attach socket.
type client struct {
	fd                 int
	readable, writable bool
}

// setupAttach creates the SOCK_SEQPACKET attach socket: <bundle>/attach
// with --full-attach, else through the <socket-dir-path>/<cuuid> symlink to
// the bundle. It binds through /proc/self/fd/N so long paths work.
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
		m.attachLink = link
		dir = link
	}
	dfd, err := syscall.Open(dir, unix.O_PATH|syscall.O_CLOEXEC, 0)
	if err != nil {
		return "Failed to open attach socket directory " + dir + ": " + err.Error()
	}
	defer syscall.Close(dfd)
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_SEQPACKET|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return "Failed to create attach socket: " + err.Error()
	}
	// The socket file takes the socket inode's mode at bind time.
	_ = syscall.Fchmod(fd, 0o700)
	addr := "/proc/self/fd/" + itoa(dfd) + "/" + conmon.AttachName
	if err := unix.Unlinkat(dfd, conmon.AttachName, 0); err != nil && err != unix.ENOENT {
		syscall.Close(fd)
		return "Failed to remove existing attach socket " + dir + "/attach: " + err.Error()
	}
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: addr}); err != nil {
		syscall.Close(fd)
		return "Failed to bind attach socket " + dir + "/attach: " + err.Error()
	}
	if err := syscall.Listen(fd, 10); err != nil {
		syscall.Close(fd)
		return "Failed to listen on attach socket " + dir + "/attach: " + err.Error()
	}
	m.attachListen = fd
	return ""
}

// acceptPending accepts every queued connection. Called when the relay
// starts and before the last output is drained: a client that connected
// before `runtime start` (or before releasing an exec) must get all output
// even when the process is already gone.
func (m *mon) acceptPending() {
	for m.attachListen >= 0 && m.acceptClient() {
	}
}

func (m *mon) acceptClient() bool {
	fd, err := accept(m.attachListen)
	if err != nil {
		if err != unix.EAGAIN && err != unix.EINTR {
			warnf("Failed to accept client connection on attach socket: " + err.Error())
		}
		return false
	}
	var cl *client
	if n := len(m.spareClients); n > 0 {
		cl, m.spareClients = m.spareClients[n-1], m.spareClients[:n-1]
	} else {
		cl = new(client)
	}
	*cl = client{fd: fd, readable: true, writable: true}
	m.clients = append(m.clients, cl)
	if m.inputPaused {
		m.add(fd, 0)
	} else {
		m.add(fd, unix.EPOLLIN)
	}
	if diag.on(levelInfo) {
		infof("Accepted attach connection " + itoa(fd))
	}
	return true
}

// clientEvent reads a client's input (raw bytes for the container's stdin).
// EOF half-closes: the container's stdin is closed too with -i, unless
// --leave-stdin-open. A client that closed its connection altogether
// (EPOLLHUP: it cannot read output either) is dropped at once; conmon keeps
// its fd until a write to it fails, which may be never.
func (m *mon) clientEvent(cl *client, ev uint32) {
	if !cl.readable {
		m.del(cl.fd)
		return
	}
	n, err := recvNoWait(cl.fd, inBuf[:])
	if n > 0 {
		m.toStdin(inBuf[:n])
		return
	}
	if err == unix.EAGAIN || err == unix.EINTR {
		return
	}
	how := unix.SHUT_RD
	if ev&unix.EPOLLHUP != 0 {
		how = unix.SHUT_RDWR
	}
	m.shutdownClient(cl, how)
	if m.c.Stdin && m.stdinFd >= 0 {
		if !m.c.LeaveStdinOpen {
			m.closeStdin()
		} else {
			infof("Not closing input")
		}
	}
}

// shutdownClient shuts one direction; a client shut both ways is closed.
func (m *mon) shutdownClient(cl *client, how int) {
	_ = unix.Shutdown(cl.fd, how)
	if how == unix.SHUT_RD || how == unix.SHUT_RDWR {
		if cl.readable {
			m.del(cl.fd)
		}
		cl.readable = false
	}
	if how == unix.SHUT_WR || how == unix.SHUT_RDWR {
		cl.writable = false
	}
	if !cl.readable && !cl.writable {
		syscall.Close(cl.fd)
		for i, x := range m.clients {
			if x == cl {
				m.clients = append(m.clients[:i], m.clients[i+1:]...)
				m.spareClients = append(m.spareClients, cl)
				break
			}
		}
	}
}

// broadcast sends one framed packet to every client that still reads.
// Writes block like conmon's: a client that stops reading stalls output.
func (m *mon) broadcast(pkt []byte) {
	for i := len(m.clients) - 1; i >= 0; i-- {
		cl := m.clients[i]
		if !cl.writable {
			continue
		}
		for {
			_, err := syscall.Write(cl.fd, pkt)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				warnf("Failed to write to attach socket: " + err.Error())
				m.shutdownClient(cl, unix.SHUT_WR)
			}
			break
		}
	}
}

// pauseInput stops (or resumes) reading clients while stdin is backed up.
func (m *mon) pauseInput(pause bool) {
	m.inputPaused = pause
	var ev uint32
	if !pause {
		ev = unix.EPOLLIN
	}
	for _, cl := range m.clients {
		if cl.readable {
			m.mod(cl.fd, ev)
		}
	}
}

// accept takes a connection from a listening socket, without the peer
// address (x/sys would allocate it on every call).
func accept(fd int) (int, error) {
	for {
		nfd, _, e := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(fd), 0, 0, unix.SOCK_CLOEXEC, 0, 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return -1, e
		}
		return int(nfd), nil
	}
}

// recvNoWait reads one packet without blocking and without the sender's
// address (x/sys would allocate it on every call).
func recvNoWait(fd int, b []byte) (int, error) {
	n, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), unix.MSG_DONTWAIT, 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}

func (m *mon) closeClients() {
	for _, cl := range m.clients {
		m.del(cl.fd)
		syscall.Close(cl.fd)
	}
	m.clients = nil
}

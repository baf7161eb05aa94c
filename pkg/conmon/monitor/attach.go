package monitor

import (
	"os"
	"syscall"

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
	fd, _, err := unix.Accept4(m.attachListen, unix.SOCK_CLOEXEC)
	if err != nil {
		if err != unix.EAGAIN && err != unix.EINTR {
			warnf("Failed to accept client connection on attach socket: " + err.Error())
		}
		return false
	}
	cl := &client{fd: fd, readable: true, writable: true}
	m.clients = append(m.clients, cl)
	if m.inputPaused {
		m.add(fd, 0)
	} else {
		m.add(fd, unix.EPOLLIN)
	}
	infof("Accepted attach connection " + itoa(fd))
	return true
}

// clientEvent reads a client's input (raw bytes for the container's stdin).
// EOF half-closes: the container's stdin is closed too with -i, unless
// --leave-stdin-open.
func (m *mon) clientEvent(cl *client, ev uint32) {
	if !cl.readable {
		m.del(cl.fd)
		return
	}
	n, _, err := unix.Recvfrom(cl.fd, m.inbuf[:], unix.MSG_DONTWAIT)
	if n > 0 {
		m.toStdin(m.inbuf[:n])
		return
	}
	if err == unix.EAGAIN || err == unix.EINTR {
		return
	}
	m.shutdownClient(cl, unix.SHUT_RD)
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

func (m *mon) closeClients() {
	for _, cl := range m.clients {
		m.del(cl.fd)
		syscall.Close(cl.fd)
	}
	m.clients = nil
}

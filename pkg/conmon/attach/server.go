// Package attach serves the endpoints a conmon-protocol monitor keeps in
// the container's bundle for its callers: the attach socket (Server) and
// the ctl and winsz FIFOs (Fifo). pod-conmon (package conmon/monitor) and
// pod-shim (package ocirt/shimv2/shimmon) both use it, so that a container
// looks the same to `pod attach` whatever runs it.
//
// Everything here is driven by readiness: each type has one fd to watch
// (with poll or epoll, or in another epoll set) and a method to call when
// it is readable. Nothing starts a goroutine, and once set up nothing
// allocates per event, so a monitor that runs for the container's whole
// life stays small.
package attach

import (
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
)

// Server is conmon's attach socket: a SOCK_SEQPACKET socket at <dir>/attach
// (mode 0700). Every packet to a client is one stream byte
// (conmon.StreamStdout, conmon.StreamStderr) and up to
// conmon.AttachPacketData bytes of output; what a client sends is raw input
// for the container's stdin; a client ends its input with a half-close.
//
// Writes block, as conmon's do: a client that stops reading stalls the
// output (WriteTimeout bounds that). Service, Send and the other methods may
// be called from different goroutines; Service itself from one at a time.
type Server struct {
	// Input receives a client's input, in order. data is only valid
	// during the call. Called without the Server's lock held, so it may
	// block or call PauseInput. nil drops input.
	Input func(data []byte)
	// EOF is called when a client ends its input: a half-close, or a hang
	// up (the client is then dropped).
	EOF func()
	// Warn and Info, when set, receive diagnostics (conmon's texts).
	Warn, Info func(msg string)
	// WriteTimeout, when set before clients connect, drops output to a
	// client after it blocked that long (the client may still send
	// input). Zero blocks as long as the client does not read (conmon).
	WriteTimeout time.Duration

	mu      sync.Mutex
	ln      int    // listening socket, -1 once closed
	ep      int    // epoll set: ln and every readable client
	path    string // the socket file, removed by Close
	clients []*client
	spare   []*client // structs of closed clients, for reuse
	paused  bool
	events  [8]unix.EpollEvent
	inBuf   []byte // one read of client input, allocated on first use
	pkt     []byte // Broadcast's framing buffer, allocated on first use
}

type client struct {
	fd                 int
	readable, writable bool
}

// Listen creates <dir>/attach, replacing a stale socket file. It binds
// through /proc/self/fd/N, so dir may be longer than a socket address
// allows.
func Listen(dir string) (*Server, error) {
	path := dir + "/" + conmon.AttachName
	dfd, err := syscall.Open(dir, unix.O_PATH|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open attach socket directory", Path: dir, Err: err}
	}
	defer syscall.Close(dfd)
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_SEQPACKET|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "create attach socket", Path: path, Err: err}
	}
	fail := func(op string, err error) (*Server, error) {
		syscall.Close(fd)
		return nil, &os.PathError{Op: op, Path: path, Err: err}
	}
	// The socket file takes the socket inode's mode at bind time.
	if err := syscall.Fchmod(fd, 0o700); err != nil {
		return fail("chmod attach socket", err)
	}
	if err := unix.Unlinkat(dfd, conmon.AttachName, 0); err != nil && err != unix.ENOENT {
		return fail("remove existing attach socket", err)
	}
	addr := "/proc/self/fd/" + strconv.Itoa(dfd) + "/" + conmon.AttachName
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: addr}); err != nil {
		return fail("bind attach socket", err)
	}
	if err := syscall.Listen(fd, 10); err != nil {
		return fail("listen on attach socket", err)
	}
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return fail("create attach epoll set", err)
	}
	s := &Server{ln: fd, ep: ep, path: path}
	if err := s.ctl(unix.EPOLL_CTL_ADD, fd, unix.EPOLLIN); err != nil {
		syscall.Close(ep)
		return fail("watch attach socket", err)
	}
	return s, nil
}

// Path is the socket file's path.
func (s *Server) Path() string { return s.path }

// Fd is readable when Service has work: a connection to accept or a
// client's input or hang-up. It may go into another epoll set.
func (s *Server) Fd() int { return s.ep }

func (s *Server) ctl(op, fd int, events uint32) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	return unix.EpollCtl(s.ep, op, fd, &ev)
}

// Service accepts pending connections and reads what clients sent, without
// blocking. Call it when Fd is readable.
func (s *Server) Service() {
	for {
		s.mu.Lock()
		if s.ln < 0 {
			s.mu.Unlock()
			return
		}
		n, err := unix.EpollWait(s.ep, s.events[:], 0)
		if n <= 0 {
			s.mu.Unlock()
			if err == unix.EINTR {
				continue
			}
			return
		}
		// Copy the events: the callbacks run unlocked and may reenter.
		var evs [len(s.events)]unix.EpollEvent
		copy(evs[:], s.events[:n])
		s.mu.Unlock()
		for _, ev := range evs[:n] {
			if int(ev.Fd) == s.ln {
				s.AcceptPending()
			} else {
				s.clientEvent(int(ev.Fd), ev.Events)
			}
		}
		if n < len(s.events) {
			return
		}
	}
}

// AcceptPending accepts every queued connection. A monitor calls it before
// it relays the first output and before it drains the last, so that a
// client that connected before the process started (or ended) gets all of
// it.
func (s *Server) AcceptPending() {
	for {
		fd, err := s.accept()
		if err != nil {
			if err != unix.EAGAIN && err != unix.EINTR && err != unix.EBADF && s.Warn != nil {
				s.Warn("Failed to accept client connection on attach socket: " + err.Error())
			}
			return
		}
		if s.Info != nil {
			s.Info("Accepted attach connection " + strconv.Itoa(fd))
		}
	}
}

func (s *Server) accept() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln < 0 {
		return -1, unix.EBADF
	}
	// Raw accept4 without the peer address (x/sys would allocate it).
	nfd, _, e := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(s.ln), 0, 0, unix.SOCK_CLOEXEC, 0, 0)
	if e != 0 {
		return -1, e
	}
	fd := int(nfd)
	if s.WriteTimeout > 0 {
		tv := unix.NsecToTimeval(s.WriteTimeout.Nanoseconds())
		_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv)
	}
	var cl *client
	if n := len(s.spare); n > 0 {
		cl, s.spare = s.spare[n-1], s.spare[:n-1]
	} else {
		cl = new(client)
	}
	*cl = client{fd: fd, readable: true, writable: true}
	s.clients = append(s.clients, cl)
	var events uint32 = unix.EPOLLIN
	if s.paused {
		events = 0 // hang-ups are still reported
	}
	if err := s.ctl(unix.EPOLL_CTL_ADD, fd, events); err != nil && s.Warn != nil {
		s.Warn("epoll add attach client " + strconv.Itoa(fd) + ": " + err.Error())
	}
	return fd, nil
}

// clientEvent reads one packet of a client's input. EOF ends its input; a
// hang-up (the client closed the connection, so it cannot read output
// either) drops it at once, where conmon keeps the fd until a write to it
// fails, which may be never.
func (s *Server) clientEvent(fd int, ev uint32) {
	s.mu.Lock()
	cl := s.find(fd)
	if cl == nil || !cl.readable {
		if cl == nil {
			_ = s.ctl(unix.EPOLL_CTL_DEL, fd, 0) // stale
		}
		s.mu.Unlock()
		return
	}
	if s.inBuf == nil {
		s.inBuf = make([]byte, conmon.AttachInputBuf)
	}
	n, e := recv(fd, s.inBuf)
	if e == 0 && n > 0 {
		s.mu.Unlock()
		if s.Input != nil {
			s.Input(s.inBuf[:n])
		}
		return
	}
	if e == unix.EAGAIN || e == unix.EINTR {
		s.mu.Unlock()
		return
	}
	how := unix.SHUT_RD
	if ev&unix.EPOLLHUP != 0 {
		how = unix.SHUT_RDWR
	}
	s.shutdown(cl, how)
	s.mu.Unlock()
	if s.EOF != nil {
		s.EOF()
	}
}

func (s *Server) find(fd int) *client {
	for _, cl := range s.clients {
		if cl.fd == fd {
			return cl
		}
	}
	return nil
}

// shutdown shuts one direction of a client; one shut both ways is closed.
// Called with s.mu held.
func (s *Server) shutdown(cl *client, how int) {
	_ = unix.Shutdown(cl.fd, how)
	if (how == unix.SHUT_RD || how == unix.SHUT_RDWR) && cl.readable {
		_ = s.ctl(unix.EPOLL_CTL_DEL, cl.fd, 0)
		cl.readable = false
	}
	if how == unix.SHUT_WR || how == unix.SHUT_RDWR {
		cl.writable = false
	}
	if cl.readable || cl.writable {
		return
	}
	syscall.Close(cl.fd)
	for i, x := range s.clients {
		if x == cl {
			s.clients = append(s.clients[:i], s.clients[i+1:]...)
			s.spare = append(s.spare, cl)
			break
		}
	}
}

// Send writes one packet (pkt[0] is the stream byte, at most
// conmon.AttachReadBuf bytes in all) to every client that still reads. A
// client whose write fails (or times out) gets no more output.
func (s *Server) Send(pkt []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.send(pkt)
}

func (s *Server) send(pkt []byte) {
	for i := len(s.clients) - 1; i >= 0; i-- {
		cl := s.clients[i]
		if !cl.writable {
			continue
		}
		for {
			_, err := syscall.Write(cl.fd, pkt)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				if s.Warn != nil {
					s.Warn("Failed to write to attach socket: " + err.Error())
				}
				s.shutdown(cl, unix.SHUT_WR)
			}
			break
		}
	}
}

// Broadcast sends data from stream to every client, in packets of at most
// conmon.AttachPacketData bytes.
func (s *Server) Broadcast(stream byte, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.clients) == 0 {
		return
	}
	if s.pkt == nil {
		s.pkt = make([]byte, conmon.AttachReadBuf)
	}
	s.pkt[0] = stream
	for len(data) > 0 {
		n := copy(s.pkt[1:], data)
		data = data[n:]
		s.send(s.pkt[:1+n])
	}
}

// Clients is the number of connected clients.
func (s *Server) Clients() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients)
}

// PauseInput stops (or resumes) reading clients' input, while the
// container's stdin is backed up.
func (s *Server) PauseInput(pause bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paused == pause {
		return
	}
	s.paused = pause
	var events uint32
	if !pause {
		events = unix.EPOLLIN
	}
	for _, cl := range s.clients {
		if cl.readable {
			_ = s.ctl(unix.EPOLL_CTL_MOD, cl.fd, events)
		}
	}
}

// CloseClients hangs up every client. Input a client sent that nobody
// read is dropped first: closing a socket with unread data resets the
// connection, and the reset reaches the client ahead of the output still
// queued for it, which a client that stops at the reset would lose.
func (s *Server) CloseClients() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cl := range s.clients {
		if cl.readable {
			_ = s.ctl(unix.EPOLL_CTL_DEL, cl.fd, 0)
		}
		discardInput(cl.fd)
		syscall.Close(cl.fd)
		s.spare = append(s.spare, cl)
	}
	s.clients = s.clients[:0]
}

// recv reads one packet of fd's input into buf, without blocking (raw, so
// that nothing allocates per packet).
func recv(fd int, buf []byte) (int, syscall.Errno) {
	n, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), unix.MSG_DONTWAIT, 0, 0)
	return int(n), e
}

// discardInput reads and drops what fd has queued, without blocking. The
// bound only matters for a client that keeps writing while we read.
func discardInput(fd int) {
	buf := make([]byte, conmon.AttachInputBuf)
	for i := 0; i < 1024; i++ {
		n, e := recv(fd, buf)
		if e == unix.EINTR {
			continue
		}
		if e != 0 || n == 0 {
			return
		}
	}
}

// Close hangs up every client, stops listening and removes the socket
// file (as conmon does at exit; a symlink to the directory stays).
func (s *Server) Close() {
	s.CloseClients()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln < 0 {
		return
	}
	syscall.Close(s.ln)
	syscall.Close(s.ep)
	s.ln, s.ep = -1, -1
	_ = os.Remove(s.path)
}

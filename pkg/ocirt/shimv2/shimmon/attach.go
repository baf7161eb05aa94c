package shimmon

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
)

// attachServer is conmon's attach socket: SOCK_SEQPACKET at <dir>/attach,
// each packet to a client is one stream byte (2 stdout, 3 stderr) and up to
// 8192 bytes; what a client sends goes to the container's stdin, and its
// half-close (EOF) closes that stdin unless the container keeps it open.
type attachServer struct {
	path    string
	ln      *net.UnixListener
	onInput func([]byte) error
	onEOF   func()

	mu      sync.Mutex
	clients map[*net.UnixConn]struct{}
	closed  bool
}

// writeTimeout bounds how long one slow client can hold up the container's
// output (conmon blocks on its clients, too).
const writeTimeout = 30 * time.Second

// listenAttach binds <dir>/attach through /proc/self/fd so that dir may be
// longer than a socket address allows.
func listenAttach(dir string, onInput func([]byte) error, onEOF func()) (*attachServer, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	path := filepath.Join(dir, conmon.AttachName)
	_ = os.Remove(path)
	addr := "/proc/self/fd/" + strconv.Itoa(int(d.Fd())) + "/" + conmon.AttachName
	ln, err := net.ListenUnix("unixpacket", &net.UnixAddr{Name: addr, Net: "unixpacket"})
	if err != nil {
		return nil, err
	}
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(path, 0o700); err != nil {
		_ = ln.Close()
		return nil, err
	}
	s := &attachServer{path: path, ln: ln, onInput: onInput, onEOF: onEOF, clients: map[*net.UnixConn]struct{}{}}
	go s.accept()
	return s, nil
}

func (s *attachServer) accept() {
	for {
		c, err := s.ln.AcceptUnix()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = c.Close()
			return
		}
		s.clients[c] = struct{}{}
		s.mu.Unlock()
		go s.read(c)
	}
}

// read forwards a client's input until it half-closes or goes away.
func (s *attachServer) read(c *net.UnixConn) {
	buf := make([]byte, conmon.AttachInputBuf)
	for {
		n, err := c.Read(buf)
		if n > 0 && s.onInput != nil {
			if s.onInput(buf[:n]) != nil {
				// stdin is closed: further input has nowhere to go.
				return
			}
		}
		if n == 0 || err != nil {
			if err == nil || errors.Is(err, io.EOF) {
				if s.onEOF != nil {
					s.onEOF()
				}
				return // the client still receives output
			}
			s.drop(c)
			return
		}
	}
}

func (s *attachServer) drop(c *net.UnixConn) {
	s.mu.Lock()
	delete(s.clients, c)
	s.mu.Unlock()
	_ = c.Close()
}

// broadcast sends data from stream to every client, in packets.
func (s *attachServer) broadcast(stream byte, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.clients) == 0 {
		return
	}
	var pkt [conmon.AttachReadBuf]byte
	pkt[0] = stream
	for len(data) > 0 {
		n := copy(pkt[1:], data)
		data = data[n:]
		for c := range s.clients {
			_ = c.SetWriteDeadline(time.Now().Add(writeTimeout))
			if _, err := c.Write(pkt[:n+1]); err != nil {
				delete(s.clients, c)
				_ = c.Close()
			}
		}
	}
}

// close stops accepting, disconnects every client and removes the socket.
func (s *attachServer) close() {
	s.mu.Lock()
	s.closed = true
	for c := range s.clients {
		_ = c.Close()
	}
	s.clients = nil
	s.mu.Unlock()
	_ = s.ln.Close()
	_ = os.Remove(s.path)
}

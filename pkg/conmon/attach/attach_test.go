package attach

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/conmon"
)

// dial connects to the attach socket of dir.
func dial(t *testing.T, dir string) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: filepath.Join(dir, conmon.AttachName)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

// listen is Listen(dir), closed at the end of the test.
func listen(t *testing.T, dir string) *Server {
	t.Helper()
	s, err := Listen(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// service runs s.Service until cond holds (or fails the test after 5 s).
func service(t *testing.T, s *Server, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		fds := []unix.PollFd{{Fd: int32(s.Fd()), Events: unix.POLLIN}}
		_, _ = unix.Poll(fds, 10)
		s.Service()
	}
}

func recvPacket(t *testing.T, fd int) []byte {
	t.Helper()
	tv := unix.NsecToTimeval(int64(5 * time.Second))
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	buf := make([]byte, conmon.AttachReadBuf+10)
	n, err := unix.Read(fd, buf)
	if err != nil {
		t.Fatalf("reading a packet: %v", err)
	}
	return buf[:n]
}

func TestServer(t *testing.T) {
	dir := t.TempDir()
	// A stale socket file is replaced.
	if err := os.WriteFile(filepath.Join(dir, conmon.AttachName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := listen(t, dir)
	if fi, err := os.Lstat(s.Path()); err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o700 {
		t.Fatalf("socket file: %v %v", fi, err)
	}
	var input bytes.Buffer
	eofs := 0
	s.Input = func(b []byte) { input.Write(b) }
	s.EOF = func() { eofs++ }

	a := dial(t, dir)
	b := dial(t, dir)
	s.AcceptPending()
	if s.Clients() != 2 {
		t.Fatalf("%d clients, want 2", s.Clients())
	}

	// Output: framed, split into packets of at most AttachPacketData.
	big := bytes.Repeat([]byte("x"), conmon.AttachPacketData+100)
	s.Broadcast(conmon.StreamStderr, big)
	s.Send(append([]byte{conmon.StreamStdout}, "hello"...))
	for _, fd := range []int{a, b} {
		p1, p2, p3 := recvPacket(t, fd), recvPacket(t, fd), recvPacket(t, fd)
		if p1[0] != conmon.StreamStderr || len(p1) != conmon.AttachReadBuf || p2[0] != conmon.StreamStderr || len(p2) != 101 {
			t.Errorf("big output framed as %d+%d bytes (streams %d %d)", len(p1), len(p2), p1[0], p2[0])
		}
		if string(p3) != "\x02hello" {
			t.Errorf("packet %q", p3)
		}
	}

	// Input, in order; a half-close ends the input but keeps the output.
	if _, err := unix.Write(a, []byte("in1")); err != nil {
		t.Fatal(err)
	}
	if _, err := unix.Write(b, []byte("in2")); err != nil {
		t.Fatal(err)
	}
	service(t, s, func() bool { return input.Len() == 6 })
	if got := input.String(); got != "in1in2" && got != "in2in1" {
		t.Errorf("input %q", got)
	}
	_ = unix.Shutdown(a, unix.SHUT_WR)
	service(t, s, func() bool { return eofs == 1 })
	if s.Clients() != 2 {
		t.Errorf("half-closed client dropped")
	}
	s.Send([]byte{conmon.StreamStdout, 'y'})
	if p := recvPacket(t, a); string(p) != "\x02y" {
		t.Errorf("half-closed client got %q", p)
	}

	// A client that hangs up is dropped at once.
	unix.Close(b)
	service(t, s, func() bool { return eofs == 2 })
	if s.Clients() != 1 {
		t.Errorf("%d clients after a hang-up, want 1", s.Clients())
	}

	// Paused input is not read until resumed.
	c := dial(t, dir)
	s.PauseInput(true)
	s.AcceptPending()
	if _, err := unix.Write(c, []byte("later")); err != nil {
		t.Fatal(err)
	}
	s.Service()
	time.Sleep(20 * time.Millisecond)
	s.Service()
	if input.Len() != 6 {
		t.Errorf("input read while paused: %q", input.String())
	}
	s.PauseInput(false)
	service(t, s, func() bool { return input.Len() == 11 })

	s.Close()
	if _, err := os.Lstat(filepath.Join(dir, conmon.AttachName)); !os.IsNotExist(err) {
		t.Errorf("socket file left after Close: %v", err)
	}
	if n, _ := unix.Read(a, make([]byte, 16)); n != 0 {
		t.Errorf("client not hung up")
	}
}

// TestLongDir binds below a directory whose path is longer than sun_path.
func TestLongDir(t *testing.T) {
	dir := t.TempDir()
	for len(dir) < 150 {
		dir = filepath.Join(dir, strings.Repeat("d", 40))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := Listen(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Listen(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("Listen in a missing dir: %v", err)
	}
}

// TestWriteTimeout: a client that does not read stops getting output.
func TestWriteTimeout(t *testing.T) {
	dir := t.TempDir()
	s := listen(t, dir)
	s.WriteTimeout = 50 * time.Millisecond
	warned := 0
	s.Warn = func(string) { warned++ }
	dial(t, dir)
	s.AcceptPending()
	pkt := make([]byte, conmon.AttachReadBuf)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 1000 && warned == 0; i++ {
			s.Send(pkt)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Send blocked past the write timeout")
	}
	if warned == 0 {
		t.Error("no write failure reported")
	}
}

// TestCloseWithUnreadInput: a client's input nobody read is dropped before
// the hang-up, so the client gets the last output and then EOF, not a
// connection reset ahead of the output.
func TestCloseWithUnreadInput(t *testing.T) {
	dir := t.TempDir()
	s := listen(t, dir)
	fd := dial(t, dir)
	s.AcceptPending()
	for i := 0; i < 3; i++ {
		if _, err := unix.Write(fd, bytes.Repeat([]byte{byte(i)}, 1000)); err != nil {
			t.Fatal(err)
		}
	}
	s.Send([]byte("\x02last words"))
	s.Close()
	if got := string(recvPacket(t, fd)); got != "\x02last words" {
		t.Fatalf("first packet %q", got)
	}
	if got := recvPacket(t, fd); len(got) != 0 {
		t.Fatalf("after the output: %q, want EOF", got)
	}
}

// TestSteadyStateAllocs: relaying output and input allocates nothing once
// the buffers exist.
func TestSteadyStateAllocs(t *testing.T) {
	dir := t.TempDir()
	s := listen(t, dir)
	got := 0
	s.Input = func(b []byte) { got += len(b) }
	c := dial(t, dir)
	s.AcceptPending()
	pkt := []byte{conmon.StreamStdout, 'a', 'b'}
	rbuf := make([]byte, 64)
	in := []byte("input")
	s.Broadcast(conmon.StreamStdout, pkt) // allocates the framing buffer
	_, _ = unix.Read(c, rbuf)
	_, _ = unix.Write(c, in)
	service(t, s, func() bool { return got > 0 }) // allocates the input buffer
	allocs := testing.AllocsPerRun(100, func() {
		s.Send(pkt)
		_, _ = unix.Read(c, rbuf)
		s.Broadcast(conmon.StreamStderr, pkt[1:])
		_, _ = unix.Read(c, rbuf)
		_, _ = unix.Write(c, in)
		s.Service()
	})
	if allocs != 0 && !raceOn {
		t.Errorf("%v allocations per relay round", allocs)
	}
}

func TestFifo(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, conmon.CtlName)
	if err := os.WriteFile(path, []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenFifo(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Remove()
	if fi, err := os.Stat(path); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("not a FIFO: %v %v", fi, err)
	}
	var lines []string
	read := func() {
		if err := f.Read(func(l []byte) { lines = append(lines, string(l)) }); err != nil {
			t.Fatal(err)
		}
	}
	read() // nothing there: no block, no lines
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.WriteString("1 24 80\n2 0")
	read()
	_, _ = w.WriteString(" 0\n" + strings.Repeat("9", conmon.CtlMaxLine+10) + "\n1 1 1\n")
	w.Close() // a writer going away is no EOF for us
	for i := 0; i < 5; i++ {
		read()
	}
	want := []string{"1 24 80", "2 0 0", "1 1 1"}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("lines %q, want %q", lines, want)
	}
	allocs := testing.AllocsPerRun(50, func() {
		_, _ = syscall.Write(f.w, []byte("1 2 3\n"))
		_ = f.Read(func([]byte) {})
	})
	if allocs != 0 && !raceOn {
		t.Errorf("%v allocations per control line", allocs)
	}
	f.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("Close removed the FIFO: %v", err)
	}
}

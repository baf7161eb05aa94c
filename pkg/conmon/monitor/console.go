package monitor

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// setupConsole listens on $TMPDIR/pod-conmon-term.XXXXXX, where the
// runtime sends the terminal's master fd.
func (m *mon) setupConsole() string {
	dir := os.Getenv("TMPDIR")
	if dir == "" {
		dir = "/tmp"
	}
	path := dir + "/pod-conmon-term." + randomSuffix()
	if len(path) > 107 {
		return "console socket path " + path + " is longer than 107 bytes; set TMPDIR to a shorter directory"
	}
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC|syscall.SOCK_NONBLOCK, 0)
	if err != nil {
		return "Failed to create console-socket: " + err.Error()
	}
	_ = syscall.Fchmod(fd, 0o700)
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		syscall.Close(fd)
		return "Failed to bind to console-socket " + path + ": " + err.Error()
	}
	if err := syscall.Listen(fd, 128); err != nil {
		syscall.Close(fd)
		return "Failed to listen on console-socket: " + err.Error()
	}
	m.consoleListen, m.consolePath = fd, path
	m.add(fd, unix.EPOLLIN)
	return ""
}

// acceptConsole receives the pty master from the runtime (SCM_RIGHTS).
func (m *mon) acceptConsole() {
	if m.consoleListen < 0 {
		return
	}
	conn, _, err := unix.Accept4(m.consoleListen, unix.SOCK_CLOEXEC)
	for err == unix.EINTR {
		conn, _, err = unix.Accept4(m.consoleListen, unix.SOCK_CLOEXEC)
	}
	if err == unix.EAGAIN {
		return
	}
	m.del(m.consoleListen)
	syscall.Close(m.consoleListen)
	m.consoleListen = -1
	_ = os.Remove(m.consolePath)
	if err != nil {
		warnf("Failed to accept console-socket connection: " + err.Error())
		return
	}
	defer syscall.Close(conn)
	tv := syscall.NsecToTimeval(int64(10 * time.Second))
	_ = syscall.SetsockoptTimeval(conn, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)
	var name [256]byte
	oob := make([]byte, unix.CmsgSpace(4*4))
	// A receive timeout makes recvmsg fail with EINTR on any signal, even
	// with SA_RESTART (signal(7)); the runtime's SIGCHLD is one.
	_, oobn, _, _, err := unix.Recvmsg(conn, name[:], oob, unix.MSG_CMSG_CLOEXEC)
	for err == unix.EINTR {
		_, oobn, _, _, err = unix.Recvmsg(conn, name[:], oob, unix.MSG_CMSG_CLOEXEC)
	}
	if err != nil {
		warnf("Failed to receive console file descriptor: " + err.Error())
		return
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) == 0 {
		warnf("Failed to receive console file descriptor: no SCM_RIGHTS message")
		return
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) == 0 {
		warnf("Failed to receive console file descriptor: no fd")
		return
	}
	for _, extra := range fds[1:] {
		syscall.Close(extra)
	}
	console := fds[0]
	// Match Kubernetes: output newlines as CRLF.
	if t, err := unix.IoctlGetTermios(console, unix.TCGETS); err == nil {
		t.Oflag |= unix.ONLCR
		if err := unix.IoctlSetTermios(console, unix.TCSETS, t); err != nil {
			warnf("Failed to set console terminal settings: " + err.Error())
		}
	} else {
		warnf("Failed to get console terminal settings: " + err.Error())
	}
	_ = syscall.SetNonblock(console, true)
	m.consoleFd = console
	m.stdoutFd = console
	if in, err := unix.FcntlInt(uintptr(console), unix.F_DUPFD_CLOEXEC, 3); err == nil {
		m.stdinFd = in
	}
	if m.winszPending {
		m.winszPending = false
		m.resize(m.winsz[0], m.winsz[1])
	}
}

// resize sets the terminal size, or remembers it until the terminal exists.
func (m *mon) resize(height, width int) {
	if m.consoleFd < 0 {
		m.winsz = [2]int{height, width}
		m.winszPending = m.c.Terminal
		return
	}
	ws := unix.Winsize{Row: uint16(height), Col: uint16(width)}
	if err := unix.IoctlSetWinsize(m.consoleFd, unix.TIOCSWINSZ, &ws); err != nil {
		warnf("Failed to set process pty terminal size: " + err.Error())
	}
}

// randomSuffix returns 8 random lowercase hex digits.
func randomSuffix() string {
	var rnd [4]byte
	if _, err := unix.Getrandom(rnd[:], 0); err != nil {
		n := time.Now().UnixNano() ^ int64(os.Getpid())<<20
		for i := range rnd {
			rnd[i] = byte(n >> (8 * i))
		}
	}
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 8)
	for _, b := range rnd {
		out = append(out, hex[b>>4], hex[b&0xf])
	}
	return string(out)
}

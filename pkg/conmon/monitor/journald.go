package monitor

import (
	"encoding/binary"
	"syscall"

	"golang.org/x/sys/unix"
)

// journal sends container output to systemd-journald over its native
// protocol (datagrams to /run/systemd/journal/socket; a memfd for entries
// too large for a datagram), with conmon's fields: MESSAGE, PRIORITY (6
// stdout, 3 stderr), CONTAINER_ID_FULL, CONTAINER_ID, CONTAINER_TAG,
// CONTAINER_NAME, SYSLOG_IDENTIFIER and CONTAINER_PARTIAL_MESSAGE=true for
// partial lines. A partial line is held back (per stream, up to 8192
// bytes) until its newline arrives or the buffer is full.
type journal struct {
	fd      int
	fixed   []byte // encoded fields shared by every entry
	partial [2][]byte
	buf     []byte
}

const journalPartialMax = 8192

func newJournal(c *config) (*journal, string) {
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, "journald: cannot create socket: " + err.Error()
	}
	if err := syscall.Connect(fd, &syscall.SockaddrUnix{Name: journalSocket}); err != nil {
		syscall.Close(fd)
		return nil, "journald log driver: cannot connect to " + journalSocket + " (is systemd-journald running?): " + err.Error()
	}
	_ = syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_SNDBUF, 8<<20)
	j := &journal{fd: fd}
	j.fixed = appendField(j.fixed, "CONTAINER_ID_FULL", []byte(c.CID))
	j.fixed = appendField(j.fixed, "CONTAINER_ID", []byte(c.CID[:12]))
	ident := c.CID[:12]
	if c.Name != "" {
		ident = c.Name
	}
	if c.LogTag != "" {
		j.fixed = appendField(j.fixed, "CONTAINER_TAG", []byte(c.LogTag))
		ident = c.LogTag
	}
	if c.Name != "" {
		j.fixed = appendField(j.fixed, "CONTAINER_NAME", []byte(c.Name))
	}
	j.fixed = appendField(j.fixed, "SYSLOG_IDENTIFIER", []byte(ident))
	return j, ""
}

// appendField encodes one field: "NAME=value\n", or the binary-safe
// "NAME\n<le64 length><value>\n" when value holds a newline.
func appendField(b []byte, name string, value []byte) []byte {
	for _, c := range value {
		if c == '\n' {
			b = append(b, name...)
			b = append(b, '\n')
			b = binary.LittleEndian.AppendUint64(b, uint64(len(value)))
			b = append(b, value...)
			return append(b, '\n')
		}
	}
	b = append(b, name...)
	b = append(b, '=')
	b = append(b, value...)
	return append(b, '\n')
}

func (j *journal) write(stream string, data []byte) {
	i := 0
	if stream == "stderr" {
		i = 1
	}
	for len(data) > 0 {
		n := indexByte(data, '\n')
		partial := n < 0
		if partial {
			n = len(data)
		}
		if partial && len(j.partial[i])+n < journalPartialMax {
			j.partial[i] = append(j.partial[i], data[:n]...)
			return
		}
		msg := append(j.partial[i], data[:n]...)
		j.send(i, msg, partial)
		j.partial[i] = j.partial[i][:0]
		if !partial {
			n++ // skip the newline
		}
		data = data[n:]
	}
}

// flush sends held-back partial lines (at exit).
func (j *journal) flush() {
	for i := range j.partial {
		if len(j.partial[i]) > 0 {
			j.send(i, j.partial[i], true)
			j.partial[i] = j.partial[i][:0]
		}
	}
}

func (j *journal) send(stream int, msg []byte, partial bool) {
	b := j.buf[:0]
	b = appendField(b, "MESSAGE", msg)
	if stream == 1 {
		b = append(b, "PRIORITY=3\n"...)
	} else {
		b = append(b, "PRIORITY=6\n"...)
	}
	b = append(b, j.fixed...)
	if partial {
		b = append(b, "CONTAINER_PARTIAL_MESSAGE=true\n"...)
	}
	j.buf = b
	err := syscall.Sendto(j.fd, b, 0, nil)
	if err == syscall.EMSGSIZE || err == syscall.ENOBUFS {
		err = j.sendMemfd(b)
	}
	if err != nil {
		warnf("write_journald failed: " + err.Error())
	}
}

// sendMemfd passes a large entry as a sealed memfd, as sd_journal_sendv does.
func (j *journal) sendMemfd(b []byte) error {
	fd, err := unix.MemfdCreate("journal-entry", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	for off := 0; off < len(b); {
		n, err := syscall.Write(fd, b[off:])
		if err != nil {
			return err
		}
		off += n
	}
	_, _ = unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, unix.F_SEAL_SHRINK|unix.F_SEAL_GROW|unix.F_SEAL_WRITE|unix.F_SEAL_SEAL)
	return syscall.Sendmsg(j.fd, nil, syscall.UnixRights(fd), nil, 0)
}

func (j *journal) close() {
	if j.fd >= 0 {
		syscall.Close(j.fd)
		j.fd = -1
	}
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

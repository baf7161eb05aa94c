package monitor

import (
	"strconv"
	"syscall"
)

// syncPipe is the write end of a parent pipe (_OCI_SYNCPIPE or
// _OCI_ATTACHPIPE). A write that fails (the parent went away) closes it, and
// monitoring carries on, as conmon does on EPIPE.
type syncPipe struct {
	fd  int
	key string // "data" with --api-version, else "pid" or "exit_code"
}

// send writes {"<key>": v} or {"<key>": v, "message": "..."} and a newline.
func (p *syncPipe) send(v int, message string, hasMessage bool) {
	if p == nil || p.fd < 0 {
		return
	}
	b := make([]byte, 0, 64+len(message)+len(message)/8)
	b = append(b, `{"`...)
	b = append(b, p.key...)
	b = append(b, `": `...)
	b = strconv.AppendInt(b, int64(v), 10)
	if hasMessage {
		b = append(b, `, "message": "`...)
		b = appendJSONString(b, message)
		b = append(b, '"')
	}
	b = append(b, "}\n"...)
	for len(b) > 0 {
		n, err := syscall.Write(p.fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			warnf("cannot write to the parent pipe (parent gone?): " + errText(err))
			p.close()
			return
		}
		b = b[n:]
	}
}

func (p *syncPipe) close() {
	if p != nil && p.fd >= 0 {
		syscall.Close(p.fd)
		p.fd = -1
	}
}

// appendJSONString escapes s for a JSON string: quotes, backslashes and
// every control character.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c < 0x20 || c == 0x7f:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return b
}

package monitor

import (
	"syscall"

	"github.com/pod-engine/pod/pkg/conmon"
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
	var buf [128]byte
	b := conmon.AppendSyncMessage(buf[:0], p.key, v, message, hasMessage)
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

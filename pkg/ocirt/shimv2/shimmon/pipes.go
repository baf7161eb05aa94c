package shimmon

import (
	"os"
	"strconv"
	"sync"

	"github.com/pod-engine/pod/pkg/conmon"
)

// pipes are pod-shim's ends of the conmon handshake pipes (socketpairs whose
// fd numbers come in _OCI_SYNCPIPE, _OCI_STARTPIPE, _OCI_ATTACHPIPE).
type pipes struct {
	mu     sync.Mutex
	sync   *os.File
	start  *os.File
	attach *os.File
}

func pipeFromEnv(name string) *os.File {
	v := os.Getenv(name)
	if v == "" {
		return nil
	}
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		return nil
	}
	return os.NewFile(uintptr(fd), name)
}

func openPipes() *pipes {
	return &pipes{
		sync:   pipeFromEnv(conmon.EnvSyncPipe),
		start:  pipeFromEnv(conmon.EnvStartPipe),
		attach: pipeFromEnv(conmon.EnvAttachPipe),
	}
}

// waitStart blocks for one message (or EOF) on the start pipe.
func (p *pipes) waitStart() {
	if p.start == nil {
		return
	}
	var b [1]byte
	_, _ = p.start.Read(b[:])
}

// message is one sync pipe line, in conmon's format.
func message(v int, msg string) []byte {
	return conmon.AppendSyncMessage(nil, conmon.KeyData, v, msg, msg != "")
}

// report writes {"data": v[, "message": msg]} on the sync pipe. A parent
// that went away is not an error: pod-shim keeps monitoring.
func (p *pipes) report(v int, msg string) {
	p.write(&p.sync, v, msg)
}

// attachReady writes {"data": 0} on the attach pipe (exec --exec-attach).
func (p *pipes) attachReady() {
	p.write(&p.attach, 0, "")
}

func (p *pipes) write(f **os.File, v int, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if *f == nil {
		return
	}
	if _, err := (*f).Write(message(v, msg)); err != nil {
		(*f).Close()
		*f = nil
	}
}

// closeAll closes every pipe.
func (p *pipes) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range []**os.File{&p.sync, &p.start, &p.attach} {
		if *f != nil {
			(*f).Close()
			*f = nil
		}
	}
}

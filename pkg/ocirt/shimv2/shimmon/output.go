package shimmon

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/attach"
	"github.com/pod-engine/pod/pkg/conmon/k8sfile"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// output sends the process's output to the log and to attach clients.
type output struct {
	mu  sync.Mutex
	log *k8sfile.Writer // nil: log driver none
	att *attach.Server  // closed by the session's endpoints
	// relaying is set once the first output went out. Before that,
	// connections already queued are accepted, so that a client that
	// connected before the process started gets all of its output even
	// when the serving goroutine has not run yet.
	relaying bool
}

// logPath picks the k8s-file path from conmon's -l values ("" = no log).
// journald and passthrough need the container's stdio and are refused.
func logPath(specs []string) (string, error) {
	path := ""
	for _, s := range specs {
		driver, p, hasPath := strings.Cut(s, ":")
		if !hasPath {
			driver, p = "", s
			switch s {
			case conmon.LogDriverNone, "off", "null":
				continue
			case conmon.LogDriverPassthrough, conmon.LogDriverJournald:
				driver = s
			}
		}
		switch driver {
		case "", conmon.LogDriverK8sFile:
			if p == "" {
				return "", fmt.Errorf("pod-shim: log path %q names no file: %w", s, errdefs.ErrInvalidArgument)
			}
			path = p
		case conmon.LogDriverJournald, conmon.LogDriverPassthrough:
			return "", fmt.Errorf("pod-shim: the %s log driver is not supported for shim runtimes; use k8s-file or none: %w", driver, errdefs.ErrNotImplemented)
		default:
			return "", fmt.Errorf("pod-shim: no such log driver %q: %w", driver, errdefs.ErrInvalidArgument)
		}
	}
	return path, nil
}

func (o *output) write(stream byte, data []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.log != nil {
		name := k8sfile.Stdout
		if stream == conmon.StreamStderr {
			name = k8sfile.Stderr
		}
		if err := o.log.Write(name, data, time.Now()); err != nil {
			diag.warn("writing log: %v", err)
		}
	}
	if o.att != nil {
		if !o.relaying {
			o.att.AcceptPending()
			o.relaying = true
		}
		o.att.Broadcast(stream, data)
	}
}

func (o *output) reopen() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.log != nil {
		if err := o.log.Reopen(); err != nil {
			diag.warn("reopening log: %v", err)
		}
	}
}

func (o *output) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.log != nil {
		_ = o.log.Close()
		o.log = nil
	}
	o.att = nil
}

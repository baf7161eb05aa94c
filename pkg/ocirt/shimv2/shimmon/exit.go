package shimmon

import (
	"context"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
)

// writeExitFiles writes <persistDir>/exit and then <exitDir>/<cid>, as
// conmon does; the exit dir file comes last because readers wait for it.
func writeExitFiles(a *conmon.Args, code int) {
	if a.PersistDir != "" {
		_ = os.MkdirAll(a.PersistDir, 0o700)
	}
	if err := conmon.WriteExitFiles(a.PersistDir, a.ExitDir, a.CID, code); err != nil {
		diag.warn("%v", err)
	}
}

// writeOOM creates <persistDir>/oom, as conmon does for an OOM kill.
func writeOOM(a *conmon.Args) {
	if a.PersistDir == "" {
		return
	}
	_ = os.MkdirAll(a.PersistDir, 0o700)
	if err := conmon.WriteOOMFile(a.PersistDir); err != nil {
		diag.warn("%v", err)
	}
}

// runExitCommand runs --exit-command as conmon does (see
// conmon.ExitCommand), in a process group of its own, with our environment
// minus the handshake variables. The exit command cleans up: it gets time,
// but not forever.
func runExitCommand(a *conmon.Args) {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "_OCI_") {
			env = append(env, e)
		}
	}
	e := conmon.NewExitCommand(a, env)
	if e == nil {
		return
	}
	e.Setpgid = true
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute+e.Delay)
	defer cancel()
	if code, err := e.Run(ctx); err != nil || code != 0 {
		diag.warn("exit command %s %v: status %d %v", a.ExitCommand, a.ExitCommandArgs, code, err)
	}
}

func mkfifo(path string) error {
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		return &os.PathError{Op: "mkfifo", Path: path, Err: err}
	}
	return nil
}

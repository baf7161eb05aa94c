package shimmon

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
)

// writeExitFiles writes <persistDir>/exit and then <exitDir>/<cid>, as
// conmon does; the exit dir file comes last because readers wait for it.
func writeExitFiles(a *conmon.Args, code int) {
	if a.PersistDir != "" {
		if err := os.MkdirAll(a.PersistDir, 0o700); err == nil {
			if err := conmon.WriteExitFile(filepath.Join(a.PersistDir, "exit"), code); err != nil {
				diag.warn("%v", err)
			}
		}
	}
	if a.ExitDir != "" {
		if err := conmon.WriteExitFile(filepath.Join(a.ExitDir, a.CID), code); err != nil {
			diag.warn("%v", err)
		}
	}
}

// writeOOM creates <persistDir>/oom, as conmon does for an OOM kill.
func writeOOM(a *conmon.Args) {
	if a.PersistDir != "" {
		_ = os.MkdirAll(a.PersistDir, 0o700)
		if f, err := os.Create(filepath.Join(a.PersistDir, "oom")); err == nil {
			f.Close()
		}
	}
}

// runExitCommand runs --exit-command with its args after --exit-delay and
// waits for it, as conmon does. Its environment is ours without the
// handshake variables; its stdio is /dev/null.
func runExitCommand(a *conmon.Args) {
	if a.ExitCommand == "" {
		return
	}
	if a.ExitDelay > 0 {
		time.Sleep(time.Duration(a.ExitDelay) * time.Second)
	}
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "_OCI_") {
			env = append(env, e)
		}
	}
	// The exit command cleans up; give it time but never forever.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, a.ExitCommand, a.ExitCommandArgs...)
	cmd.Env = env
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	cmd.WaitDelay = time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Run(); err != nil {
		diag.warn("exit command %s %v: %v", a.ExitCommand, a.ExitCommandArgs, err)
	}
}

func mkfifo(path string) error {
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		return &os.PathError{Op: "mkfifo", Path: path, Err: err}
	}
	return nil
}

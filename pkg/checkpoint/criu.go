package checkpoint

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
)

var (
	checkOnce sync.Once
	checkErr  error
)

// Check reports whether criu is installed and works on this kernel
// (`criu check`), once per process. The error, of class
// errdefs.ErrUnavailable, carries criu's own reason.
func Check(ctx context.Context) error {
	checkOnce.Do(func() { checkErr = check(ctx) })
	return checkErr
}

func check(ctx context.Context) error {
	path, err := exec.LookPath("criu")
	if err != nil {
		return fmt.Errorf("checkpoint/restore needs criu, which is not installed (apt-get install criu): %w", errdefs.ErrUnavailable)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "check")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("criu cannot checkpoint on this host (`%s check` failed: %s): %w", path, Reason(out.String(), err), errdefs.ErrUnavailable)
	}
	return nil
}

// Reason picks criu's error lines out of its output (the first two, which
// name the cause; later ones repeat it), else the command's error.
func Reason(out string, err error) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "Error") && len(lines) < 2 {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		if s := strings.TrimSpace(out); s != "" {
			return s
		}
		return err.Error()
	}
	return strings.Join(lines, "; ")
}

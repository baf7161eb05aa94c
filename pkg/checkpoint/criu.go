package checkpoint

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
)

var (
	checkOnce    sync.Once
	checkErr     error
	memTrackOnce sync.Once
	memTrackErr  error
)

// Check reports whether criu is installed and works on this kernel
// (`criu check`), once per process. The error, of class
// errdefs.ErrUnavailable, carries criu's own reason.
func Check(ctx context.Context) error {
	checkOnce.Do(func() {
		checkErr = run(ctx, "criu cannot checkpoint on this host", "check")
	})
	return checkErr
}

// CheckMemTrack reports whether criu can track memory changes on this
// kernel (`criu check --feature mem_dirty_track`, soft-dirty pages), which
// a pre-checkpoint needs; once per process, errors as Check's.
func CheckMemTrack(ctx context.Context) error {
	memTrackOnce.Do(func() {
		memTrackErr = run(ctx, "a pre-checkpoint needs criu's memory tracking, which this kernel lacks", "check", "--feature", "mem_dirty_track")
	})
	return memTrackErr
}

// run runs criu with args; its failure is what, with criu's reason.
func run(ctx context.Context, what string, args ...string) error {
	path, err := exec.LookPath("criu")
	if err != nil {
		return fmt.Errorf("checkpoint/restore needs criu, which is not installed (apt-get install criu): %w", errdefs.ErrUnavailable)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s (`%s %s` failed: %s): %w", what, path, strings.Join(args, " "), Reason(out.String(), err), errdefs.ErrUnavailable)
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

// Version is criu's version as Podman records it in a checkpoint image:
// major*10000 + minor*100 + sublevel ("Version: 4.1.1" is 40101); 0 when
// criu does not say.
func Version(ctx context.Context) int {
	path, err := exec.LookPath("criu")
	if err != nil {
		return 0
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, path, "--version").Output()
	return ParseVersion(string(out))
}

// ParseVersion reads `criu --version`'s "Version: X.Y[.Z]" line.
func ParseVersion(out string) int {
	for _, l := range strings.Split(out, "\n") {
		v, ok := strings.CutPrefix(strings.TrimSpace(l), "Version:")
		if !ok {
			continue
		}
		var n [3]int
		for i, f := range strings.SplitN(strings.TrimSpace(v), ".", 3) {
			n[i], _ = strconv.Atoi(strings.TrimFunc(f, func(r rune) bool { return r < '0' || r > '9' }))
		}
		return n[0]*10000 + n[1]*100 + n[2]
	}
	return 0
}

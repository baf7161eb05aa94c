package oci

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/sealedexe"
)

// callTimeout bounds direct runtime calls that have no deadline of their own.
const callTimeout = 2 * time.Minute

// runtimeEnv is the environment of direct runtime calls: PATH and
// XDG_RUNTIME_DIR only (as Podman does), so the caller's environment cannot
// change how the runtime behaves.
func runtimeEnv() []string {
	env := []string{"PATH=" + os.Getenv("PATH")}
	if os.Getenv("PATH") == "" {
		env[0] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	if v, ok := os.LookupEnv("XDG_RUNTIME_DIR"); ok {
		env = append(env, "XDG_RUNTIME_DIR="+v)
	}
	return env
}

// call runs the runtime binary with argv and returns its stdout. On failure
// the error carries the runtime's own message, classified with
// ocirt.RuntimeError. logFile, when set, is the --log file of this call.
func (r *runtime) call(ctx context.Context, argv []string, logFile string, stdin []byte) ([]byte, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, callTimeout)
		defer cancel()
	}
	var logStart int64
	if logFile != "" {
		if fi, err := os.Stat(logFile); err == nil {
			logStart = fi.Size()
		}
	}
	cmd := exec.CommandContext(ctx, r.h.Path, argv...)
	if r.q.sealed() {
		if f, err := sealedexe.Open(r.h.Path); err == nil { // else the binary's own error below
			defer f.Close()
			cmd.Path = sealedexe.Path(f)
		}
	}
	cmd.Env = runtimeEnv()
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	err := cmd.Run()
	if err == nil {
		return stdout.Bytes(), nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return nil, fmt.Errorf("%s %s: %w (%v)", r.name(), strings.Join(argv, " "), errdefs.ErrTimeout, cerr)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("runtime %q binary %s is missing: %w", r.h.Name, r.h.Path, errdefs.ErrUnavailable)
	}
	msg := ""
	if logFile != "" {
		if data, rerr := readFrom(logFile, logStart); rerr == nil {
			msg = lastError(data)
		}
	}
	if msg == "" {
		msg = stderrMessage(stderr.Bytes())
	}
	if msg == "" {
		msg = err.Error()
	}
	return nil, ocirt.RuntimeError(r.name(), msg)
}

// readFrom reads path from offset off to its end.
func readFrom(path string, off int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Seek(off, 0); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	_, err = b.ReadFrom(f)
	return b.Bytes(), err
}

// name is how errors name the runtime: its configured name's base.
func (r *runtime) name() string {
	return filepath.Base(r.h.Name)
}

// Package imagehelper finds and runs pod-image, the helper binary that owns
// the image-transfer verbs (pull, push, load, save, import, login…).
//
// pod itself does not link the image-transfer stack (see package imagestore
// and docs/architecture.md, "Performance shape"); whenever it needs one of
// those verbs — the image CLI verbs, or a pull for `pod run --pull` — it runs
// pod-image with the same global storage flags, so both binaries work on the
// same store.
package imagehelper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// BinaryName is the helper's file name.
const BinaryName = "pod-image"

// SearchDirs are searched, in order, after the directory of the pod binary.
var SearchDirs = []string{"/usr/local/libexec/pod", "/usr/libexec/pod"}

// EnvPodBinary names the pod binary in pod-image's environment; pod-image
// runs `$POD_BINARY rm -f …` to remove pod's containers (rmi --force).
const EnvPodBinary = "POD_BINARY"

// EnvHelper overrides the helper's path (tests, unusual installs).
const EnvHelper = "POD_IMAGE_BINARY"

// Locate returns the path of pod-image: $POD_IMAGE_BINARY if set, else
// next to podBinary (the running pod executable), else in SearchDirs.
func Locate(podBinary string) (string, error) {
	if p := os.Getenv(EnvHelper); p != "" {
		if err := executable(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvHelper, p, err)
		}
		return p, nil
	}
	return LocateHelper(BinaryName, podBinary)
}

// LocateHelper returns the path of the helper binary name (pod-image,
// pod-full): next to podBinary, else in SearchDirs.
func LocateHelper(name, podBinary string) (string, error) {
	dirs := make([]string, 0, 1+len(SearchDirs))
	if podBinary != "" {
		if resolved, err := filepath.EvalSymlinks(podBinary); err == nil {
			podBinary = resolved
		}
		dirs = append(dirs, filepath.Dir(podBinary))
	}
	dirs = append(dirs, SearchDirs...)
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if executable(p) == nil {
			return p, nil
		}
	}
	hint := "install it (make install)"
	if name == BinaryName {
		hint += " or set " + EnvHelper
	}
	return "", fmt.Errorf("%s not found next to %s or in %s: %w; %s",
		name, podBinary, strings.Join(SearchDirs, ", "), errdefs.ErrUnavailable, hint)
}

func executable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

// GlobalFlags are the pod global flags pod-image understands; each non-empty
// field is passed on as its flag.
type GlobalFlags struct {
	Root          string   // --root
	RunRoot       string   // --runroot
	StorageDriver string   // --storage-driver
	StorageOpts   []string // --storage-opt (repeated); a non-nil empty slice passes --storage-opt ""
	LogLevel      string   // --log-level
	TmpDir        string   // --tmpdir
	EventsBackend string   // --events-backend: where pod-image records image events
}

// Args renders the flags as pod-image arguments.
func (g GlobalFlags) Args() []string {
	var a []string
	add := func(flag, v string) {
		if v != "" {
			a = append(a, flag+"="+v)
		}
	}
	add("--root", g.Root)
	add("--runroot", g.RunRoot)
	add("--storage-driver", g.StorageDriver)
	if g.StorageOpts != nil && len(g.StorageOpts) == 0 {
		a = append(a, "--storage-opt=")
	}
	for _, o := range g.StorageOpts {
		a = append(a, "--storage-opt="+o)
	}
	add("--log-level", g.LogLevel)
	add("--tmpdir", g.TmpDir)
	add("--events-backend", g.EventsBackend)
	return a
}

// Exec replaces the current process with pod-image running args (the verb
// and its arguments) under the global flags, so its output and exit code are
// pod's. It returns only on failure.
func Exec(podBinary string, g GlobalFlags, args []string) error {
	helper, err := Locate(podBinary)
	if err != nil {
		return err
	}
	argv := append([]string{helper}, g.Args()...)
	argv = append(argv, args...)
	env := withPodBinary(os.Environ(), podBinary)
	if err := syscall.Exec(helper, argv, env); err != nil {
		return fmt.Errorf("executing %s: %w: %w", helper, errdefs.ErrUnavailable, err)
	}
	return nil
}

// Run runs pod-image with args (the verb and its arguments) under the global
// flags as a child process with the given stdio, and returns its exit code.
// Use it where pod continues after the verb (pod inspect falling back to
// images); use Exec where the verb is all pod does.
func Run(ctx context.Context, podBinary string, g GlobalFlags, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	helper, err := Locate(podBinary)
	if err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, helper, append(g.Args(), args...)...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = withPodBinary(os.Environ(), podBinary)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 0, fmt.Errorf("running %s: %w: %w", helper, errdefs.ErrUnavailable, err)
	}
	return 0, nil
}

func withPodBinary(env []string, podBinary string) []string {
	if podBinary == "" {
		return env
	}
	out := make([]string, 0, len(env)+1)
	for _, e := range env {
		if !strings.HasPrefix(e, EnvPodBinary+"=") {
			out = append(out, e)
		}
	}
	return append(out, EnvPodBinary+"="+podBinary)
}

// PullOptions configure Pull.
type PullOptions struct {
	PodBinary string      // path of the running pod binary (to find pod-image and for POD_BINARY)
	Global    GlobalFlags // storage flags of the pod invocation
	// Policy is missing, always, never or newer ("" = missing).
	Policy string
	// Quiet suppresses the progress output (pod run -q).
	Quiet bool
	// Progress receives the pull progress ("Trying to pull …", "Copying
	// blob …"); nil = os.Stderr, as podman run prints it.
	Progress io.Writer
	// Extra pull flags, e.g. "--tls-verify=false", "--authfile=F", "--creds=u:p".
	Extra []string
}

// Pull runs `pod-image pull` for name and returns the pulled (or, with the
// missing/newer policies, the already present) image's ID. Progress goes to
// opts.Progress. A failure carries pod-image's error message (Podman's text,
// without the "Error: " prefix); it wraps errdefs.ErrUnavailable only when
// pod-image could not be run.
func Pull(ctx context.Context, name string, opts PullOptions) (string, error) {
	helper, err := Locate(opts.PodBinary)
	if err != nil {
		return "", err
	}
	policy := opts.Policy
	if policy == "" {
		policy = "missing"
	}
	args := append(opts.Global.Args(), "pull", "--policy="+policy)
	if opts.Quiet {
		args = append(args, "--quiet")
	}
	args = append(args, opts.Extra...)
	args = append(args, "--", name)

	cmd := exec.CommandContext(ctx, helper, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = withPodBinary(os.Environ(), opts.PodBinary)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	progress := opts.Progress
	if progress == nil {
		progress = os.Stderr
	}
	// Progress streams through; the last lines are kept for the error text.
	cmd.Stderr = io.MultiWriter(progress, &tailWriter{buf: &stderr, max: 4096})
	runErr := cmd.Run()
	if runErr != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndex(msg, "Error: "); i >= 0 {
			msg = msg[i+len("Error: "):]
		}
		if msg == "" {
			msg = runErr.Error()
		}
		// pod-image already said what failed (podman's text); a helper that
		// could not run at all is ErrUnavailable.
		var class error
		var ee *exec.ExitError
		if !errors.As(runErr, &ee) {
			class = errdefs.ErrUnavailable
		}
		return "", &pullError{msg: msg, class: class}
	}
	id := strings.TrimSpace(stdout.String())
	if i := strings.LastIndexByte(id, '\n'); i >= 0 {
		id = id[i+1:]
	}
	if id == "" {
		return "", fmt.Errorf("pulling %s: %s printed no image ID: %w", name, BinaryName, errdefs.ErrRuntime)
	}
	return id, nil
}

type pullError struct {
	msg   string
	class error
}

func (e *pullError) Error() string { return e.msg }
func (e *pullError) Unwrap() error { return e.class }

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	buf *bytes.Buffer
	max int
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if t.buf.Len() > t.max {
		b := t.buf.Bytes()
		keep := append([]byte(nil), b[len(b)-t.max:]...)
		t.buf.Reset()
		t.buf.Write(keep)
	}
	return len(p), nil
}

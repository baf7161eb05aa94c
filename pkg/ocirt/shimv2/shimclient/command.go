package shimclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	taskapi "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/containerd/api/types"
	"google.golang.org/protobuf/proto"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Shim is one shim binary driven for one namespace. Namespace and Address
// are inputs of the socket hash the shim derives (so they must be the same
// for start and delete) and Namespace also names the runc state subdirectory.
type Shim struct {
	Binary    string // absolute path of containerd-shim-<name>-<version>
	Namespace string // -namespace
	Address   string // -address: containerd's address; only a hash input here
	// PublishBinary is passed as -publish-binary. Current shims ignore it
	// (they publish to $TTRPC_ADDRESS); pre-1.4 shims exec it as
	// `<bin> --address A publish --topic T --namespace N` with the event on stdin.
	PublishBinary string
	TTRPCAddress  string   // $TTRPC_ADDRESS for events; empty = none (shims log and drop events)
	Debug         bool     // -debug
	Env           []string // extra environment
}

const (
	startTimeout  = 60 * time.Second
	deleteTimeout = 60 * time.Second
	waitDelay     = 2 * time.Second
)

func (s *Shim) validate() error {
	if err := ValidateBinary(s.Binary); err != nil {
		return err
	}
	return ValidateID("namespace", s.Namespace)
}

func (s *Shim) args(id string, extra ...string) []string {
	a := []string{"-namespace", s.Namespace, "-address", s.Address, "-publish-binary", s.PublishBinary, "-id", id}
	if s.Debug {
		a = append(a, "-debug")
	}
	return append(a, extra...)
}

func (s *Shim) env() []string {
	var env []string
	for _, e := range os.Environ() {
		switch {
		case strings.HasPrefix(e, "NOTIFY_SOCKET="), strings.HasPrefix(e, "LISTEN_"),
			strings.HasPrefix(e, "TTRPC_ADDRESS="), strings.HasPrefix(e, "GRPC_ADDRESS="),
			strings.HasPrefix(e, "NAMESPACE="), strings.HasPrefix(e, "MAX_SHIM_VERSION="):
			continue
		}
		env = append(env, e)
	}
	if os.Getenv("GOMAXPROCS") == "" {
		env = append(env, "GOMAXPROCS=2")
	}
	env = append(env,
		"MAX_SHIM_VERSION=3",
		"TTRPC_ADDRESS="+s.TTRPCAddress,
		"GRPC_ADDRESS="+s.Address,
		"NAMESPACE="+s.Namespace,
	)
	return append(env, s.Env...)
}

// command builds an exec.Cmd that cannot hang its caller: it is killed when
// ctx ends and its pipes are abandoned WaitDelay after that.
func (s *Shim) command(ctx context.Context, dir string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, s.Binary, args...)
	cmd.Dir = dir
	cmd.Env = s.env()
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	cmd.WaitDelay = waitDelay
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// Start runs `<shim> ... -id <id> start` in bundle (whose base name must be
// id, and which must hold config.json and the log FIFO) and returns where the
// shim listens. stdin is handed to the shim (runtime options or nothing).
func (s *Shim) Start(ctx context.Context, id, bundle string, stdin []byte) (Bootstrap, error) {
	if err := s.validate(); err != nil {
		return Bootstrap{}, err
	}
	if err := checkBundle(id, bundle); err != nil {
		return Bootstrap{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := s.command(ctx, bundle, s.args(id, "start")...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stdout = &limitedBuffer{b: &stdout, max: maxBootstrap + 1}
	cmd.Stderr = &limitedBuffer{b: &stderr, max: 16 << 10}
	if err := cmd.Run(); err != nil {
		return Bootstrap{}, s.cmdError("start", id, ctx, err, stderr.String())
	}
	b, err := ParseBootstrap(stdout.Bytes())
	if err != nil {
		return Bootstrap{}, fmt.Errorf("%s start %s: %w", filepath.Base(s.Binary), id, err)
	}
	return b, nil
}

// Delete runs the shim's `delete` subcommand for a task whose shim is gone:
// it force-deletes the container through the OCI runtime, unmounts the
// rootfs and reports an exit status (137 for a task it had to kill). bundle's
// base name must be id: the runc shim derives the bundle from its cwd.
func (s *Shim) Delete(ctx context.Context, id, bundle string) (Exit, error) {
	if err := s.validate(); err != nil {
		return Exit{}, err
	}
	if err := checkBundle(id, bundle); err != nil {
		return Exit{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, deleteTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := s.command(ctx, bundle, s.args(id, "-bundle", bundle, "delete")...)
	cmd.Stdout = &limitedBuffer{b: &stdout, max: 64 << 10}
	cmd.Stderr = &limitedBuffer{b: &stderr, max: 16 << 10}
	if err := cmd.Run(); err != nil {
		return Exit{}, s.cmdError("delete", id, ctx, err, stderr.String())
	}
	var resp taskapi.DeleteResponse
	if err := proto.Unmarshal(stdout.Bytes(), &resp); err != nil {
		return Exit{}, fmt.Errorf("%s delete %s printed an undecodable DeleteResponse: %v: %w", filepath.Base(s.Binary), id, err, errdefs.ErrRuntime)
	}
	e := Exit{Pid: int(resp.GetPid()), Status: int(resp.GetExitStatus()), At: time.Now()}
	if resp.GetExitedAt() != nil {
		e.At = resp.GetExitedAt().AsTime()
	}
	return e, nil
}

func (s *Shim) cmdError(verb, id string, ctx context.Context, err error, stderr string) error {
	name := filepath.Base(s.Binary)
	if ctx.Err() != nil {
		return fmt.Errorf("%s %s %s did not finish in time: %w", name, verb, id, errdefs.ErrTimeout)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return fmt.Errorf("running %s %s %s: %v: %w", s.Binary, verb, id, err, errdefs.ErrUnavailable)
	}
	msg := strings.TrimSpace(stderr)
	if msg == "" {
		msg = "no message"
	}
	return fmt.Errorf("%s %s %s failed (%v): %s: %w", name, verb, id, err, msg, errdefs.ErrRuntime)
}

func checkBundle(id, bundle string) error {
	if err := ValidateID("task id", id); err != nil {
		return err
	}
	if !filepath.IsAbs(bundle) || filepath.Base(bundle) != id {
		return fmt.Errorf("shim bundle %q must be an absolute directory named after the task %q: %w", bundle, id, errdefs.ErrInvalidArgument)
	}
	return nil
}

// Version runs `<shim> -v` and returns the version it prints
// ("Version:  1.6.20~ds1" → "1.6.20~ds1").
func Version(ctx context.Context, binary string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "-v")
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	cmd.WaitDelay = waitDelay
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s -v: %w", binary, err)
	}
	return ParseVersion(string(out)), nil
}

// ParseVersion extracts the version from a shim's -v output; without a
// "Version:" line it returns the first non-empty line.
func ParseVersion(out string) string {
	first := ""
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		if v, ok := strings.CutPrefix(t, "Version:"); ok {
			return strings.TrimSpace(v)
		}
		if first == "" && t != "" {
			first = t
		}
	}
	return first
}

// Info runs `<shim> -info` (containerd 2.x shims) with the runtime options on
// stdin and returns its RuntimeInfo as JSON: {"name","version","revision",
// "features": <OCI features JSON>, "annotations"}. Shims without -info fail.
func Info(ctx context.Context, binary string, options []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "-info")
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	cmd.WaitDelay = waitDelay
	cmd.Stdin = bytes.NewReader(options)
	var stderr bytes.Buffer
	cmd.Stderr = &limitedBuffer{b: &stderr, max: 4096}
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s -info: %v: %s", binary, err, strings.TrimSpace(stderr.String()))
	}
	return ParseInfo(out)
}

// ParseInfo decodes the protobuf RuntimeInfo a shim's -info prints into JSON.
func ParseInfo(out []byte) ([]byte, error) {
	var ri types.RuntimeInfo
	if err := proto.Unmarshal(out, &ri); err != nil {
		return nil, fmt.Errorf("decoding shim -info output: %w", err)
	}
	info := runtimeInfo{Name: ri.GetName(), Version: ri.GetVersion().GetVersion(), Revision: ri.GetVersion().GetRevision(), Annotations: ri.GetAnnotations()}
	if f := ri.GetFeatures(); f != nil {
		// OCI features travel as JSON bytes; of anything else only the type is kept.
		if v := f.GetValue(); len(v) > 0 && json.Valid(v) {
			info.Features = v
		} else {
			info.FeaturesType = f.GetTypeUrl()
		}
	}
	return json.Marshal(info)
}

type runtimeInfo struct {
	Name         string            `json:"name,omitempty"`
	Version      string            `json:"version,omitempty"`
	Revision     string            `json:"revision,omitempty"`
	Features     json.RawMessage   `json:"features,omitempty"`
	FeaturesType string            `json:"featuresType,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
}

// limitedBuffer keeps the first max bytes written and drops the rest, so a
// misbehaving binary cannot exhaust memory.
type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		if len(p) <= room {
			l.b.Write(p)
		} else {
			l.b.Write(p[:room])
		}
	}
	return len(p), nil
}

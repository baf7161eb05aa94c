package oci

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// Kind is the kind of OCI command-line runtimes.
const Kind ocirt.Kind = "oci"

// Driver is the ocirt.Driver of OCI command-line runtimes.
type Driver struct {
	// Monitor finds the conmon-protocol monitor (pod-conmon or conmon) a
	// new container records; nil = none (Create then fails saying so).
	Monitor func() (string, error)
	// Timer finds pod-conmon to run a container's periodic command (its
	// healthcheck) beside the real conmon, which has none (timer.go);
	// nil or "": none, the periodic command is not run then.
	Timer func() string
}

// Kind implements ocirt.Driver.
func (Driver) Kind() ocirt.Kind { return Kind }

// Probe runs `PATH --version` (the whole output is the version; its first
// line is the short form) and `PATH features` (runc ≥ 1.1; crun 1.8 and
// runsc have no features command, which is not an error: their features
// are derived from the version, runsc_features.go and versionFeatures).
func (Driver) Probe(ctx context.Context, path string) (string, json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := probeCmd(ctx, path, "--version")
	if err != nil {
		return "", nil, fmt.Errorf("%s --version: %w", path, err)
	}
	version := strings.TrimSpace(string(out))
	var features json.RawMessage
	if f, err := probeCmd(ctx, path, "features"); err == nil && json.Valid(bytes.TrimSpace(f)) {
		features = json.RawMessage(bytes.TrimSpace(f))
	} else if quirksFor(path).runsc {
		features = runscFeatures(version)
	} else {
		features = versionFeatures(version)
	}
	return version, features, nil
}

// versionFeatures derives a features document from the "+SECCOMP +SYSTEMD…"
// build flags crun prints with --version, for runtimes without `features`.
func versionFeatures(version string) json.RawMessage {
	has := map[string]bool{}
	for _, f := range strings.Fields(version) {
		if name, ok := strings.CutPrefix(f, "+"); ok {
			has[strings.ToUpper(name)] = true
		}
	}
	if len(has) == 0 {
		return nil
	}
	type enabled struct {
		Enabled bool `json:"enabled"`
	}
	doc := map[string]any{"linux": map[string]any{
		"seccomp":  enabled{has["SECCOMP"]},
		"apparmor": enabled{has["APPARMOR"]},
		"selinux":  enabled{has["SELINUX"]},
		"cgroup":   map[string]bool{"v1": true, "v2": true, "systemd": has["SYSTEMD"]},
	}, "annotations": map[string]string{ocirt.AnnotationCheckpoint: strconv.FormatBool(has["CRIU"])}}
	data, err := json.Marshal(doc)
	if err != nil {
		return nil
	}
	return data
}

func probeCmd(ctx context.Context, path string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = runtimeEnv()
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("%w: %s", err, msg)
		}
		return nil, err
	}
	return out, nil
}

// Open implements ocirt.Driver.
func (d Driver) Open(h ocirt.Handle) (ocirt.Runtime, error) {
	if h.Kind != Kind {
		return nil, fmt.Errorf("runtime %q is of kind %q, not %q: %w", h.Name, h.Kind, Kind, errdefs.ErrInvalidArgument)
	}
	if !filepath.IsAbs(h.Path) {
		return nil, fmt.Errorf("runtime %q: recorded path %q is not absolute: %w", h.Name, h.Path, errdefs.ErrInvalidArgument)
	}
	return &runtime{h: h, q: quirksFor(h.Path), timer: d.Timer}, nil
}

// quirks are the differences between runtimes that the driver hides.
type quirks struct {
	runsc bool // gVisor: network flag, no --no-pivot/--no-new-keyring/--preserve-fds/--systemd-cgroup, no kill in created
	crun  bool // takes precompiled seccomp filters (seccomp_cache.go)
}

func quirksFor(path string) quirks {
	base := filepath.Base(path)
	return quirks{runsc: strings.Contains(base, "runsc"), crun: strings.HasPrefix(base, "crun")}
}

// sealed says the runtime runs from a sealed in-memory copy (pkg/sealedexe):
// crun re-execs itself on every call unless it runs from one.
func (q quirks) sealed() bool { return q.crun }

// containerFlags are global flags a container needs on every call, derived
// from its spec: runsc cannot run in the host network namespace with its
// default network stack.
func (q quirks) containerFlags(spec *specs.Spec, noCgroups bool) []string {
	var f []string
	if q.runsc {
		f = append(f, "--network="+runscNetwork(spec))
		if noCgroups || spec != nil && spec.Linux != nil && spec.Linux.CgroupsPath == "" && spec.Linux.Resources == nil {
			// no cgroup of its own: --cgroups=disabled, or rootless on cgroup v1
			f = append(f, "--ignore-cgroups")
		}
	} else if noCgroups {
		f = append(f, "--cgroup-manager=disabled")
	}
	return f
}

// runscNetwork picks runsc's --network: "host" when the container shares the
// host network namespace, else "none" when it has a new netns without a path
// (runsc refuses to run its own stack in the root netns). With a namespace
// path (the one pod's network subsystem set up, or ns:PATH) the sandbox is
// started in that namespace with "sandbox" (gVisor's netstack on a copy of
// the namespace's interfaces). runsc 20221219 (Debian 12) decides it runs
// in the root namespace when net.core.rmem_default exists, which Linux 6.x
// shows in every namespace, and then refuses "sandbox": there pod uses
// "host", the host kernel's stack inside the container's own namespace
// (still isolated from the host's interfaces). POD_RUNSC_NETWORK=sandbox or
// =host overrides the choice.
func runscNetwork(spec *specs.Spec) string {
	if spec == nil || spec.Linux == nil {
		return "host"
	}
	for _, ns := range spec.Linux.Namespaces {
		if ns.Type == specs.NetworkNamespace {
			switch v := os.Getenv("POD_RUNSC_NETWORK"); {
			case ns.Path == "":
				return "none"
			case v == "host" || v == "sandbox":
				return v
			case !runscSandboxOK():
				return "host"
			}
			return "sandbox"
		}
	}
	return "host"
}

// runscSandboxOK reports whether the kernel is older than 6.0, where the
// root-namespace check of runsc's "sandbox" network works.
func runscSandboxOK() bool {
	runscProbe.Do(func() {
		var uts unix.Utsname
		if err := unix.Uname(&uts); err != nil {
			return
		}
		major := 0
		for _, c := range uts.Release {
			if c < '0' || c > '9' {
				break
			}
			major = major*10 + int(c-'0')
		}
		runscProbeOK = major < 6
	})
	return runscProbeOK
}

var (
	runscProbe   sync.Once
	runscProbeOK bool
)

// runtime is one OCI runtime binary, built from a container's handle.
type runtime struct {
	h     ocirt.Handle
	q     quirks
	timer func() string // Driver.Timer
}

func (r *runtime) Handle() ocirt.Handle { return r.h }

// taskData is what TaskRef.Data holds for OCI containers.
type taskData struct {
	Extra []string `json:"extra,omitempty"` // per-container global flags
}

func (r *runtime) Load(ref ocirt.TaskRef) ocirt.Task {
	t := &task{r: r, ref: ref}
	if len(ref.Data) > 0 {
		_ = json.Unmarshal(ref.Data, &t.data)
	}
	return t
}

// Package shimv2 is the ocirt driver of containerd shim v2 runtimes
// (io.containerd.runc.v2, io.containerd.kata.v2, io.containerd.runsc.v1…),
// driven directly, with no containerd daemon.
//
// A container is created by pod-shim (package shimmon), a small
// conmon-protocol monitor that starts the shim, creates the task and stays
// to give the container the same on-disk contract as a conmon-run one: exit
// files, k8s-file logs, attach socket, ctl FIFO, exit command. Every other
// operation (start, kill, pause, state, delete…) is a ttrpc call from the
// calling process straight to the shim, found again from TaskRef.Data
// (shimwire.State). So libpod drives shim containers through the same
// ocirt interfaces as OCI runtime containers and never learns the kind.
//
// Files per container: the shim bundle <RunDir>/shim/<id> (its base name
// must be the task id: the shim's delete subcommand derives the bundle from
// it) holds config.json, the shim's files (address, init.pid, log.json,
// options.json, runtime), the log FIFO, the stdio FIFOs (io-stdin,
// io-stdout, io-stderr), pod-shim.json and pod-shim.log. Delete removes it,
// the shim's socket in /run/containerd/s and the shim process.
package shimv2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
)

// Defaults of Driver.
const (
	DefaultNamespace   = "pod"
	DefaultHashAddress = "/run/pod/containerd-shim"
	MonitorName        = "pod-shim"
)

// Driver is the ocirt.Driver of containerd shim v2 runtimes.
type Driver struct {
	// Monitor is the pod-shim binary; empty = FindMonitor at first use.
	Monitor string
	// Namespace is the containerd namespace given to shims (and the runc
	// shim's state subdirectory); empty = DefaultNamespace.
	Namespace string
	// HashAddress is the -address given to shims. There is no containerd
	// behind it: shims only hash it into their socket name.
	HashAddress string
	// Debug starts shims with -debug (their log goes to pod-shim.log).
	Debug bool
}

// Kind is the kind of containerd shim v2 runtimes.
const Kind ocirt.Kind = "shimv2"

// Kind implements ocirt.Driver.
func (Driver) Kind() ocirt.Kind { return Kind }

// Probe runs `<shim> -v` for the version and `<shim> -info` (containerd 2.x
// shims) for the OCI features of the runtime behind it. A shim without
// -info is not an error.
func (Driver) Probe(ctx context.Context, path string) (string, json.RawMessage, error) {
	if err := shimclient.ValidateBinary(path); err != nil {
		return "", nil, err
	}
	v, err := shimclient.Version(ctx, path)
	if err != nil {
		return "", nil, err
	}
	var features json.RawMessage
	if info, err := shimclient.Info(ctx, path, nil); err == nil {
		var ri struct {
			Features json.RawMessage `json:"features"`
		}
		if json.Unmarshal(info, &ri) == nil && len(ri.Features) > 0 {
			features = ri.Features
		}
	}
	return v, features, nil
}

// Open implements ocirt.Driver. It runs nothing.
func (d Driver) Open(h ocirt.Handle) (ocirt.Runtime, error) {
	if h.Kind != Kind {
		return nil, fmt.Errorf("runtime %q is of kind %q, not %q: %w", h.Name, h.Kind, Kind, errdefs.ErrInvalidArgument)
	}
	if err := shimclient.ValidateBinary(h.Path); err != nil {
		return nil, fmt.Errorf("runtime %q: %w", h.Name, err)
	}
	var a ocirt.Alias
	if len(h.Options) > 0 {
		if err := json.Unmarshal(h.Options, &a); err != nil {
			return nil, fmt.Errorf("runtime %q: recorded shim options: %v: %w", h.Name, err, errdefs.ErrInvalidArgument)
		}
	}
	if a.Type == "" {
		return nil, fmt.Errorf("runtime %q: no shim runtime type recorded: %w", h.Name, errdefs.ErrInvalidArgument)
	}
	if d.Namespace == "" {
		d.Namespace = DefaultNamespace
	}
	if d.HashAddress == "" {
		d.HashAddress = DefaultHashAddress
	}
	if err := shimclient.ValidateID("namespace", d.Namespace); err != nil {
		return nil, err
	}
	return &runtime{d: d, h: h, alias: a}, nil
}

// FindMonitor looks for pod-shim next to exe, then in /usr/local/libexec/pod
// and /usr/libexec/pod, then on $PATH.
func FindMonitor(exe string) (string, error) {
	var tried []string
	for _, d := range []string{filepath.Dir(exe), "/usr/local/libexec/pod", "/usr/libexec/pod"} {
		p := filepath.Join(d, MonitorName)
		tried = append(tried, p)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	if p, err := exec.LookPath(MonitorName); err == nil {
		return filepath.Abs(p)
	}
	return "", fmt.Errorf("shim runtimes need %s: install it next to pod or in /usr/local/libexec/pod (tried %v and $PATH): %w",
		MonitorName, tried, errdefs.ErrUnavailable)
}

func (d *Driver) monitor() (string, error) {
	if d.Monitor != "" {
		return d.Monitor, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", errors.Join(err, errdefs.ErrUnavailable)
	}
	return FindMonitor(exe)
}

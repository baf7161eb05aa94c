package shimclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	bootstrapapi "github.com/containerd/containerd/api/runtime/bootstrap/v1"
	"google.golang.org/protobuf/proto"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Task API versions a shim may serve.
const (
	TaskAPIUnknown = 0 // ask v3, fall back to v2
	TaskAPIv2      = 2 // containerd.task.v2.Task (containerd 1.x shims)
	TaskAPIv3      = 3 // containerd.task.v3.Task (containerd 2.x shims)
)

// Bootstrap is what a shim's `start` reported: where it listens and how.
type Bootstrap struct {
	Version  int    `json:"version"`  // task API version (2 or 3)
	Address  string `json:"address"`  // e.g. unix:///run/containerd/s/<hash>
	Protocol string `json:"protocol"` // ttrpc (grpc is not supported)
}

// maxBootstrap bounds what ParseBootstrap accepts; real outputs are ~100 bytes.
const maxBootstrap = 64 << 10

// ParseBootstrap decodes the stdout of `<shim> start` in any of the three
// forms shims use:
//   - the plain address (containerd 1.x shims), task API v2;
//   - JSON {"version":2|3,"address":...,"protocol":"ttrpc"|"grpc"} (1.7, 2.0–2.2);
//   - a protobuf containerd.runtime.bootstrap.v1.BootstrapResult (2.3+).
func ParseBootstrap(out []byte) (Bootstrap, error) {
	if len(out) > maxBootstrap {
		return Bootstrap{}, fmt.Errorf("shim start printed %d bytes, more than any bootstrap answer: %w", len(out), errdefs.ErrRuntime)
	}
	text := bytes.TrimSpace(out)
	if len(text) == 0 {
		return Bootstrap{}, fmt.Errorf("shim start printed no address: %w", errdefs.ErrRuntime)
	}
	var b Bootstrap
	switch {
	case text[0] == '{':
		if err := json.Unmarshal(text, &b); err != nil {
			return Bootstrap{}, fmt.Errorf("shim start printed invalid bootstrap JSON %q: %v: %w", clip(text), err, errdefs.ErrRuntime)
		}
		if b.Version < TaskAPIv2 {
			// 1.7 accepts version<2 JSON as a legacy shim; such a shim has no JSON
			// output, so this is garbage rather than an address.
			return Bootstrap{}, fmt.Errorf("shim start printed bootstrap JSON with version %d: %w", b.Version, errdefs.ErrRuntime)
		}
	case isTextAddress(text):
		b = Bootstrap{Version: TaskAPIv2, Address: string(text), Protocol: "ttrpc"}
	default:
		var r bootstrapapi.BootstrapResult
		if err := proto.Unmarshal(out, &r); err != nil || r.GetAddress() == "" {
			return Bootstrap{}, fmt.Errorf("shim start printed %q, which is neither an address, bootstrap JSON nor a BootstrapResult: %w", clip(text), errdefs.ErrRuntime)
		}
		b = Bootstrap{Version: int(r.GetVersion()), Address: r.GetAddress(), Protocol: r.GetProtocol()}
		if b.Version == 0 {
			b.Version = TaskAPIUnknown
		}
	}
	if b.Protocol == "" {
		b.Protocol = "ttrpc"
	}
	if b.Protocol != "ttrpc" {
		return Bootstrap{}, fmt.Errorf("shim speaks %q at %s; pod only speaks ttrpc to shims: %w", b.Protocol, b.Address, errdefs.ErrNotImplemented)
	}
	if b.Version > TaskAPIv3 || (b.Version != TaskAPIUnknown && b.Version < TaskAPIv2) {
		return Bootstrap{}, fmt.Errorf("shim reports task API version %d at %s; pod supports 2 and 3: %w", b.Version, b.Address, errdefs.ErrNotImplemented)
	}
	if _, err := SocketPath(b.Address); err != nil {
		return Bootstrap{}, err
	}
	return b, nil
}

// isTextAddress reports whether out is a printable single-line address
// (unix://..., an absolute path, or an abstract socket name).
func isTextAddress(out []byte) bool {
	if !utf8.Valid(out) || bytes.ContainsAny(out, "\n\r\x00") {
		return false
	}
	s := string(out)
	return strings.HasPrefix(s, "unix://") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "@")
}

// SocketPath turns a shim address into the socket path to dial: unix:///p →
// /p; an abstract name (unix://@n or @n, what shims before containerd 1.5
// used) → "@n", which Go dials as abstract.
func SocketPath(address string) (string, error) {
	p := strings.TrimPrefix(address, "unix://")
	switch {
	case strings.HasPrefix(p, "/") || strings.HasPrefix(p, "@"):
	case strings.Contains(address, "://") && !strings.HasPrefix(address, "unix://"):
		return "", fmt.Errorf("shim address %q uses a transport pod does not support (only unix sockets): %w", address, errdefs.ErrNotImplemented)
	default:
		return "", fmt.Errorf("shim address %q is not an absolute socket path: %w", address, errdefs.ErrRuntime)
	}
	if len(p) < 2 || strings.ContainsAny(p, "\x00\n") || len(p) > 4096 {
		return "", fmt.Errorf("shim address %q is not a valid socket path: %w", clip([]byte(address)), errdefs.ErrRuntime)
	}
	return p, nil
}

func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

package libpod

import "github.com/pod-engine/pod/pkg/conmon/client"

// The attach terms the CLI needs, so that cmd/pod does not import the
// monitor client (depguard enforces it): libpod owns talking to monitors.

// AttachOptions are an attach's streams, detach keys and terminal handling.
type AttachOptions = client.AttachOptions

// ErrDetached is what an attach returns when the user typed the detach keys.
var ErrDetached = client.ErrDetached

// DefaultDetachKeys are Podman's detach keys.
const DefaultDetachKeys = client.DefaultDetachKeys

// ParseDetachKeys checks a --detach-keys value and returns its bytes.
func ParseDetachKeys(keys string) ([]byte, error) { return client.ParseDetachKeys(keys) }

// ResizeTerminal asks the monitor behind the ctl FIFO at ctlPath to resize
// the container's terminal.
func ResizeTerminal(ctlPath string, height, width int) error {
	return client.Resize(ctlPath, height, width)
}

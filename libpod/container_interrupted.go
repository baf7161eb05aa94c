package libpod

import (
	"context"
	"os"
	"path/filepath"

	"github.com/pod-engine/pod/pkg/ocirt"
)

// monitorPidFile is where the monitor writes its pid when it starts. It
// stays while the runtime holds the container and goes when the runtime's
// state is deleted, so a pid file without a recorded task marks a start
// that a killed pod process left halfway.
func (c *Container) monitorPidFile() string { return filepath.Join(c.runDir(), "conmon.pid") }

// clearInterruptedStart removes what a pod process SIGKILLed halfway through
// a start (after the monitor started, before the state was saved) left
// behind: the monitor, and the container in its runtime, which may run.
// Removal calls it, so rm -f of such a container leaves nothing.
func (c *Container) clearInterruptedStart(ctx context.Context) {
	if c.state.Task.ID != "" {
		return // recorded: deleteRuntimeState handles it
	}
	if _, err := os.Stat(c.monitorPidFile()); err != nil {
		return
	}
	c.killStaleMonitor()
	if rt, err := c.rt.registry.Open(c.config.Runtime); err == nil {
		_ = rt.Load(ocirt.TaskRef{ID: c.config.ID, Bundle: c.staticDir(), RunDir: c.runDir()}).Delete(ctx, true)
	}
	_ = os.Remove(c.monitorPidFile())
}

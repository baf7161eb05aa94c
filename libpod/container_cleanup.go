package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
)

// CleanupOptions are `container cleanup`'s flags.
type CleanupOptions struct {
	StoppedOnly bool // only act on stopped containers (what the exit command passes)
	Remove      bool // --rm: remove the container afterwards
	// foreground: the caller is the pod process that waited for the
	// container (Run); once it cleaned up, its monitor skips the exit
	// command (markCleaned).
	foreground bool
}

// Cleanup releases what a stopped container holds: the runtime's state, the
// monitor's sockets, the storage mount. It is what the monitor's exit command
// runs, so it tolerates containers removed or restarted meanwhile.
func (c *Container) Cleanup(ctx context.Context, o CleanupOptions) error {
	if err := c.lockAndSync(); err != nil {
		if errors.Is(err, errdefs.ErrNotFound) {
			return nil // someone else removed it: nothing to clean
		}
		return err
	}
	switch c.state.Status {
	case StatusRunning, StatusPaused, StatusStopping, StatusCreated:
		c.unlock()
		if o.StoppedOnly {
			return nil // restarted meanwhile, or not ours to clean
		}
		return fmt.Errorf("container %s is %s: cannot clean up a container that is not stopped: %w", c.config.Name, c.state.Status, errdefs.ErrConflict)
	}
	if o.Remove {
		// Removal does everything cleanup does (and in parallel).
		err := c.removeLocked(ctx, RemoveOptions{})
		c.podExitPolicy(ctx)
		return err
	}
	wasStopped := c.state.Status == StatusStopped
	if err := c.cleanupLocked(ctx); err != nil {
		c.unlock()
		return err
	}
	if o.StoppedOnly && wasStopped && c.willRestart() {
		return c.restartAfterCleanup(ctx) // unlocks
	}
	if o.foreground && c.config.Pod == "" {
		c.markCleaned()
	}
	startedAt := c.state.StartedAt
	c.unlock()
	// A member that is not restarted may be its pod's last (--exit-policy).
	c.podExitPolicy(ctx)
	if o.foreground && c.config.Pod != "" && c.lockAndSync() == nil {
		// Only after the exit policy, which the exit command applies too,
		// and only for this run: no start came in between.
		if c.state.StartedAt.Equal(startedAt) {
			c.markCleaned()
		}
		c.unlock()
	}
	return nil
}

// markCleaned tells the monitor of an exited container, holding back its
// exit command (a foreground run's --exit-delay), that everything the exit
// command would do is done: it exits without running it
// (conmon.CleanedName). The container is locked; the next create removes
// the file. Without it the exit command runs, so a failure only costs time.
func (c *Container) markCleaned() {
	if c.state.Status != StatusExited {
		return
	}
	if err := conmon.MarkCleaned(c.persistDir()); err != nil {
		c.rt.debugf("container %s: %v", c.config.ID, err)
	}
}

// deleteRuntimeStateAsync runs deleteRuntimeState in the background; the
// channel yields its result. The container's state is not touched meanwhile.
func (c *Container) deleteRuntimeStateAsync(ctx context.Context) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- c.deleteRuntimeState(ctx) }()
	return ch
}

// cleanupLocked turns a stopped container into an exited one (a created one
// that never ran back into configured). The container is locked.
func (c *Container) cleanupLocked(ctx context.Context) error {
	switch c.state.Status {
	case StatusStopped, StatusCreated:
	default:
		return nil
	}
	var errs []error
	// The runtime's delete and the unmount are independent: run them at once.
	deleted := c.deleteRuntimeStateAsync(ctx)
	for _, n := range []string{conmon.AttachName, conmon.CtlName, conmon.WinszName} {
		_ = os.Remove(filepath.Join(c.staticDir(), n))
	}
	if err := c.rt.unmountStorage(c, false); err != nil {
		errs = append(errs, err)
	}
	c.unmountVolumes()
	c.unmountImages()
	c.unmountShm(false)
	c.rt.debugf("unmounted %s", c.config.ID)
	err := <-deleted
	if err != nil {
		errs = append(errs, err)
	}
	if oerr := c.cleanupOverlays(); oerr != nil {
		errs = append(errs, oerr)
	}
	// The network goes after the runtime's delete: no process is left in it.
	c.teardownNetwork()
	if err == nil {
		c.state.Task.ID = "" // nothing left in the runtime to delete
		_ = os.Remove(c.monitorPidFile())
	}
	c.rt.debugf("deleted runtime state of %s", c.config.ID)
	c.state.Mountpoint = ""
	c.state.Task.Pid = 0
	next := StatusExited
	if c.state.Status == StatusCreated {
		next = StatusConfigured
	}
	if err := c.setStatus(next); err != nil {
		return err
	}
	if err := c.save(); err != nil {
		errs = append(errs, err)
	}
	c.event(events.Cleanup)
	if len(errs) > 0 {
		return fmt.Errorf("cleaning up container %s: %w", c.config.Name, errors.Join(errs...))
	}
	return nil
}

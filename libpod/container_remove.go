package libpod

import (
	"context"
	"errors"
	"os"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
)

// RemoveOptions are `rm`'s flags.
type RemoveOptions struct {
	Force   bool  // stop a running container first
	Timeout *uint // stop timeout with Force (nil = the container's)
	Volumes bool  // -v: also remove the container's anonymous volumes

	pod bool // removed by its pod's removal (an infra may go only then)
}

// Remove deletes a container: its runtime state, storage, files and record.
// A running container needs Force. The exit code stays available to `wait`
// for a while after removal.
func (c *Container) Remove(ctx context.Context, o RemoveOptions) error {
	if err := c.checkPodRemove(o); err != nil {
		return err
	}
	if err := c.lockAndSync(); err != nil {
		return err
	}
	if _, err := checkVerb(VerbRemove, c.config.ID, c.state.Status, o.Force); err != nil {
		c.unlock()
		return err
	}
	if !c.state.Status.Allows(VerbRemove, false) {
		// Running, paused or stopping, and forced: stop it first.
		c.unlock()
		stop := c.Stop
		if o.pod {
			stop = c.stop // the pod's removal holds the pod's lock
		}
		if err := stop(ctx, o.Timeout); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
			return err
		}
		if err := c.lockAndSync(); err != nil {
			if errors.Is(err, errdefs.ErrNotFound) {
				return nil
			}
			return err
		}
	}
	return c.removeLocked(ctx, o)
}

// removeLocked removes a locked, not running container and unlocks it.
func (c *Container) removeLocked(ctx context.Context, o RemoveOptions) error {
	defer c.unlock()
	if c.state.Status == StatusStopped {
		c.event(events.Cleanup) // Podman: died, cleanup, remove
	}
	if c.state.Status != StatusRemoving {
		if err := c.setStatus(StatusRemoving); err != nil {
			return err
		}
		if err := c.save(); err != nil {
			return err
		}
	}
	var errs []error
	// The storage's delete (the longest step) runs beside the runtime's
	// delete and the removal of pod's own files; the record goes last.
	c.clearInterruptedStart(ctx) // before the storage goes: it may still run
	stored := c.deleteStorageAsync()
	if err := c.deleteRuntimeState(ctx); err != nil {
		errs = append(errs, err)
	}
	c.rt.debugf("deleted runtime state of %s", c.config.ID)
	c.teardownNetwork()
	db, err := c.rt.state()
	if err != nil {
		<-stored
		return err
	}
	if !c.state.FinishedAt.IsZero() {
		_ = db.SaveExitCode(c.config.ID, c.config.Name, c.state.ExitCode, c.state.FinishedAt)
	}
	c.unmountShm(true)
	dirs := []string{c.staticDir(), c.runDir(), c.persistDir()}
	if err := c.removeOverlays(); err != nil {
		// an overlay still mounted shows its lower layer (the user's
		// directory, a volume): the container's directory stays
		errs = append(errs, err)
		dirs = dirs[1:]
	}
	for _, p := range dirs {
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, err)
		}
	}
	if err := c.removeRunFiles(); err != nil {
		errs = append(errs, err)
	}
	c.unmountVolumes()
	c.unmountImages()
	<-stored
	if err := db.Remove(c.config.ID); err != nil {
		return err
	}
	// Last: a monitor holding back its exit command (--exit-delay) skips
	// it once this file is gone, as nothing is left to clean up
	// (conmon.ExitCommand.Hold).
	if err := os.Remove(c.exitFile()); err != nil && !os.IsNotExist(err) {
		errs = append(errs, err)
	}
	_ = os.Remove(c.foregroundFile())
	if o.Volumes || c.config.Remove {
		c.rt.removeAnonVolumes(c.config.Volumes)
	}
	c.rt.debugf("removed %s", c.config.ID)
	c.event(events.Remove)
	c.rt.locks.Remove(c.config.ID)
	if len(errs) > 0 {
		c.rt.warnf("removing container %s: %v", c.config.Name, errors.Join(errs...))
	}
	return nil
}

// deleteStorageAsync removes the container's storage (unmounting it) in the
// background; the channel is closed when it is done. Problems are warnings.
func (c *Container) deleteStorageAsync() <-chan struct{} {
	ch := make(chan struct{})
	if !c.config.Storage {
		close(ch)
		return ch
	}
	go func() {
		defer close(ch)
		c.rt.deleteStorage(c)
		c.rt.debugf("deleted storage of %s", c.config.ID)
	}()
	return ch
}

// deleteRuntimeState runs `runtime delete --force` for a container that has
// runtime state. When the runtime binary is gone it does what it can
// itself (remove the cgroup) and says so.
func (c *Container) deleteRuntimeState(ctx context.Context) error {
	if c.state.Task.ID == "" {
		return nil
	}
	t, err := c.task()
	if err == nil {
		err = t.Delete(ctx, true)
	}
	if err == nil || !errors.Is(err, errdefs.ErrUnavailable) {
		return err
	}
	// The runtime cannot run (its binary is gone): do its job as far as we can.
	if spec := c.readSpec(); spec != nil && spec.Linux != nil {
		removeCgroup(spec.Linux.CgroupsPath)
	}
	c.rt.warnf("container %s: %v; removed its cgroup", c.config.Name, err)
	return nil
}

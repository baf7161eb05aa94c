package shimv2

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimwire"
	"github.com/pod-engine/pod/pkg/pidwatch"
)

// task is one container of a shim. Every call dials the shim afresh (a
// unix socket connect), so a task holds no connection between calls.
type task struct {
	r       *runtime
	ref     ocirt.TaskRef
	state   shimwire.State
	bundle  string
	loadErr error
}

// Ref implements ocirt.Task.
func (t *task) Ref() ocirt.TaskRef { return t.ref }

// errShimDead means the shim is no longer running.
var errShimDead = errors.New("its shim is not running")

// dial connects to the container's shim.
func (t *task) dial(ctx context.Context) (*shimclient.Client, error) {
	if t.loadErr != nil {
		return nil, t.loadErr
	}
	if t.state.Address == "" {
		return nil, fmt.Errorf("container %s has no shim (it was never created): %w", t.ref.ID, errdefs.ErrNotFound)
	}
	if t.state.ShimPid > 0 && !pidwatch.Running(t.state.ShimPid, t.state.ShimStart) {
		return nil, fmt.Errorf("container %s: %w: %w", t.ref.ID, errShimDead, errdefs.ErrUnavailable)
	}
	c, err := shimclient.Dial(ctx, t.state.Address, t.state.Namespace, t.state.TaskAPI)
	if err != nil {
		return nil, fmt.Errorf("container %s: %w", t.ref.ID, err)
	}
	return c, nil
}

func (t *task) do(ctx context.Context, f func(c *shimclient.Client) error) error {
	c, err := t.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return f(c)
}

// Start implements ocirt.Task.
func (t *task) Start(ctx context.Context) error {
	return t.do(ctx, func(c *shimclient.Client) error {
		_, err := c.Start(ctx, t.ref.ID, "")
		if err != nil {
			return t.r.runtimeError(err)
		}
		return nil
	})
}

// runtimeError turns a failed Create/Start/Exec into the classified runtime
// error (exit codes 126/127 for permission/not found in the container).
func (r *runtime) runtimeError(err error) error {
	if errors.Is(err, errdefs.ErrRuntime) {
		return ocirt.RuntimeError(r.h.Name, shimclient.Message(err))
	}
	return err
}

// Kill implements ocirt.Task.
func (t *task) Kill(ctx context.Context, sig syscall.Signal, all bool) error {
	return t.do(ctx, func(c *shimclient.Client) error {
		return c.Kill(ctx, t.ref.ID, "", int(sig), all)
	})
}

// Pause implements ocirt.Pauser.
func (t *task) Pause(ctx context.Context) error {
	return t.do(ctx, func(c *shimclient.Client) error { return c.Pause(ctx, t.ref.ID) })
}

// Resume implements ocirt.Pauser.
func (t *task) Resume(ctx context.Context) error {
	return t.do(ctx, func(c *shimclient.Client) error { return c.Resume(ctx, t.ref.ID) })
}

// Update implements ocirt.Updater.
func (t *task) Update(ctx context.Context, res *specs.LinuxResources) error {
	return t.do(ctx, func(c *shimclient.Client) error { return c.Update(ctx, t.ref.ID, res) })
}

// State implements ocirt.Stater. A container whose shim is gone is stopped.
func (t *task) State(ctx context.Context) (ocirt.State, error) {
	var out ocirt.State
	err := t.do(ctx, func(c *shimclient.Client) error {
		st, err := c.State(ctx, t.ref.ID, "")
		if err != nil {
			return err
		}
		out = ocirt.State{Status: st.Status, Pid: st.Pid}
		if st.Status == shimclient.StatusPausing {
			out.Status = shimclient.StatusPaused
		}
		return nil
	})
	if errors.Is(err, errShimDead) {
		return ocirt.State{Status: shimclient.StatusStopped}, nil
	}
	return out, err
}

// Wait blocks until the container exits and returns its exit status, from
// any process (the shim keeps the status until Delete).
func (t *task) Wait(ctx context.Context) (int, error) {
	var code int
	err := t.do(ctx, func(c *shimclient.Client) error {
		e, err := c.Wait(ctx, t.ref.ID, "")
		code = e.Status
		return err
	})
	return code, err
}

// Pids lists the host pids of the container's processes.
func (t *task) Pids(ctx context.Context) ([]int, error) {
	var pids []int
	err := t.do(ctx, func(c *shimclient.Client) error {
		var err error
		pids, err = c.Pids(ctx, t.ref.ID)
		return err
	})
	return pids, err
}

// ResizePty resizes the container's terminal.
func (t *task) ResizePty(ctx context.Context, height, width uint32) error {
	return t.do(ctx, func(c *shimclient.Client) error { return c.ResizePty(ctx, t.ref.ID, "", width, height) })
}

// CloseStdin closes the container's stdin.
func (t *task) CloseStdin(ctx context.Context) error {
	return t.do(ctx, func(c *shimclient.Client) error { return c.CloseStdin(ctx, t.ref.ID, "") })
}

const (
	killWait     = 10 * time.Second
	shutdownWait = 5 * time.Second
)

// Delete implements ocirt.Task: it removes the task from its shim (force
// kills a running one first), shuts the shim down and removes the shim's
// socket and the shim bundle. A dead or unreachable shim is cleaned up with
// its delete subcommand. Deleting twice is not an error.
func (t *task) Delete(ctx context.Context, force bool) error {
	if t.loadErr != nil {
		return t.loadErr
	}
	if t.state.Address == "" {
		// Never got as far as a shim; only files may be left.
		t.removeBundle()
		return nil
	}
	c, err := t.dial(ctx)
	if err != nil {
		if !shimclient.IsGone(err) && !errors.Is(err, errShimDead) {
			return err
		}
		return t.cleanupDead(ctx)
	}
	defer c.Close()
	id := t.ref.ID
	st, err := c.State(ctx, id, "")
	switch {
	case errors.Is(err, errdefs.ErrNotFound):
		// Already deleted from the shim; only the shim itself may remain.
	case err != nil:
		if shimclient.IsGone(err) {
			return t.cleanupDead(ctx)
		}
		return err
	default:
		if st.Status != shimclient.StatusStopped {
			if !force {
				return fmt.Errorf("container %s is %s; stop it first or force the delete: %w", id, st.Status, errdefs.ErrConflict)
			}
			if err := t.forceStop(ctx, c, st.Status); err != nil {
				return err
			}
		}
		if _, err := c.Delete(ctx, id, ""); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
			if shimclient.IsGone(err) {
				return t.cleanupDead(ctx)
			}
			return fmt.Errorf("deleting container %s: %w", id, err)
		}
	}
	if err := c.Shutdown(ctx, id); err != nil {
		return fmt.Errorf("shutting down the shim of container %s: %w", id, err)
	}
	c.Close()
	wctx, cancel := context.WithTimeout(ctx, shutdownWait)
	defer cancel()
	if t.state.ShimPid > 0 && pidwatch.WaitExit(wctx, t.state.ShimPid, t.state.ShimStart) != nil {
		// The shim still serves other tasks (shims may group containers);
		// it is theirs now, keep it.
		t.removeBundle()
		return nil
	}
	removeSocket(t.state.Address)
	t.removeBundle()
	return nil
}

// forceStop kills a container that is not stopped and waits for it to exit.
func (t *task) forceStop(ctx context.Context, c *shimclient.Client, status string) error {
	id := t.ref.ID
	if status == shimclient.StatusPaused || status == shimclient.StatusPausing {
		_ = c.Resume(ctx, id) // a frozen process cannot die
	}
	if err := c.Kill(ctx, id, "", int(syscall.SIGKILL), true); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
		return fmt.Errorf("killing container %s: %w", id, err)
	}
	wctx, cancel := context.WithTimeout(ctx, killWait)
	defer cancel()
	if _, err := c.Wait(wctx, id, ""); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
		return fmt.Errorf("container %s did not exit after SIGKILL: %w", id, err)
	}
	t.waitMonitor(wctx)
	return nil
}

// waitMonitor waits until pod-shim has the exit status too (it writes
// WaitedFile), or has gone (a zombie counts as gone), so that deleting the
// task and shutting the shim down cannot take the status from it.
func (t *task) waitMonitor(ctx context.Context) {
	marker := filepath.Join(t.bundle, shimwire.WaitedFile)
	for {
		if _, err := os.Stat(marker); err == nil {
			return
		}
		if !pidwatch.Running(t.ref.MonitorPid, 0) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// cleanupDead cleans up after a shim that is gone: its delete subcommand
// (unless pod-shim already ran it) ends and deletes the container through
// the OCI runtime and unmounts the rootfs; then the stale socket and the
// shim bundle go. A shim that is alive but does not answer is killed first.
func (t *task) cleanupDead(ctx context.Context) error {
	if t.state.ShimPid > 0 && pidwatch.Running(t.state.ShimPid, t.state.ShimStart) {
		_ = pidwatch.Kill(t.state.ShimPid, t.state.ShimStart, syscall.SIGKILL)
		wctx, cancel := context.WithTimeout(ctx, shutdownWait)
		_ = pidwatch.WaitExit(wctx, t.state.ShimPid, t.state.ShimStart)
		cancel()
	}
	if _, err := os.Stat(filepath.Join(t.bundle, shimwire.DeletedFile)); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(t.bundle, "runtime")); err == nil || !errors.Is(err, os.ErrNotExist) {
			shim := t.shim()
			if _, err := shim.Delete(ctx, t.ref.ID, t.bundle); err != nil {
				return fmt.Errorf("cleaning up container %s after its shim died: %w", t.ref.ID, err)
			}
		}
	}
	removeSocket(t.state.Address)
	t.removeBundle()
	return nil
}

// shim describes the container's shim binary for its subcommands, with the
// namespace and address the container was created with.
func (t *task) shim() *shimclient.Shim {
	ns, addr := t.state.Namespace, t.state.HashAddr
	if ns == "" {
		ns = t.r.d.Namespace
	}
	if addr == "" {
		addr = t.r.d.HashAddress
	}
	return &shimclient.Shim{Binary: t.r.h.Path, Namespace: ns, Address: addr, PublishBinary: "/bin/true"}
}

// removeBundle removes the shim bundle (after unmounting a rootfs the shim
// may have left mounted) and the shim directory when it is empty.
func (t *task) removeBundle() {
	if t.bundle == "" || filepath.Base(t.bundle) != t.ref.ID {
		return
	}
	rootfs := filepath.Join(t.bundle, "rootfs")
	_ = syscall.Unmount(rootfs, syscall.MNT_DETACH)
	_ = os.RemoveAll(t.bundle)
	_ = os.Remove(filepath.Dir(t.bundle)) // only if empty
}

// removeSocket removes a shim socket file nothing serves any more.
func removeSocket(address string) {
	p, err := shimclient.SocketPath(address)
	if err != nil || p[0] != '/' {
		return
	}
	_ = os.Remove(p)
}

package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pod-engine/pod/pkg/checkpoint"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// RestoreOptions are `container restore`'s flags.
type RestoreOptions struct {
	Keep            bool     // --keep: keep the checkpoint and criu's log
	TCPEstablished  bool     // --tcp-established
	FileLocks       bool     // --file-locks
	Import          string   // --import: the archive of `checkpoint --export`
	ImportPrevious  string   // --import-previous: a pre-checkpoint's archive
	Name            string   // --name: the imported container's name
	Pod             string   // --pod: the pod the imported container joins
	Publish         []string // --publish: the imported container's ports instead of its own
	IgnoreRootfs    bool     // --ignore-rootfs: do not apply the archive's rootfs-diff.tar
	IgnoreVolumes   bool     // --ignore-volumes (pod exports no volumes: accepted)
	IgnoreStaticIP  bool     // --ignore-static-ip
	IgnoreStaticMAC bool     // --ignore-static-mac
}

// Restore brings a checkpointed container back from its checkpoint: the
// runtime's restore runs under the container's monitor, as create does.
// It returns the runtime's duration.
func (c *Container) Restore(ctx context.Context, o RestoreOptions) (time.Duration, error) {
	if err := c.checkpointable(); err != nil {
		return 0, err
	}
	if err := c.lockAndSync(); err != nil {
		return 0, err
	}
	defer c.unlock()
	if _, err := checkVerb(VerbRestore, c.config.ID, c.state.Status, false); err != nil {
		return 0, err
	}
	inventory := filepath.Join(c.checkpointDir(), "inventory.img")
	if _, err := os.Stat(inventory); err != nil {
		return 0, fmt.Errorf("a complete checkpoint for this container cannot be found, cannot restore: %w: %w", err, errdefs.ErrConflict)
	}
	if err := checkpoint.Check(ctx); err != nil {
		return 0, fmt.Errorf("cannot restore container %s: %w", c.config.Name, err)
	}
	if c.state.Status == StatusStopped {
		if err := c.cleanupLocked(ctx); err != nil {
			return 0, err
		}
	}
	c.restore = &ocirt.Restore{ImagePath: c.checkpointDir(), TCPEstablished: o.TCPEstablished, FileLocks: o.FileLocks}
	defer func() { c.restore = nil }()
	began := time.Now()
	if _, err := c.init(ctx, false, true, nil); err != nil {
		return 0, fmt.Errorf("restoring container %s (criu's log: %s): %w", c.config.Name, filepath.Join(c.staticDir(), checkpoint.RestoreLog), err)
	}
	took := time.Since(began)
	if err := c.setStatus(StatusRunning); err != nil {
		return took, err
	}
	c.state.StartedAt = began
	c.state.StoppedByUser = false
	c.state.Checkpointed = false
	c.state.Restored, c.state.RestoredAt = true, time.Now()
	if err := c.save(); err != nil {
		return took, err
	}
	if !o.Keep {
		for _, f := range []string{checkpoint.ImagesDir, checkpoint.PreImagesDir, checkpoint.RestoreLog, "stats-restore"} {
			_ = os.RemoveAll(filepath.Join(c.staticDir(), f))
		}
	}
	c.event(events.Restore)
	return took, nil
}

// RestoreImport makes a new container from the archive of
// `checkpoint --export` (its recorded create options, with o's name, pod
// and ports), applies its root filesystem changes and restores it.
func (r *Runtime) RestoreImport(ctx context.Context, o RestoreOptions) (*Container, time.Duration, error) {
	tmp, err := r.importDir()
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(tmp)
	if err := checkpoint.Import(o.Import, tmp); err != nil {
		return nil, 0, fmt.Errorf("failed extracting runtime information from %s: %w", o.Import, err)
	}
	return r.restoreFrom(ctx, tmp, o.Import, "the archive "+o.Import, o)
}

// importDir makes the directory an imported checkpoint is unpacked into,
// beside the containers' directories (criu's images are moved from it, not
// copied); the caller removes it.
func (r *Runtime) importDir() (string, error) {
	if err := os.MkdirAll(r.paths.Static, 0o700); err != nil {
		return "", err
	}
	return os.MkdirTemp(r.paths.Static, "import-")
}

// restoreFrom makes the new container of `restore --import` or
// `restore IMAGE` from the checkpoint files in dir (src names where they
// came from, what says it in a sentence) and restores it.
func (r *Runtime) restoreFrom(ctx context.Context, dir, src, what string, o RestoreOptions) (*Container, time.Duration, error) {
	var cfg ContainerConfig
	if err := checkpoint.ReadConfig(dir, checkpoint.ConfigDump, &cfg); err != nil {
		return nil, 0, fmt.Errorf("failed extracting runtime information from %s: %w", src, err)
	}
	orig := &Container{rt: r, config: cfg}
	co, err := orig.createOptions()
	if err != nil {
		return nil, 0, err
	}
	h, err := r.resolveRuntime(co)
	if err != nil {
		return nil, 0, err
	}
	if err := r.registry.Require(h, ocirt.CapCheckpoint); err != nil {
		return nil, 0, fmt.Errorf("restoring %s: %w", src, err)
	}
	co.Spec.Name = cfg.Name
	if o.Name != "" {
		co.Spec.Name = o.Name
	}
	if o.Pod != "" {
		co.Pod = o.Pod
		if err := r.resetPodNamespaces(co); err != nil {
			return nil, 0, err
		}
	}
	if o.Publish != nil {
		co.Net.Publish = o.Publish
	}
	if o.IgnoreStaticIP {
		co.Net.IP, co.Net.IP6 = "", ""
	}
	if o.IgnoreStaticMAC {
		co.Net.MAC = ""
	}
	c, err := r.CreateContainer(ctx, co)
	if err != nil {
		if errors.Is(err, errdefs.ErrAlreadyExists) {
			return nil, 0, fmt.Errorf("cannot restore %s as %s: %w (restore it with --name NEW)", src, co.Spec.Name, err)
		}
		return nil, 0, err
	}
	undo := func(err error) (*Container, time.Duration, error) {
		_ = c.Remove(context.WithoutCancel(ctx), RemoveOptions{Force: true})
		return nil, 0, err
	}
	images := filepath.Join(dir, checkpoint.ImagesDir)
	if _, err := os.Stat(images); err != nil {
		return undo(fmt.Errorf("%s holds no checkpoint: %w", what, errdefs.ErrInvalidArgument))
	}
	// a new container's directory exists only once it first runs
	if err := os.MkdirAll(c.staticDir(), 0o700); err != nil {
		return undo(err)
	}
	if err := os.Rename(images, c.checkpointDir()); err != nil {
		return undo(err)
	}
	if o.ImportPrevious != "" {
		prev := filepath.Join(dir, "previous")
		if err := checkpoint.Import(o.ImportPrevious, prev); err != nil {
			return undo(err)
		}
		if err := os.Rename(filepath.Join(prev, checkpoint.PreImagesDir), c.preCheckpointDir()); err != nil {
			return undo(fmt.Errorf("the archive %s holds no pre-checkpoint: %w", o.ImportPrevious, errdefs.ErrInvalidArgument))
		}
	}
	if !o.IgnoreRootfs && c.config.Storage {
		if err := c.withRootfs(func(root string) error { return checkpoint.ApplyRootfsDiff(dir, root) }); err != nil {
			return undo(err)
		}
	}
	if err := c.lockAndSync(); err != nil {
		return undo(err)
	}
	c.state.Checkpointed = true
	err = c.save()
	c.unlock()
	if err != nil {
		return undo(err)
	}
	took, err := c.Restore(ctx, o)
	if err != nil {
		return undo(err)
	}
	return c, took, nil
}

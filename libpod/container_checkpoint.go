package libpod

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pod-engine/pod/pkg/checkpoint"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// CheckpointOptions are `container checkpoint`'s flags.
type CheckpointOptions struct {
	Keep           bool   // --keep: keep criu's logs and the dump files
	LeaveRunning   bool   // --leave-running
	TCPEstablished bool   // --tcp-established
	FileLocks      bool   // --file-locks
	PreCheckpoint  bool   // --pre-checkpoint: memory only, the container keeps running
	WithPrevious   bool   // --with-previous: on top of the pre-checkpoint
	Export         string // --export: write the checkpoint archive there
	Compression    string // --compress: gzip, none, zstd ("" = zstd)
	IgnoreRootfs   bool   // --ignore-rootfs: no rootfs-diff.tar in the archive
	IgnoreVolumes  bool   // --ignore-volumes (pod exports no volumes: accepted)
	CreateImage    string // --create-image: commit the checkpoint as this image
	EngineVersion  string // pod's version, recorded in a checkpoint image
}

// checkpointDir is where a container's checkpoint images are kept, and
// preCheckpointDir a pre-checkpoint's (Podman's names in its bundle).
func (c *Container) checkpointDir() string { return filepath.Join(c.staticDir(), checkpoint.ImagesDir) }
func (c *Container) preCheckpointDir() string {
	return filepath.Join(c.staticDir(), checkpoint.PreImagesDir)
}

// Checkpointed reports whether the container holds a checkpoint to restore.
func (c *Container) Checkpointed() bool { return c.state.Checkpointed }

// inspectCheckpoint fills inspect's checkpoint fields.
func (c *Container) inspectCheckpoint(s *InspectState) {
	st := c.state
	s.CheckpointedAt, s.RestoredAt = st.CheckpointedAt, st.RestoredAt
	s.Checkpointed, s.Restored = st.Checkpointed, st.Restored
	if st.Checkpointed {
		s.CheckpointPath = c.checkpointDir()
		s.CheckpointLog = filepath.Join(c.staticDir(), checkpoint.DumpLog)
	}
	if st.Restored {
		s.RestoreLog = filepath.Join(c.staticDir(), checkpoint.RestoreLog)
	}
}

// checkpointable refuses, before anything is done, a container whose
// runtime cannot checkpoint or a host where criu cannot work.
func (c *Container) checkpointable() error {
	if err := c.rt.registry.Require(c.config.Runtime, ocirt.CapCheckpoint); err != nil {
		return fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	return nil
}

// Checkpoint writes a running container's processes to disk with criu
// (through its runtime) and, unless o.LeaveRunning or o.PreCheckpoint,
// leaves it exited and checkpointed. It returns the runtime's duration.
func (c *Container) Checkpoint(ctx context.Context, o CheckpointOptions) (time.Duration, error) {
	if o.WithPrevious && o.PreCheckpoint {
		return 0, fmt.Errorf("--with-previous can not be used with --pre-checkpoint: %w", errdefs.ErrInvalidArgument)
	}
	if o.CreateImage != "" {
		name, err := c.rt.checkpointImageName(o)
		if err != nil {
			return 0, err
		}
		o.CreateImage = name
	}
	comp, err := checkpoint.Compression(o.Compression)
	if err != nil {
		return 0, err
	}
	if err := c.checkpointable(); err != nil {
		return 0, err
	}
	if err := c.lockAndSync(); err != nil {
		return 0, err
	}
	defer c.unlock()
	if _, err := checkVerb(VerbCheckpoint, c.config.ID, c.state.Status, false); err != nil {
		return 0, err
	}
	if err := checkpoint.Check(ctx); err != nil {
		return 0, fmt.Errorf("cannot checkpoint container %s: %w", c.config.Name, err)
	}
	if o.PreCheckpoint {
		if err := checkpoint.CheckMemTrack(ctx); err != nil {
			return 0, fmt.Errorf("cannot pre-checkpoint container %s: %w", c.config.Name, err)
		}
	}
	t, err := c.task()
	if err != nil {
		return 0, err
	}
	cp, ok := t.(ocirt.Checkpointer)
	if !ok {
		return 0, fmt.Errorf("runtime %q of container %s cannot checkpoint: %w", c.config.Runtime.Name, c.config.Name, errdefs.ErrNotImplemented)
	}
	images := c.checkpointDir()
	if o.PreCheckpoint {
		images = c.preCheckpointDir()
	}
	_ = os.RemoveAll(images)
	if err := os.MkdirAll(images, 0o700); err != nil {
		return 0, err
	}
	req := &ocirt.CheckpointRequest{ImagePath: images, WorkPath: c.staticDir(), LeaveRunning: o.LeaveRunning,
		PreDump: o.PreCheckpoint, TCPEstablished: o.TCPEstablished, FileLocks: o.FileLocks}
	if o.WithPrevious {
		req.ParentPath = "../" + checkpoint.PreImagesDir
	}
	began := time.Now()
	if err := cp.Checkpoint(ctx, req); err != nil {
		return 0, fmt.Errorf("checkpointing container %s (criu's log: %s): %w", c.config.Name, filepath.Join(c.staticDir(), checkpoint.DumpLog), err)
	}
	took := time.Since(began)
	if err := c.writeDumps(); err != nil {
		return took, err
	}
	if o.Export != "" {
		if err := c.exportCheckpoint(o, comp); err != nil {
			return took, err
		}
	}
	if o.CreateImage != "" {
		if err := c.createCheckpointImage(ctx, o.CreateImage, o.EngineVersion); err != nil {
			return took, err
		}
	}
	if !o.Keep && !o.PreCheckpoint {
		for _, f := range []string{checkpoint.DumpLog, checkpoint.StatsDump, checkpoint.ConfigDump, checkpoint.SpecDump, checkpoint.RootfsDiff, checkpoint.DeletedFiles} {
			_ = os.Remove(filepath.Join(c.staticDir(), f))
		}
	}
	if o.PreCheckpoint {
		return took, nil
	}
	if !o.LeaveRunning {
		if err := c.settleCheckpointed(ctx); err != nil {
			return took, err
		}
	}
	c.state.Checkpointed = true
	c.state.CheckpointedAt = time.Now()
	if err := c.save(); err != nil {
		return took, err
	}
	c.event(events.Checkpoint)
	return took, nil
}

// settleCheckpointed waits for the monitor to report the exit of the
// container criu stopped, then cleans up: it is exited, not restarted.
func (c *Container) settleCheckpointed(ctx context.Context) error {
	c.state.StoppedByUser = true // no restart policy brings it back
	deadline := time.Now().Add(30 * time.Second)
	for c.state.Status != StatusStopped {
		if c.syncExit() {
			continue
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("container %s was checkpointed, but its monitor did not report its exit: %w", c.config.Name, errdefs.ErrTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return c.cleanupLocked(ctx)
}

// writeDumps writes config.dump (pod's record of the container) and
// spec.dump (the OCI spec it runs with) beside the checkpoint.
func (c *Container) writeDumps() error {
	if err := checkpoint.WriteConfig(c.staticDir(), checkpoint.ConfigDump, &c.config); err != nil {
		return err
	}
	spec, err := os.ReadFile(filepath.Join(c.staticDir(), "config.json"))
	if err != nil {
		return fmt.Errorf("container %s: reading its spec: %w", c.config.Name, err)
	}
	return os.WriteFile(filepath.Join(c.staticDir(), checkpoint.SpecDump), spec, 0o600)
}

// exportCheckpoint writes the archive of --export: the images, the dumps
// and, unless --ignore-rootfs, the container's changes to its image.
func (c *Container) exportCheckpoint(o CheckpointOptions, comp checkpoint.Format) error {
	if !o.IgnoreRootfs {
		if err := c.writeRootfsDiff(); err != nil {
			return err
		}
	}
	names := append([]string(nil), checkpoint.ImageFiles...)
	if o.PreCheckpoint {
		names[0] = checkpoint.PreImagesDir
	}
	if err := checkpoint.Export(c.staticDir(), names, comp, o.Export); err != nil {
		return fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	return nil
}

// writeRootfsDiff writes the container's changes to its image beside the
// checkpoint (rootfs-diff.tar, deleted.files), leaving out the files pod
// made in it.
func (c *Container) writeRootfsDiff() error {
	if c.config.Storage && c.state.Mountpoint != "" {
		store, err := c.rt.images()
		if err != nil {
			return err
		}
		layer, err := store.ContainerLayer(c.config.ID)
		if err != nil {
			return err
		}
		changes, err := store.Changes("", layer)
		if err != nil {
			return err
		}
		var changed, deleted []string
		for _, ch := range changes {
			switch {
			case initInodes[ch.Path]:
			case ch.Kind == "D":
				deleted = append(deleted, ch.Path)
			default:
				changed = append(changed, ch.Path)
			}
		}
		if err := checkpoint.WriteRootfsDiff(c.state.Mountpoint, c.staticDir(), changed, deleted); err != nil {
			return fmt.Errorf("container %s: %w", c.config.Name, err)
		}
	}
	return nil
}

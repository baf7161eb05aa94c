package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/checkpoint"
	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() {
	containerCommands = append(containerCommands, checkpointCommand, restoreCommand)
}

// checkpointCommand is `container checkpoint`: the running containers named
// (or -a, -l) are written to disk with criu through their runtime.
func checkpointCommand() *cobra.Command {
	var o manyOptions
	var co libpod.CheckpointOptions
	var printStats bool
	cmd := &cobra.Command{
		Use:   "checkpoint [options] CONTAINER [CONTAINER...]",
		Short: "Checkpoint one or more containers",
		Long:  "Checkpoints one or more running containers. The container name or ID can be used.",
		Example: `pod container checkpoint --keep ctrID
pod container checkpoint --all
pod container checkpoint --leave-running --latest`,
		RunE: func(cmd *cobra.Command, args []string) error {
			fl := cmd.Flags()
			for _, f := range []string{"compress", "ignore-rootfs", "ignore-volumes"} {
				if fl.Changed(f) && co.Export == "" {
					return usageError("--%s can only be used with --export", f)
				}
			}
			if co.WithPrevious && co.PreCheckpoint {
				return usageError("--with-previous can not be used with --pre-checkpoint")
			}
			if _, err := checkpoint.Compression(co.Compression); err != nil {
				return err
			}
			if err := checkCreateImage(co, o, args); err != nil {
				return err
			}
			co.EngineVersion = version
			return crVerb(cmd, args, &o, libpod.VerbCheckpoint, printStats, func(ctx context.Context, c *libpod.Container) (time.Duration, error) {
				return c.Checkpoint(ctx, co)
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&o.all, "all", "a", false, "Checkpoint all running containers")
	fl.BoolVarP(&o.latest, "latest", "l", false, "Act on the latest container pod is aware of")
	fl.StringVarP(&co.Compression, "compress", "c", "zstd", "Select compression algorithm (gzip, none, zstd) for checkpoint archive.")
	fl.StringVar(&co.CreateImage, "create-image", "", "Create checkpoint image with specified name")
	fl.StringVarP(&co.Export, "export", "e", "", "Export the checkpoint image to a tar.gz")
	fl.BoolVar(&co.FileLocks, "file-locks", false, "Checkpoint a container with file locks")
	fl.BoolVar(&co.IgnoreRootfs, "ignore-rootfs", false, "Do not include root file-system changes when exporting")
	fl.BoolVar(&co.IgnoreVolumes, "ignore-volumes", false, "Do not export volumes associated with container")
	fl.BoolVarP(&co.Keep, "keep", "k", false, "Keep all temporary checkpoint files")
	fl.BoolVarP(&co.LeaveRunning, "leave-running", "R", false, "Leave the container running after writing checkpoint to disk")
	fl.BoolVarP(&co.PreCheckpoint, "pre-checkpoint", "P", false, "Dump container's memory information only, leave the container running")
	fl.BoolVar(&printStats, "print-stats", false, "Display checkpoint statistics")
	fl.BoolVar(&co.TCPEstablished, "tcp-established", false, "Checkpoint a container with established TCP connections")
	fl.BoolVar(&co.WithPrevious, "with-previous", false, "Checkpoint container with pre-checkpoint images")
	return cmd
}

// restoreCommand is `container restore`: checkpointed containers (or, with
// --import, a new one from an exported checkpoint) run again from their
// checkpoint.
func restoreCommand() *cobra.Command {
	var o manyOptions
	var ro libpod.RestoreOptions
	var printStats bool
	cmd := &cobra.Command{
		Use:   "restore [options] CONTAINER|IMAGE [CONTAINER|IMAGE...]",
		Short: "Restore one or more containers from a checkpoint",
		Long:  "Restores a container from a checkpoint. The container name or ID can be used.",
		Example: `pod container restore ctrID
pod container restore --latest
pod container restore --all
pod container restore --import /tmp/ctr.tar.zst --name new`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("publish") {
				ro.Publish = nil
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				images := false
				if ro.Import == "" && !o.all && !o.latest && len(args) > 0 {
					var err error
					if images, err = rt.RestoreNamesImages(args); err != nil {
						return err
					}
				}
				if err := checkRestoreFlags(cmd, ro, images, o.all || o.latest, args); err != nil {
					return err
				}
				if ro.Import != "" {
					return restoreImport(cmd.Context(), rt, ro, printStats)
				}
				if err := o.check(cmd, args); err != nil {
					return err
				}
				if o.all || o.latest {
					return crTargets(cmd.Context(), rt, args, &o, libpod.VerbRestore, printStats, func(ctx context.Context, c *libpod.Container) (time.Duration, error) {
						return c.Restore(ctx, ro)
					})
				}
				return runCR(cmd.Context(), libpod.VerbRestore, printStats, restoreJobs(rt, args, ro))
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&o.all, "all", "a", false, "Restore all checkpointed containers")
	fl.BoolVarP(&o.latest, "latest", "l", false, "Act on the latest container pod is aware of")
	fl.BoolVar(&ro.FileLocks, "file-locks", false, "Restore a container with file locks")
	fl.BoolVar(&ro.IgnoreRootfs, "ignore-rootfs", false, "Do not apply root file-system changes when importing from exported checkpoint")
	fl.BoolVar(&ro.IgnoreStaticIP, "ignore-static-ip", false, "Ignore IP address set via --static-ip")
	fl.BoolVar(&ro.IgnoreStaticMAC, "ignore-static-mac", false, "Ignore MAC address set via --mac-address")
	fl.BoolVar(&ro.IgnoreVolumes, "ignore-volumes", false, "Do not export volumes associated with container")
	fl.StringVarP(&ro.Import, "import", "i", "", "Restore from exported checkpoint archive (tar.gz)")
	fl.StringVar(&ro.ImportPrevious, "import-previous", "", "Restore from exported pre-checkpoint archive (tar.gz)")
	fl.BoolVarP(&ro.Keep, "keep", "k", false, "Keep all temporary checkpoint files")
	fl.StringVarP(&ro.Name, "name", "n", "", "Specify new name for container restored from exported checkpoint (only works with image or --import)")
	fl.StringVar(&ro.Pod, "pod", "", "Restore container into existing Pod (only works with image or --import)")
	fl.BoolVar(&printStats, "print-stats", false, "Display restore statistics")
	fl.StringSliceVarP(&ro.Publish, "publish", "p", []string{}, "Publish a container's port, or a range of ports, to the host")
	fl.BoolVar(&ro.TCPEstablished, "tcp-established", false, "Restore a container with established TCP connections")
	return cmd
}

// crJob checkpoints or restores one container and returns its ID and the
// runtime's duration.
type crJob func(context.Context) (string, time.Duration, error)

// crVerb runs checkpoint or restore on the containers selected by args,
// --all (the containers in a state the verb allows) or --latest.
func crVerb(cmd *cobra.Command, args []string, o *manyOptions, verb libpod.Verb, printStats bool,
	fn func(context.Context, *libpod.Container) (time.Duration, error)) error {
	if err := o.check(cmd, args); err != nil {
		return err
	}
	return withRuntime(func(rt *libpod.Runtime) error {
		return crTargets(cmd.Context(), rt, args, o, verb, printStats, fn)
	})
}

// crTargets runs fn on the containers args and o select.
func crTargets(ctx context.Context, rt *libpod.Runtime, args []string, o *manyOptions, verb libpod.Verb, printStats bool,
	fn func(context.Context, *libpod.Container) (time.Duration, error)) error {
	ts, err := o.selectTargets(rt, args, verb, nil)
	if err != nil {
		return err
	}
	jobs := make([]crJob, len(ts))
	for i, t := range ts {
		jobs[i] = func(ctx context.Context) (string, time.Duration, error) {
			took, err := fn(ctx, t.c)
			return t.c.ID(), took, err
		}
	}
	return runCR(ctx, verb, printStats, jobs)
}

// runCR runs the jobs one after the other, then prints each done
// container's ID or, with --print-stats, the statistics as JSON; errors as
// runMany does.
func runCR(ctx context.Context, verb libpod.Verb, printStats bool, jobs []crJob) error {
	began := time.Now()
	var stats []*checkpoint.ContainerStats
	var failed []error
	for _, j := range jobs {
		id, took, err := j(ctx)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		stats = append(stats, crStats(verb, id, took))
	}
	if err := printCR(verb, printStats, began, stats); err != nil {
		return err
	}
	return lastOfErrors(failed)
}

// restoreJobs restores each name: a container from its checkpoint, else a
// checkpoint image as a new container (Podman's order).
func restoreJobs(rt *libpod.Runtime, names []string, ro libpod.RestoreOptions) []crJob {
	jobs := make([]crJob, len(names))
	for i, n := range names {
		jobs[i] = func(ctx context.Context) (string, time.Duration, error) {
			c, err := rt.LookupContainer(n)
			if err == nil {
				took, err := c.Restore(ctx, ro)
				return c.ID(), took, err
			}
			if !errors.Is(err, errdefs.ErrNotFound) {
				return "", 0, err
			}
			c, took, err := rt.RestoreImage(ctx, n, ro)
			if err != nil {
				return "", 0, err
			}
			return c.ID(), took, nil
		}
	}
	return jobs
}

// restoreImport is `restore --import`: one new container from the archive.
func restoreImport(ctx context.Context, rt *libpod.Runtime, ro libpod.RestoreOptions, printStats bool) error {
	return runCR(ctx, libpod.VerbRestore, printStats, []crJob{func(ctx context.Context) (string, time.Duration, error) {
		c, took, err := rt.RestoreImport(ctx, ro)
		if err != nil {
			return "", 0, err
		}
		return c.ID(), took, nil
	}})
}

// checkCreateImage refuses what --create-image cannot be combined with,
// before anything is checkpointed. Podman takes --export over it (no image
// is made) and names one image after each container in turn (each but the
// last left without a name): pod refuses both.
func checkCreateImage(co libpod.CheckpointOptions, o manyOptions, args []string) error {
	switch {
	case co.CreateImage == "":
	case co.Export != "":
		return usageError("--create-image can not be used with --export: a checkpoint goes to an image or to an archive")
	case co.PreCheckpoint:
		return usageError("--create-image can not be used with --pre-checkpoint: restore from an image needs a full checkpoint")
	case o.all || len(args) > 1:
		return usageError("--create-image can only be used with one container: each checkpoint image needs its own name")
	}
	return nil
}

// checkRestoreFlags refuses restore's flags that need a checkpoint image or
// --import when there is neither, and --import with what names containers
// (--all, --latest, CONTAINER…: it makes a new one from the archive), with
// Podman's words, before anything is created.
func checkRestoreFlags(cmd *cobra.Command, ro libpod.RestoreOptions, images, allOrLatest bool, args []string) error {
	if ro.Import == "" && !images {
		for _, f := range []string{"import-previous", "ignore-rootfs", "ignore-volumes", "name", "pod"} {
			if cmd.Flags().Changed(f) {
				return usageError("--%s can only be used with image or --import", f)
			}
		}
	}
	if ro.Name != "" && ro.TCPEstablished {
		return usageError("--tcp-established cannot be used with --name")
	}
	if ro.Import != "" && allOrLatest {
		return usageError("cannot use --import with --all or --latest")
	}
	if ro.Import != "" && len(args) > 0 {
		return usageError("cannot use --import with positional arguments")
	}
	if ro.Name != "" && len(args) > 1 {
		return usageError("--name can only be used with one checkpoint image")
	}
	return nil
}

func crStats(verb libpod.Verb, id string, took time.Duration) *checkpoint.ContainerStats {
	s := &checkpoint.ContainerStats{ID: id}
	if verb == libpod.VerbCheckpoint {
		s.CheckpointRuntime = took.Microseconds()
	} else {
		s.RestoreRuntime = took.Microseconds()
	}
	return s
}

// printCR prints the IDs of the containers done or, with printStats,
// Podman's statistics JSON.
func printCR(verb libpod.Verb, printStats bool, began time.Time, stats []*checkpoint.ContainerStats) error {
	if !printStats {
		for _, s := range stats {
			fmt.Println(s.ID)
		}
		return nil
	}
	if stats == nil {
		stats = []*checkpoint.ContainerStats{}
	}
	took := time.Since(began).Microseconds()
	if verb == libpod.VerbCheckpoint {
		return printJSON(checkpoint.CheckpointStats{PodmanDuration: took, ContainerStatistics: stats})
	}
	return printJSON(checkpoint.RestoreStats{PodmanDuration: took, ContainerStatistics: stats})
}

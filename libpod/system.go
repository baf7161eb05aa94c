package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagehelper"
	"github.com/pod-engine/pod/pkg/parallel"
)

// This file holds the `pod system` verbs that act on the whole engine: df,
// prune, reset, renumber, migrate. The image half of each runs in pod-image
// (pkg/imagehelper), since pod does not link libimage.

// helperFlags are the storage flags pod-image needs to work on this
// runtime's store.
func (r *Runtime) helperFlags() imagehelper.GlobalFlags {
	return imagehelper.GlobalFlags{Root: r.paths.GraphRoot, RunRoot: r.paths.RunRoot,
		StorageDriver: r.opts.StorageDriver, StorageOpts: r.opts.StorageOpts, TmpDir: r.opts.TmpDir, LogLevel: r.opts.LogLevel,
		EventsBackend: r.opts.EventsBackend}
}

// ContainerUsage is one container in `system df -v`.
type ContainerUsage struct {
	ID      string
	ImageID string
	Command string
	Created time.Time
	Status  string // the state word, as Podman names it
	Name    string
	RWSize  int64 // the writable layer, as `ps --size` counts it
	// LocalVolumes is the number of named and anonymous volumes it mounts.
	LocalVolumes int
}

// VolumeUsage is one volume in `system df`: the containers that mount it
// (Links) and the size of its files.
type VolumeUsage struct {
	Name  string
	Links int
	Size  int64
}

// DiskUsage is what `system df` reports.
type DiskUsage struct {
	Images     []imagehelper.ImageUsage
	ImagesSize int64 // every image layer, counted once
	Containers []ContainerUsage
	Volumes    []VolumeUsage
}

// SystemDf gathers the disk usage of images (from pod-image), containers
// and volumes.
func (r *Runtime) SystemDf(ctx context.Context) (*DiskUsage, error) {
	imgs, err := imagehelper.DiskUsage(ctx, r.exe, r.helperFlags())
	if err != nil {
		return nil, err
	}
	cs, err := r.Containers()
	if err != nil {
		return nil, err
	}
	du := &DiskUsage{Images: imgs.Images, ImagesSize: imgs.TotalSize, Containers: make([]ContainerUsage, 0, len(cs))}
	links := map[string]int{}
	for _, c := range cs {
		for _, v := range c.config.Volumes {
			links[v.Name]++
		}
	}
	vols, err := r.Volumes()
	if err != nil {
		return nil, err
	}
	for _, v := range vols {
		du.Volumes = append(du.Volumes, VolumeUsage{Name: v.Name(), Links: links[v.Name()], Size: dirSize(v.Mountpoint())})
	}
	for _, c := range cs {
		rw, _, err := c.Sizes()
		if err != nil {
			if errors.Is(err, errdefs.ErrNotFound) {
				continue // removed meanwhile
			}
			return nil, fmt.Errorf("container %s: %w", c.config.Name, err)
		}
		du.Containers = append(du.Containers, ContainerUsage{
			ID: c.config.ID, ImageID: c.config.ImageID, Command: strings.Join(c.config.Command, " "),
			Created: c.config.Created, Status: c.state.Status.PodmanState(), Name: c.config.Name, RWSize: rw,
			LocalVolumes: len(c.config.Volumes),
		})
	}
	return du, nil
}

// SystemPruneOptions configure SystemPrune.
type SystemPruneOptions struct {
	All     bool     // every unused image, not only dangling ones
	Volumes bool     // prune the volumes no container uses too
	Filters []string // label=, label!=, until= for containers and images
	// VolumeMatch narrows the volumes pruned (the same --filter, read by
	// the volume verbs' rules); nil: every unused volume.
	VolumeMatch func(*Volume) bool
}

// SystemPruneReport is what SystemPrune removed.
type SystemPruneReport struct {
	Containers []PruneReport
	Images     []imagehelper.PrunedImage
	Volumes    []VolumePruneReport
	// Reclaimed is the space freed: the removed containers' writable layers,
	// the removed volumes' data and the removed images.
	Reclaimed int64
}

// SystemPrune removes the stopped containers and then the dangling (with
// All: unused) images, again until nothing more goes, and with Volumes then
// the volumes no container uses any more, as Podman does.
func (r *Runtime) SystemPrune(ctx context.Context, o SystemPruneOptions) (*SystemPruneReport, error) {
	if _, err := parsePruneFilters(o.Filters); err != nil {
		return nil, err
	}
	rep := &SystemPruneReport{}
	for round := 0; round < 10; round++ {
		sizes := map[string]int64{}
		if cs, err := r.Containers(); err == nil {
			for _, c := range cs {
				if rw, _, err := c.Sizes(); err == nil {
					sizes[c.config.ID] = rw
				}
			}
		}
		crs, err := r.PruneContainers(ctx, o.Filters)
		if err != nil {
			return rep, err
		}
		for _, cr := range crs {
			if cr.Err == nil {
				rep.Reclaimed += sizes[cr.ID]
			}
		}
		rep.Containers = append(rep.Containers, crs...)
		imgs, err := imagehelper.PruneImages(ctx, r.exe, r.helperFlags(), imagehelper.PruneOptions{All: o.All, Filters: o.Filters})
		if err != nil {
			return rep, err
		}
		for _, i := range imgs {
			rep.Reclaimed += i.Size
		}
		rep.Images = append(rep.Images, imgs...)
		if len(crs) == 0 && len(imgs) == 0 {
			break
		}
	}
	if o.Volumes {
		vrs, err := r.PruneVolumes(ctx, o.VolumeMatch)
		for _, v := range vrs {
			if v.Err == nil {
				rep.Reclaimed += v.Size
			}
		}
		rep.Volumes = vrs
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// Reset removes everything the engine holds, as `podman system reset`: every
// container (stopping running ones), every network but the default one,
// every secret, every image, then the
// state database and the storage directories (graph root, run root, the
// volume path) and pod's files in the tmp dir. It goes on past failures and
// returns them all. The Runtime must not be used afterwards.
func (r *Runtime) Reset(ctx context.Context) error {
	var errs []error
	cs, err := r.Containers()
	if err != nil {
		errs = append(errs, err)
	}
	zero := uint(0)
	workers := r.opts.MaxWorkers
	if workers <= 0 {
		workers = parallel.DefaultWorkers()
	}
	rmErrs := parallel.Map(ctx, cs, workers, func(ctx context.Context, c *Container) error {
		err := c.Remove(ctx, RemoveOptions{Force: true, Timeout: &zero})
		if errors.Is(err, errdefs.ErrNotFound) {
			return nil
		}
		return err
	})
	for _, e := range rmErrs {
		if e != nil {
			errs = append(errs, e)
		}
	}
	// Every network but the default one, as Podman's reset (on CNI with
	// its host-local IPAM directory, network.Manager.Remove).
	if _, err := r.PruneNetworks(nil); err != nil {
		errs = append(errs, fmt.Errorf("removing networks: %w", err))
	}
	if s, err := r.Secrets(); err != nil {
		errs = append(errs, err)
	} else if infos, err := s.List(); err != nil {
		errs = append(errs, err)
	} else {
		for _, i := range infos {
			if _, err := s.Remove(i.ID); err != nil {
				errs = append(errs, fmt.Errorf("removing secret %s: %w", i.Spec.Name, err))
			}
		}
	}
	if err := imagehelper.RemoveAllImages(ctx, r.exe, r.helperFlags()); err != nil {
		errs = append(errs, fmt.Errorf("removing images: %w", err))
	}
	if r.db != nil {
		_ = r.db.Close()
		r.db = nil
	}
	if r.store != nil {
		r.store.Shutdown(true)
		r.store = nil
	}
	for _, dir := range []string{r.paths.GraphRoot, r.paths.RunRoot, r.paths.Volumes,
		r.paths.Exits, r.paths.Persist, r.aliveFile()} {
		if dir == "" || dir == "/" {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, fmt.Errorf("removing %s: %w", dir, err))
		}
	}
	return errors.Join(errs...)
}

// Renumber is `podman system renumber`. Podman numbers its container locks
// from a fixed pool and must renumber them when the pool size changes; pod's
// locks are flock files named by container ID (internal/lock), created on
// first use, so there is nothing to renumber. It checks that the state
// database opens, which is what a script calling it after an upgrade needs.
func (r *Runtime) Renumber() error {
	_, err := r.state()
	return err
}

// Migrate is `podman system migrate`: it stops every running container
// (stopped(id) is called for each, Podman prints "stopped ID") and, with a
// new runtime, records that runtime in every container. newRuntime is
// checked before anything is stopped. Afterwards Options.StopPauseProcess
// runs (the rootless pause process, which Podman stops here too).
func (r *Runtime) Migrate(ctx context.Context, newRuntime string, stopped func(id string)) error {
	if newRuntime != "" {
		if _, err := r.registry.Resolve(newRuntime); err != nil {
			return fmt.Errorf("change to runtime %q requested but no such runtime is defined: %w", newRuntime, err)
		}
	}
	cs, err := r.Containers()
	if err != nil {
		return err
	}
	for _, c := range cs {
		switch c.state.Status {
		case StatusRunning, StatusPaused, StatusStopping:
			if err := c.Stop(ctx, nil); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
				return fmt.Errorf("cannot stop container %s: %w", c.config.ID, err)
			}
			stopped(c.config.ID)
		}
	}
	if newRuntime != "" {
		for _, c := range cs {
			if c.config.Runtime.Name == newRuntime || c.config.Runtime.Path == newRuntime {
				continue
			}
			if _, err := c.SetRuntime(newRuntime); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
				return fmt.Errorf("resetting the runtime of container %s to %s: %w", c.config.ID, newRuntime, err)
			}
		}
	}
	if r.opts.StopPauseProcess != nil {
		return r.opts.StopPauseProcess()
	}
	return nil
}

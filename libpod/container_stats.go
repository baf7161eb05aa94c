package libpod

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.podman.io/storage/pkg/unshare"
	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/cgstats"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// ContainerStats is one reading of a container's resource usage, with
// Podman's fields and arithmetic (define.ContainerStats).
type ContainerStats struct {
	ContainerID string
	Name        string
	CPU         float64 // % of one CPU since the previous reading (since start for the first)
	AvgCPU      float64 // average of the CPU readings so far
	CPUNano     uint64  // CPU time used, ns
	SystemNano  uint64  // when this reading was taken, ns since the epoch
	MemUsage    uint64
	MemLimit    uint64 // the memory limit, or the host's RAM when lower or unset
	MemPerc     float64
	NetInput    uint64
	NetOutput   uint64
	BlockInput  uint64
	BlockOutput uint64
	PIDs        uint64
	UpTime      time.Duration // CPU time used (Podman's "CPU TIME" column)
	DataPoints  int64
}

// StatsOptions select the containers `pod stats` reports.
type StatsOptions struct {
	Names    []string // containers by name or ID; none: see All
	All      bool     // every container, not only running ones
	Latest   bool     // the most recently created container
	Interval time.Duration
	Stream   bool // report every Interval until ctx ends (else once)
}

// StatsSupported refuses statistics (verb: "stats", "pod stats") where, as
// with Podman, containers have no cgroup to read them from: an ordinary user
// on a cgroup v1 host.
func StatsSupported(verb string) error {
	if unshare.IsRootless() && !cgroupV2() {
		return fmt.Errorf("%s is not supported in rootless mode without cgroups v2: %w", verb, errdefs.ErrInvalidArgument)
	}
	return nil
}

// Stats reports container statistics to fn: once, or with Stream every
// Interval until ctx is done or fn fails. Named containers that disappear
// end the stream with an error; others just drop out of the report.
func (r *Runtime) Stats(ctx context.Context, o StatsOptions, fn func([]*ContainerStats) error) error {
	var cs []*Container
	switch {
	case o.Latest:
		c, err := r.LatestContainer()
		if err != nil {
			return err
		}
		cs = []*Container{c}
	case len(o.Names) > 0:
		for _, n := range o.Names {
			c, err := r.LookupContainer(n)
			if err != nil { // Podman's words
				return fmt.Errorf("unable to get list of containers: unable to look up container %s: %w", n, err)
			}
			cs = append(cs, c)
		}
	default:
		all, err := r.Containers()
		if err != nil {
			return err
		}
		for _, c := range all {
			if o.All || c.state.Status == StatusRunning {
				cs = append(cs, c)
			}
		}
	}
	prev := map[string]*ContainerStats{}
	for {
		var report []*ContainerStats
		for _, c := range cs {
			s, err := c.readStats(prev[c.config.ID])
			if errors.Is(err, errdefs.ErrNotFound) && len(o.Names) == 0 {
				continue
			}
			if err != nil {
				return err
			}
			prev[c.config.ID] = s
			report = append(report, s)
		}
		if err := fn(report); err != nil {
			return err
		}
		if !o.Stream {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.Interval):
		}
	}
}

// readStats takes one reading; prev is the previous one (nil at first).
func (c *Container) readStats(prev *ContainerStats) (*ContainerStats, error) {
	if err := c.reload(); err != nil {
		return nil, err
	}
	c.syncExit()
	s := &ContainerStats{ContainerID: c.config.ID, Name: c.config.Name}
	if c.state.Status != StatusRunning && c.state.Status != StatusPaused {
		return s, nil
	}
	spec := c.readSpec()
	if spec == nil || spec.Linux == nil || c.config.Spec.Cgroups == "disabled" {
		return nil, fmt.Errorf("container %s has no cgroup to read statistics from: %w", c.config.Name, errdefs.ErrNotImplemented)
	}
	cg, err := cgstats.Read(cgstats.Root, spec.Linux.CgroupsPath)
	if err != nil {
		return nil, fmt.Errorf("reading the statistics of container %s: %w", c.config.Name, err)
	}
	if prev == nil {
		// The first CPU percentage is over the time since the start.
		prev = &ContainerStats{SystemNano: uint64(c.state.StartedAt.UnixNano())}
	}
	now := uint64(time.Now().UnixNano())
	s.SystemNano, s.CPUNano, s.UpTime = now, cg.CPUNano, time.Duration(cg.CPUNano)
	if now > prev.SystemNano && cg.CPUNano > prev.CPUNano {
		s.CPU = float64(cg.CPUNano-prev.CPUNano) / float64(now-prev.SystemNano) * 100
	}
	s.AvgCPU = (prev.AvgCPU*float64(prev.DataPoints) + s.CPU) / float64(prev.DataPoints+1)
	s.DataPoints = prev.DataPoints + 1
	s.MemUsage, s.MemLimit = cg.MemUsage, memLimit(cg.MemLimit)
	if s.MemLimit > 0 {
		s.MemPerc = float64(s.MemUsage) / float64(s.MemLimit) * 100
	}
	s.BlockInput, s.BlockOutput, s.PIDs = cg.BlockRead, cg.BlockWrite, cg.PIDs
	if rx, tx, ok := cgstats.NetIO(c.state.Task.Pid); ok {
		s.NetInput, s.NetOutput = rx, tx
	}
	return s, nil
}

// memLimit is the cgroup's limit, or the host's RAM when that is lower or
// there is no limit, as Podman reports it.
func memLimit(limit uint64) uint64 {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return limit
	}
	ram := si.Totalram * uint64(si.Unit)
	if limit == 0 || limit > ram {
		return ram
	}
	return limit
}

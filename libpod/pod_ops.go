package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/pods"
)

// The pod verbs take the pod's lock (before any container lock, as
// libpod/doc.go orders them) and run the container verbs on the members in
// dependency order: the infra first on start, last on stop.

// members returns the pod's containers keyed by ID and their order.
func (p *Pod) members() (map[string]*Container, []pods.Member, error) {
	ctrs, err := p.Containers()
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]*Container{}
	ms := make([]pods.Member, 0, len(ctrs))
	for _, c := range ctrs {
		byID[c.config.ID] = c
		ms = append(ms, pods.Member{ID: c.config.ID, Infra: c.config.Infra, Requires: c.config.Requires})
	}
	return byID, ms, nil
}

// PodError names the container a pod verb failed on.
type PodError struct {
	Container string
	Err       error
}

func (e *PodError) Error() string { return e.Err.Error() }
func (e *PodError) Unwrap() error { return e.Err }

// eachMember runs fn on the members in order, holding the pod lock, and
// collects the errors.
func (p *Pod) eachMember(order func([]pods.Member) []string, fn func(*Container) error) error {
	return p.withMembers(func(byID map[string]*Container, ms []pods.Member) error {
		return eachOf(order(ms), byID, fn)
	})
}

// withMembers runs fn on the pod's members, holding the pod lock.
func (p *Pod) withMembers(fn func(map[string]*Container, []pods.Member) error) error {
	if err := p.lockPod(); err != nil {
		return err
	}
	defer p.unlockPod()
	byID, ms, err := p.members()
	if err != nil {
		return err
	}
	return fn(byID, ms)
}

// eachOf runs fn on the containers of ids and collects the errors; the
// containers removed meanwhile are left out.
func eachOf(ids []string, byID map[string]*Container, fn func(*Container) error) error {
	var errs []error
	for _, id := range ids {
		c := byID[id]
		if err := fn(c); err != nil && !errors.Is(err, errdefs.ErrNoSuchContainer) {
			errs = append(errs, &PodError{Container: c.config.ID, Err: err})
		}
	}
	return errors.Join(errs...)
}

// Start starts the pod's containers, the infra first, then runs its init
// containers to their end (pod_initctr.go), then starts the others.
func (p *Pod) Start(ctx context.Context) error {
	start := func(c *Container) error {
		if c.Status() == StatusRunning {
			return nil
		}
		return c.Start(ctx, nil)
	}
	return p.after(events.Start, p.withMembers(func(byID map[string]*Container, ms []pods.Member) error {
		var infra, rest []string
		var inits []*Container // in creation order: they require only the infra
		for _, id := range pods.StartOrder(ms) {
			switch c := byID[id]; {
			case c.config.Infra:
				infra = append(infra, id)
			case c.config.InitCtr != "":
				inits = append(inits, c)
			default:
				rest = append(rest, id)
			}
		}
		if err := eachOf(infra, byID, start); err != nil {
			return err
		}
		if err := p.runInitContainers(ctx, inits); err != nil {
			return err
		}
		return eachOf(rest, byID, start)
	}))
}

// Stop stops the pod's containers in reverse dependency order, the infra
// last: the containers of one dependency level in parallel, as Podman does,
// the next level when they all stopped. timeout nil = each container's
// stop timeout.
func (p *Pod) Stop(ctx context.Context, timeout *uint) error {
	var mons []monitorProc
	err := p.withMembers(func(byID map[string]*Container, ms []pods.Member) error {
		err := p.stopLocked(ctx, timeout, byID, ms)
		mons = monitorsOf(byID)
		return p.after(events.Stop, err)
	})
	awaitMonitors(ctx, mons...) // unlocked: their exit commands lock
	return err
}

// monitorsOf returns the monitors of the containers.
func monitorsOf(byID map[string]*Container) []monitorProc {
	ms := make([]monitorProc, 0, len(byID))
	for _, c := range byID {
		ms = append(ms, c.monitorProc())
	}
	return ms
}

// stopLocked is Stop with the pod locked. The members' own stop leaves the
// exit policy alone: the pod's lock is held here.
func (p *Pod) stopLocked(ctx context.Context, timeout *uint, byID map[string]*Container, ms []pods.Member) error {
	var errs []error
	for _, level := range pods.StopLevels(ms) {
		if err := eachParallel(level, func(id string) error {
			if err := byID[id].stop(ctx, timeout); err != nil && !errors.Is(err, errdefs.ErrNoSuchContainer) {
				return &PodError{Container: id, Err: err}
			}
			return nil
		}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// eachParallel runs fn on every id at once and joins the errors.
func eachParallel(ids []string, fn func(string) error) error {
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(id)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Restart stops and starts the pod's containers.
func (p *Pod) Restart(ctx context.Context) error {
	if err := p.Stop(ctx, nil); err != nil {
		return err
	}
	return p.Start(ctx)
}

// Kill signals the pod's running containers; a pod with none running is
// left as it is without an error, as in Podman 4.3.1 (`pod kill --all`
// with a stopped pod among others exits 0).
func (p *Pod) Kill(ctx context.Context, sig syscall.Signal) error {
	return p.after(events.Kill, p.eachMember(pods.StopOrder, func(c *Container) error {
		if c.Status() != StatusRunning && c.Status() != StatusPaused {
			return nil
		}
		return c.Kill(ctx, sig)
	}))
}

// Pause freezes the pod's running containers.
func (p *Pod) Pause(ctx context.Context) error {
	return p.after(events.Pause, p.eachMember(pods.StopOrder, func(c *Container) error {
		if c.Status() != StatusRunning {
			return nil
		}
		return c.Pause(ctx)
	}))
}

// Unpause thaws the pod's paused containers.
func (p *Pod) Unpause(ctx context.Context) error {
	return p.after(events.Unpause, p.eachMember(pods.StartOrder, func(c *Container) error {
		if c.Status() != StatusPaused {
			return nil
		}
		return c.Unpause(ctx)
	}))
}

// PodRemoveOptions are the settings of `pod pod rm`.
type PodRemoveOptions struct {
	Force   bool  // stop running containers first
	Timeout *uint // their stop timeout (nil = each container's)
}

// Remove removes the pod and its containers. Without Force a pod with a
// running (or paused) container is refused and nothing is removed.
func (p *Pod) Remove(ctx context.Context, o PodRemoveOptions) error {
	var mons []monitorProc
	err := p.remove(ctx, o, &mons)
	awaitMonitors(ctx, mons...) // unlocked: their exit commands lock
	return err
}

// remove is Remove without the wait for the members' monitors, which it
// returns in mons.
func (p *Pod) remove(ctx context.Context, o PodRemoveOptions, mons *[]monitorProc) error {
	if err := p.lockPod(); err != nil {
		return err
	}
	defer p.unlockPod()
	byID, ms, err := p.members()
	if err != nil {
		return err
	}
	defer func() { *mons = monitorsOf(byID) }()
	order := pods.StopOrder(ms)
	if !o.Force {
		// Podman removes a pod whose only running container is its infra.
		for _, id := range order {
			c := byID[id]
			if st := c.Status(); !c.config.Infra && (st == StatusRunning || st == StatusPaused || st == StatusStopping) {
				return fmt.Errorf("removing container %s from pod %s: cannot remove container %s as it is %s - running or paused containers cannot be removed without force: %w",
					c.config.ID, p.config.ID, c.config.ID, st, errdefs.ErrConflict)
			}
		}
	}
	// Members first (in parallel per dependency level), the infra last and
	// only when every member is gone: it holds their namespaces. As Podman,
	// the anonymous volumes of the pod's containers go with the pod (those
	// of pod create's -v, which members share, with the infra).
	for _, level := range pods.StopLevels(ms) {
		if err := eachParallel(level, func(id string) error {
			err := byID[id].Remove(ctx, RemoveOptions{Force: true, Timeout: o.Timeout, Volumes: true, pod: true})
			if err != nil && !errors.Is(err, errdefs.ErrNoSuchContainer) {
				return &PodError{Container: id, Err: err}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	if p.state.CgroupPath != "" {
		if err := pods.RemoveCgroupfs(p.state.CgroupPath); err != nil {
			p.rt.warnf("pod %s: %v", p.config.Name, err)
		}
	}
	if err := os.RemoveAll(p.dir()); err != nil {
		return fmt.Errorf("pod %s: removing its files: %w", p.config.Name, err)
	}
	db, err := p.rt.state()
	if err != nil {
		return err
	}
	if err := db.RemovePod(p.config.ID); err != nil {
		return err
	}
	p.rt.locks.Remove(podLockName(p.config.ID))
	p.event(events.Remove)
	return nil
}

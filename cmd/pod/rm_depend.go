package main

// Containers depend on others through --requires and --pid/--ipc/--uts
// container:NAME (ContainerConfig.Requires). As Podman, rm refuses a
// container whose dependents stay (even with -f), --depend adds the
// dependents to the removal, and a removal that holds both removes the
// dependents first. A pod's infra, which its members require, is left to
// the pod rules (members before infra; the infra goes with its pod).

import (
	"fmt"
	"strings"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// rmOrder returns the removal in phases: every container of a phase has
// its dependents in earlier phases. With depend, the dependents of the
// targets (recursively) join them; without, a target with a dependent
// outside the removal is an error naming both, Podman's.
func rmOrder(rt *libpod.Runtime, ts []target, depend bool) ([][]target, error) {
	all, err := rt.Containers()
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*libpod.Container, len(all))
	for _, c := range all {
		byID[c.ID()] = c
	}
	dependents := map[string][]string{} // ID → IDs of the containers that require it
	for _, c := range all {
		for _, req := range c.Config().Requires {
			if r, ok := byID[req]; ok && !r.IsInfra() {
				dependents[req] = append(dependents[req], c.ID())
			}
		}
	}

	in := make(map[string]bool, len(ts))
	for _, t := range ts {
		in[t.c.ID()] = true
	}
	if depend {
		// Podman prints every removed container's ID with --depend.
		for i := range ts {
			ts[i].label = ts[i].c.ID()
		}
		for queue := append([]target(nil), ts...); len(queue) > 0; queue = queue[1:] {
			for _, id := range dependents[queue[0].c.ID()] {
				if c := byID[id]; c != nil && !in[id] {
					in[id] = true
					t := target{label: id, c: c}
					ts = append(ts, t)
					queue = append(queue, t)
				}
			}
		}
	} else {
		for _, t := range ts {
			var out []string
			for _, id := range dependents[t.c.ID()] {
				if !in[id] {
					out = append(out, id)
				}
			}
			if len(out) > 0 {
				return nil, fmt.Errorf("container %s has dependent containers which must be removed before it: %s: %w",
					t.c.ID(), strings.Join(out, ","), errdefs.ErrCtrExists)
			}
		}
	}

	// Phases: a container goes once none of its dependents in the removal
	// is left. A cycle cannot be made (a requirement exists before its
	// dependent), but a damaged record could: what is left goes last.
	var phases [][]target
	left := ts
	removed := map[string]bool{}
	for len(left) > 0 {
		var now, later []target
		for _, t := range left {
			ready := true
			for _, id := range dependents[t.c.ID()] {
				if in[id] && !removed[id] {
					ready = false
					break
				}
			}
			if ready {
				now = append(now, t)
			} else {
				later = append(later, t)
			}
		}
		if len(now) == 0 {
			now, later = later, nil
		}
		for _, t := range now {
			removed[t.c.ID()] = true
		}
		phases = append(phases, now)
		left = later
	}
	return phases, nil
}

package main

import (
	"fmt"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// addLatest resolves --latest (-l) into the latest container's ID as the
// only argument, refusing it together with names or --all as Podman does.
func addLatest(rt *libpod.Runtime, latest, all bool, args []string) ([]string, error) {
	if !latest {
		return args, nil
	}
	if all || len(args) > 0 {
		return nil, fmt.Errorf("--all, --latest and containers cannot be used together: %w", errdefs.ErrInvalidArgument)
	}
	c, err := rt.LatestContainer()
	if err != nil {
		return nil, err
	}
	return []string{c.ID()}, nil
}

// withContainerOrLatest runs fn on the container args[0] names or, with
// --latest, on the latest container (then args name none).
func withContainerOrLatest(latest bool, args []string, fn func(*libpod.Container) error) error {
	if latest && len(args) > 0 {
		return fmt.Errorf("--latest and containers cannot be used together: %w", errdefs.ErrInvalidArgument)
	}
	if !latest && len(args) != 1 {
		return fmt.Errorf("requires exactly 1 container name or ID (or --latest): %w", errdefs.ErrInvalidArgument)
	}
	return withRuntime(func(rt *libpod.Runtime) error {
		name := ""
		if !latest {
			name = args[0]
		}
		c, err := latestOrNamed(rt, latest, name)
		if err != nil {
			return err
		}
		return fn(c)
	})
}

// latestOrNamed is the latest container with --latest, else the one name names.
func latestOrNamed(rt *libpod.Runtime, latest bool, name string) (*libpod.Container, error) {
	if latest {
		return rt.LatestContainer()
	}
	return rt.LookupContainer(name)
}

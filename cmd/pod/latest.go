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

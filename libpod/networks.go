package libpod

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/network"
)

// NetworkUsers returns the containers attached to the network name.
func (r *Runtime) NetworkUsers(name string) ([]*Container, error) {
	all, err := r.Containers()
	if err != nil {
		return nil, err
	}
	var out []*Container
	for _, c := range all {
		if c.config.Net == nil {
			continue
		}
		if _, ok := c.config.Net.Networks[name]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// RemoveNetwork removes a network. With force the containers using it are
// removed first (stopped with timeout); without, a network in use is refused.
func (r *Runtime) RemoveNetwork(ctx context.Context, nameOrID string, force bool, timeout *uint) error {
	n, err := r.Networks().Inspect(nameOrID)
	if errors.Is(err, errdefs.ErrNotFound) {
		return errors.Unwrap(err) // the backend's own words, as Podman prints them
	}
	if err != nil {
		return err
	}
	if n.Name == r.Networks().DefaultName() {
		return fmt.Errorf("network %s: the default network cannot be removed: %w", n.Name, errdefs.ErrInvalidArgument)
	}
	users, err := r.NetworkUsers(n.Name)
	if err != nil {
		return err
	}
	if len(users) > 0 && !force {
		names := make([]string, 0, len(users))
		for _, c := range users {
			names = append(names, c.Name())
		}
		sort.Strings(names)
		return fmt.Errorf("network %s is in use by container(s) %v: remove them first or use -f: %w", n.Name, names, errdefs.ErrConflict)
	}
	for _, c := range users {
		if err := c.Remove(ctx, RemoveOptions{Force: true, Timeout: timeout}); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
			return fmt.Errorf("network %s: removing container %s: %w", n.Name, c.Name(), err)
		}
	}
	return r.Networks().Remove(n.Name)
}

// PruneNetworks removes every network no container uses (never the
// default one) that match keep; it returns the removed names.
func (r *Runtime) PruneNetworks(match func(network.Network) bool) ([]string, error) {
	nets, err := r.Networks().List()
	if err != nil {
		return nil, err
	}
	all, err := r.Containers()
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, c := range all {
		if c.config.Net != nil {
			for n := range c.config.Net.Networks {
				used[n] = true
			}
		}
	}
	var removed []string
	var errs []error
	for _, n := range nets {
		if used[n.Name] || n.Name == r.Networks().DefaultName() || (match != nil && !match(n)) {
			continue
		}
		if err := r.Networks().Remove(n.Name); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, n.Name)
	}
	return removed, errors.Join(errs...)
}

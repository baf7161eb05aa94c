package libpod

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// PruneReport is the outcome for one container `container prune` removed
// or failed to remove.
type PruneReport struct {
	ID  string
	Err error
}

// pruneFilter is one parsed --filter of `container prune`.
type pruneFilter func(*Container) bool

// parsePruneFilters parses Podman's container prune filters: label=KEY[=VALUE],
// label!=KEY[=VALUE] and until=TIMESTAMP|DURATION. Values of one key are
// OR'd, keys AND'd.
func parsePruneFilters(filters []string) ([]pruneFilter, error) {
	byKey := map[string][]pruneFilter{}
	var keys []string
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("invalid filter %q: expected KEY=VALUE: %w", f, errdefs.ErrInvalidArgument)
		}
		var pf pruneFilter
		switch k {
		case "label":
			pf = func(c *Container) bool { return hasLabel(c, v) }
		case "label!":
			pf = func(c *Container) bool { return !hasLabel(c, v) }
		case "until":
			t, err := parseUntil(v)
			if err != nil {
				return nil, err
			}
			pf = func(c *Container) bool { return c.config.Created.Before(t) }
		default:
			return nil, fmt.Errorf("%s is an invalid filter: %w", k, errdefs.ErrInvalidArgument)
		}
		if _, seen := byKey[k]; !seen {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], pf)
	}
	out := make([]pruneFilter, 0, len(keys))
	for _, k := range keys {
		alts := byKey[k]
		out = append(out, func(c *Container) bool {
			for _, f := range alts {
				if f(c) {
					return true
				}
			}
			return false
		})
	}
	return out, nil
}

// hasLabel matches KEY or KEY=VALUE against the container's labels (its own
// and its image's).
func hasLabel(c *Container, want string) bool {
	k, v, hasVal := strings.Cut(want, "=")
	got, ok := c.config.Spec.Labels[k]
	if !ok {
		got, ok = c.config.ImageConfig.Labels[k]
	}
	return ok && (!hasVal || got == v)
}

// parseUntil reads an until= value as Podman does: a Go duration back from
// now ("24h"), an RFC 3339 time or date, or Unix seconds.
func parseUntil(v string) (time.Time, error) {
	if d, err := time.ParseDuration(v); err == nil {
		return time.Now().Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			return t, nil
		}
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		return time.Unix(0, int64(secs*float64(time.Second))), nil
	}
	return time.Time{}, fmt.Errorf("failed to parse value as time or duration: %q: %w", v, errdefs.ErrInvalidArgument)
}

// PruneContainers removes every container that is not running or paused
// and matches the filters, several at once as Podman does (each removal
// takes only its own container's lock). Each removal is reported, oldest
// container first; one that fails does not stop the others.
func (r *Runtime) PruneContainers(ctx context.Context, filters []string) ([]PruneReport, error) {
	fs, err := parsePruneFilters(filters)
	if err != nil {
		return nil, err
	}
	cs, err := r.Containers()
	if err != nil {
		return nil, err
	}
	var victims []*Container
	for _, c := range cs {
		switch c.state.Status {
		case StatusRunning, StatusPaused, StatusStopping, StatusRemoving:
			continue
		}
		match := true
		for _, f := range fs {
			match = match && f(c)
		}
		if match {
			victims = append(victims, c)
		}
	}
	out := make([]PruneReport, len(victims))
	sem := make(chan struct{}, pruneParallel)
	var wg sync.WaitGroup
	for i, c := range victims {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = PruneReport{ID: c.config.ID, Err: c.Remove(ctx, RemoveOptions{})}
		}()
	}
	wg.Wait()
	return out, nil
}

// pruneParallel bounds the removals prune runs at once: each is mostly
// waiting for storage and the runtime, so a few per CPU keep them busy.
var pruneParallel = 3 * runtime.NumCPU()

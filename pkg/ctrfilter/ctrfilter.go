// Package ctrfilter implements the `--filter KEY=VALUE` conditions of
// Podman's container verbs (ps, stop, kill, rm, ...) with Podman's matching
// rules and error messages. It knows nothing about how containers are
// stored: the engine describes each container as a Container and resolves
// the names some filters refer to (containers, images) through a Resolver.
//
// Rules, as Podman applies them:
//   - values of one key are OR'd, different keys are AND'd; label (and
//     label!) values are AND'd: a container must carry every label given;
//   - id: a hexadecimal value is an ID prefix, anything else a regular
//     expression (Podman 5; Podman 4.3 matched every value as a regex);
//   - name: an unanchored regular expression, "/" removed (Docker's names);
//     a value that is not a valid expression matches nothing;
//   - label: KEY or KEY=VALUE, "*" in KEY is a wildcard;
//   - status: created, running, paused, exited (stopped is the same),
//     stopping, removing, unknown;
//   - exited: exit codes of exited containers;
//   - ancestor: an image name that resolves, or a part of an image ID;
//   - before, since: containers created before/after the named container;
//   - until: created before a timestamp or a duration ago (exactly one);
//   - volume: a mount destination or source, or SOURCE:DESTINATION;
//   - network, pod, health: a network or pod name/ID, a health status;
//   - restart-policy: none, no, on-failure, always, unless-stopped;
//   - runtime (pod's own): the OCI runtime's name or path.
package ctrfilter

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.podman.io/common/pkg/timetype"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Container is what the filters look at.
type Container struct {
	ID            string
	Names         []string          // a container has one; an external one may have several
	Labels        map[string]string // nil for none
	State         string            // Podman's word: created, running, paused, exited, stopping, removing, unknown
	ExitCode      int               // meaningful when State is "exited"
	ImageID       string
	ImageName     string // full name it was created from, e.g. localhost/busybox:latest
	Created       time.Time
	Mounts        []Mount
	Networks      []string
	PodID         string
	PodName       string
	Health        string // "" without a healthcheck
	RestartPolicy string // "" for none
	Runtime       []string
}

// Mount is a volume or bind mount of a container.
type Mount struct {
	Source      string // host path, or the volume's name when Named
	Destination string
	Named       bool // a named volume (Source is its name)
}

// Resolver resolves the objects some filters name.
type Resolver interface {
	// ContainerCreated returns when the container with this name or ID
	// (prefix) was created, or an error naming it.
	ContainerCreated(nameOrID string) (time.Time, error)
	// ImageID returns the ID of the image name resolves to, or "" when it
	// does not resolve.
	ImageID(name string) string
}

// Error is a filter error: Podman's text, class errdefs.ErrInvalidArgument.
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

// Is makes errors.Is(err, errdefs.ErrInvalidArgument) true.
func (e *Error) Is(target error) bool { return target == errdefs.ErrInvalidArgument }

func errorf(format string, args ...any) error { return &Error{fmt.Sprintf(format, args...)} }

// Keys are the filter keys, sorted.
var Keys = []string{
	"ancestor", "before", "exited", "health", "id", "label", "name", "network", "pod",
	"restart-policy", "runtime", "since", "status", "until", "volume",
}

// States are the values status accepts.
var States = []string{"created", "running", "paused", "stopped", "exited", "stopping", "removing", "unknown"}

// RestartPolicies are the values restart-policy accepts.
var RestartPolicies = []string{"none", "no", "on-failure", "always", "unless-stopped"}

// Parse splits KEY=VALUE arguments into values by key, in order. Each
// argument is one filter (split comma lists before, as the flag does).
func Parse(args []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return nil, errorf("invalid filter %q", a)
		}
		out[k] = append(out[k], v)
	}
	return out, nil
}

// Filter is a parsed, resolved set of filters. The zero value and nil match
// every container.
type Filter struct {
	preds []func(*Container) bool
}

// New parses args (KEY=VALUE each) and resolves what they name with r,
// which may be nil when no filter needs it.
func New(args []string, r Resolver) (*Filter, error) {
	byKey, err := Parse(args)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same input always fails with the same message
	f := &Filter{}
	for _, k := range keys {
		p, err := predicate(k, byKey[k], r)
		if err != nil {
			return nil, err
		}
		f.preds = append(f.preds, p)
	}
	return f, nil
}

// Empty reports whether f has no conditions.
func (f *Filter) Empty() bool { return f == nil || len(f.preds) == 0 }

// Match reports whether c meets every condition.
func (f *Filter) Match(c *Container) bool {
	if f == nil {
		return true
	}
	for _, p := range f.preds {
		if !p(c) {
			return false
		}
	}
	return true
}

func predicate(key string, vals []string, r Resolver) (func(*Container) bool, error) {
	switch key {
	case "id":
		return func(c *Container) bool { return matchID(c.ID, vals) }, nil
	case "name":
		res := compileAll(vals, func(v string) string { return strings.ReplaceAll(v, "/", "") })
		return func(c *Container) bool {
			return slices.ContainsFunc(c.Names, func(n string) bool { return anyMatch(res, n) })
		}, nil
	case "label":
		return func(c *Container) bool { return matchLabels(vals, c.Labels) }, nil
	case "status":
		for _, v := range vals {
			if !slices.Contains(States, v) {
				return nil, errorf("unknown container state: %s: invalid argument", v)
			}
		}
		return func(c *Container) bool {
			return slices.ContainsFunc(vals, func(v string) bool {
				if v == "stopped" {
					v = "exited"
				}
				return c.State == v
			})
		}, nil
	case "exited":
		codes := make([]int, 0, len(vals))
		for _, v := range vals {
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil {
				// Podman quotes the parsed number as a character: keep its text.
				return nil, errorf("exited code out of range %s: %v", strconv.QuoteRune(rune(n)), err) //nolint:gosec // Podman's wording
			}
			codes = append(codes, int(n))
		}
		return func(c *Container) bool { return c.State == "exited" && slices.Contains(codes, c.ExitCode) }, nil
	case "ancestor":
		return ancestor(vals, r), nil
	case "before", "since":
		t, err := referenceTime(vals, r)
		if err != nil {
			return nil, err
		}
		if key == "before" {
			return func(c *Container) bool { return c.Created.Before(t) }, nil
		}
		return func(c *Container) bool { return c.Created.After(t) }, nil
	case "until":
		t, err := untilTime(vals)
		if err != nil {
			return nil, err
		}
		return func(c *Container) bool { return !t.IsZero() && c.Created.Before(t) }, nil
	case "volume":
		return func(c *Container) bool { return matchVolume(vals, c.Mounts) }, nil
	case "network":
		return func(c *Container) bool {
			return slices.ContainsFunc(c.Networks, func(n string) bool { return slices.Contains(vals, n) })
		}, nil
	case "pod":
		return func(c *Container) bool {
			return c.PodID != "" && slices.ContainsFunc(vals, func(v string) bool {
				return v == c.PodName || (v != "" && strings.HasPrefix(c.PodID, v))
			})
		}, nil
	case "health":
		return func(c *Container) bool { return c.Health != "" && slices.Contains(vals, c.Health) }, nil
	case "restart-policy":
		var bad []string
		for _, v := range vals {
			if !slices.Contains(RestartPolicies, v) {
				bad = append(bad, v)
			}
		}
		if len(bad) == 1 {
			return nil, errorf("%s invalid restart policy", bad[0])
		} else if len(bad) > 1 {
			return nil, errorf("%s invalid restart policies", strings.Join(bad, ", "))
		}
		return func(c *Container) bool {
			return slices.ContainsFunc(vals, func(v string) bool {
				return c.RestartPolicy == v || (v == "none" && c.RestartPolicy == "")
			})
		}, nil
	case "runtime":
		return func(c *Container) bool {
			return slices.ContainsFunc(c.Runtime, func(n string) bool { return slices.Contains(vals, n) })
		}, nil
	}
	return nil, errorf("%s is an invalid filter", key)
}

var notHex = regexp.MustCompile(`[^0-9a-fA-F]`)

// matchID: hexadecimal values are ID prefixes, others regular expressions.
func matchID(id string, vals []string) bool {
	for _, v := range vals {
		if notHex.MatchString(v) {
			if m, err := regexp.MatchString(v, id); err == nil && m {
				return true
			}
		} else if strings.HasPrefix(id, strings.ToLower(v)) {
			return true
		}
	}
	return false
}

// compileAll compiles each value after fix; invalid expressions are left
// out (they match nothing, as in Podman).
func compileAll(vals []string, fix func(string) string) []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, v := range vals {
		if re, err := regexp.Compile(fix(v)); err == nil {
			out = append(out, re)
		}
	}
	return out
}

func anyMatch(res []*regexp.Regexp, s string) bool {
	return slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(s) })
}

// matchLabels: every KEY[=VALUE] must be present; "*" in KEY is a wildcard.
func matchLabels(vals []string, labels map[string]string) bool {
	for _, v := range vals {
		k, want, _ := strings.Cut(v, "=")
		found := false
		for lk, lv := range labels {
			if (want == "" || lv == want) && (lk == k || wildcard(k, lk)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// wildcard matches a pattern with "*" anywhere in value, as Podman's labels do.
func wildcard(pattern, value string) bool {
	if !strings.Contains(pattern, "*") {
		return false
	}
	parts := strings.Split(pattern, "*")
	rest := value
	for _, p := range parts {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return true
}

func ancestor(vals []string, r Resolver) func(*Container) bool {
	var ids, names []string
	for _, v := range vals {
		if r != nil {
			if id := r.ImageID(v); id != "" {
				ids = append(ids, id)
				continue
			}
		}
		names = append(names, v)
	}
	return func(c *Container) bool {
		for _, id := range ids {
			if c.ImageID != "" && strings.Contains(c.ImageID, id) {
				return true
			}
		}
		name, tag, _ := strings.Cut(c.ImageName, ":")
		for _, v := range names {
			switch {
			case v == c.ImageName, v == name && tag == "latest":
				return true
			case c.ImageID != "" && strings.TrimPrefix(v, "sha256:") != "" && strings.Contains(c.ImageID, strings.TrimPrefix(v, "sha256:")):
				return true
			}
		}
		return false
	}
}

// referenceTime is the earliest creation time of the named containers.
func referenceTime(vals []string, r Resolver) (time.Time, error) {
	var t time.Time
	for _, v := range vals {
		if r == nil {
			return t, errorf("no container with name or ID %q found: no such container", v)
		}
		ct, err := r.ContainerCreated(v)
		if err != nil {
			return t, err
		}
		if t.IsZero() || ct.Before(t) {
			t = ct
		}
	}
	return t, nil
}

// untilTime parses until's one value: a timestamp or a duration ago.
func untilTime(vals []string) (time.Time, error) {
	if len(vals) != 1 {
		return time.Time{}, errorf("specify exactly one timestamp for until")
	}
	ts, err := timetype.GetTimestamp(vals[0], time.Now())
	if err != nil {
		return time.Time{}, &Error{err.Error()}
	}
	sec, nsec, err := timetype.ParseTimestamps(ts, 0)
	if err != nil {
		return time.Time{}, &Error{err.Error()}
	}
	return time.Unix(sec, nsec), nil
}

func matchVolume(vals []string, mounts []Mount) bool {
	for _, v := range vals {
		src, dst, hasDst := strings.Cut(v, ":")
		for _, m := range mounts {
			if hasDst {
				if m.Source == src && m.Destination == dst {
					return true
				}
			} else if m.Destination == src || m.Source == src {
				return true
			}
		}
	}
	return false
}

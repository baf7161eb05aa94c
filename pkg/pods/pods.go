// Package pods holds the rules of pods that need no state: which
// namespaces a pod shares (--share), what status a pod has given its
// containers' statuses (Podman's table), and in which order a pod's
// containers stop. libpod (pod_*.go) keeps the records and locks and calls
// these; nothing here touches the state database or a runtime.
package pods

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Namespaces a pod can share, Podman's names.
const (
	NSCgroup = "cgroup"
	NSIPC    = "ipc"
	NSNet    = "net"
	NSPID    = "pid"
	NSUTS    = "uts"
)

// DefaultShare is what a pod shares when --share is not given (Podman 4.3).
var DefaultShare = []string{NSIPC, NSNet, NSUTS}

// ParseShare parses --share: a comma-separated list of cgroup, ipc, net,
// pid and uts; "none" or "" shares nothing; a list starting with "+"
// adds to the default list. The result is sorted and free of duplicates.
func ParseShare(s string, given bool) ([]string, error) {
	if !given {
		return append([]string(nil), DefaultShare...), nil
	}
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return nil, nil
	}
	set := map[string]bool{}
	if strings.HasPrefix(s, "+") {
		for _, n := range DefaultShare {
			set[n] = true
		}
		s = s[1:]
	}
	for _, n := range strings.Split(s, ",") {
		switch n = strings.TrimSpace(n); n {
		case NSCgroup, NSIPC, NSNet, NSPID, NSUTS:
			set[n] = true
		case "user", "mnt":
			return nil, fmt.Errorf("--share %q: sharing the %s namespace in a pod is not supported: choose from cgroup, ipc, net, pid and uts: %w", s, n, errdefs.ErrNotImplemented)
		default:
			return nil, fmt.Errorf("invalid kernel namespace to share: %s. Options are: cgroup, ipc, net, pid, uts or none: %w", n, errdefs.ErrInvalidArgument)
		}
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// Shares reports whether share lists ns.
func Shares(share []string, ns string) bool {
	for _, n := range share {
		if n == ns {
			return true
		}
	}
	return false
}

// Pod states, Podman's names.
const (
	StateCreated  = "Created"
	StateRunning  = "Running"
	StatePaused   = "Paused"
	StateStopped  = "Stopped"
	StateExited   = "Exited"
	StateDegraded = "Degraded"
	StateErrored  = "Error"
)

// Status is a pod's state from its containers' states (libpod's status
// names: configured, created, running, paused, stopping, stopped, exited,
// removing), by Podman's rules: all running is Running, some running is
// Degraded, all stopped or exited is Exited, some is Stopped, all paused
// Paused, else Created. A pod without containers is Created.
func Status(ctrStates []string) string {
	n := len(ctrStates)
	if n == 0 {
		return StateCreated
	}
	var running, stopped, paused, created, errored int
	for _, s := range ctrStates {
		switch s {
		case "exited", "stopped":
			stopped++
		case "running", "stopping":
			running++
		case "paused":
			paused++
		case "created", "configured":
			created++
		default:
			errored++
		}
	}
	switch {
	case running > 0 && running < n:
		return StateDegraded
	case running == n:
		return StateRunning
	case stopped == n:
		return StateExited
	case stopped > 0:
		return StateStopped
	case errored > 0:
		return StateErrored
	case paused == n:
		return StatePaused
	}
	return StateCreated
}

// Member is one container of a pod, for ordering.
type Member struct {
	ID       string
	Infra    bool
	Requires []string // IDs of containers that must run before this one
}

// StartOrder returns the members' IDs in an order in which each comes after
// what it requires (infra first). Requirements outside the pod are ignored;
// a cycle is broken by the members' given order.
func StartOrder(ms []Member) []string {
	byID := map[string]Member{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	done := map[string]bool{}
	visiting := map[string]bool{}
	var out []string
	var visit func(id string)
	visit = func(id string) {
		m, ok := byID[id]
		if !ok || done[id] || visiting[id] {
			return
		}
		visiting[id] = true
		for _, r := range m.Requires {
			visit(r)
		}
		visiting[id] = false
		done[id] = true
		out = append(out, id)
	}
	for _, m := range ms {
		if m.Infra {
			visit(m.ID)
		}
	}
	for _, m := range ms {
		visit(m.ID)
	}
	return out
}

// StopOrder is StartOrder reversed: dependents first, the infra last.
func StopOrder(ms []Member) []string {
	out := StartOrder(ms)
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// StopLevels groups the members for stopping: each level holds members no
// later level requires, so a level's members stop in parallel and the
// infra (required by every member) comes in the last level.
func StopLevels(ms []Member) [][]string {
	byID := map[string]Member{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	// depth: the length of the longest chain of members requiring m.
	depth := map[string]int{}
	for changed, rounds := true, 0; changed && rounds <= len(ms); rounds++ {
		changed = false
		for _, m := range ms {
			for _, r := range m.Requires {
				if _, ok := byID[r]; ok && r != m.ID && depth[r] < depth[m.ID]+1 {
					depth[r] = depth[m.ID] + 1
					changed = true
				}
			}
		}
	}
	maxDepth := 0
	for _, m := range ms {
		if !m.Infra && depth[m.ID] > maxDepth {
			maxDepth = depth[m.ID]
		}
	}
	var levels [][]string
	for _, id := range StopOrder(ms) {
		d := depth[id]
		if byID[id].Infra {
			d = maxDepth + 1 // always last, alone
		}
		for len(levels) <= d {
			levels = append(levels, nil)
		}
		levels[d] = append(levels[d], id)
	}
	out := levels[:0]
	for _, l := range levels {
		if len(l) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// Exit policies of a pod (--exit-policy), Podman's names.
const (
	ExitPolicyContinue = "continue" // the pod runs on when its containers exit (default)
	ExitPolicyStop     = "stop"     // the pod stops when its last container but the infra exited
)

// ParseExitPolicy checks --exit-policy; "" is the default, continue.
func ParseExitPolicy(s string) (string, error) {
	switch s {
	case "":
		return ExitPolicyContinue, nil
	case ExitPolicyContinue, ExitPolicyStop:
		return s, nil
	}
	return "", fmt.Errorf("invalid pod exit policy: %q: use continue or stop: %w", s, errdefs.ErrInvalidArgument)
}

// OnlyInfraLeft is the exit policy's test, given the states of the members
// other than the infra: none is running, paused or yet to run (created,
// configured). Podman counts exited, stopping and removing containers as
// gone; a stopped one (exited, its cleanup pending) is gone too, so two
// members ending at once cannot each wait for the other's cleanup.
func OnlyInfraLeft(ctrStates []string) bool {
	for _, s := range ctrStates {
		switch s {
		case "exited", "stopped", "stopping", "removing":
		default:
			return false
		}
	}
	return true
}

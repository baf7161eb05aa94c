package libpod

import (
	"fmt"
	"slices"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Status is a container's lifecycle state.
type Status string

// Container states. The names are Podman's (inspect's State.Status).
const (
	StatusConfigured Status = "configured" // in the DB, nothing exists in the runtime
	StatusCreated    Status = "created"    // runtime create done; the init process waits for start
	StatusRunning    Status = "running"
	StatusPaused     Status = "paused"
	StatusStopping   Status = "stopping" // a stop is in progress (the lock is released while waiting)
	StatusStopped    Status = "stopped"  // the process exited; runtime state and mounts still exist
	StatusExited     Status = "exited"   // cleaned up: runtime state deleted, storage unmounted
	StatusRemoving   Status = "removing"
)

// transitions is the one table that decides which state changes are legal.
// Nothing else in libpod decides legality: callers use canTransition.
var transitions = map[Status][]Status{
	StatusConfigured: {StatusCreated, StatusRemoving},
	StatusCreated:    {StatusRunning, StatusStopped, StatusStopping, StatusConfigured, StatusRemoving},
	StatusRunning:    {StatusPaused, StatusStopping, StatusStopped, StatusRemoving},
	StatusPaused:     {StatusRunning, StatusStopping, StatusStopped, StatusRemoving},
	StatusStopping:   {StatusStopped, StatusRunning, StatusRemoving},
	StatusStopped:    {StatusExited, StatusRemoving, StatusCreated},
	StatusExited:     {StatusCreated, StatusRemoving},
	StatusRemoving:   {StatusRemoving},
}

// canTransition returns nil when a container may go from → to, and an
// errdefs.ErrConflict naming the container and both states otherwise.
func canTransition(name string, from, to Status) error {
	for _, s := range transitions[from] {
		if s == to {
			return nil
		}
	}
	return fmt.Errorf("container %s is %s and cannot become %s: %w", name, from, to, errdefs.ErrConflict)
}

// IsActive reports whether the container may have live processes.
func (s Status) IsActive() bool {
	switch s {
	case StatusRunning, StatusPaused, StatusStopping, StatusCreated:
		return true
	}
	return false
}

// HasRuntimeState reports whether the runtime holds state for the container
// (it must be deleted before the container is removed or re-created).
func (s Status) HasRuntimeState() bool {
	return s.IsActive() || s == StatusStopped
}

// Verb is a lifecycle operation whose legality depends on the container's
// state. The verbs on many containers (`stop -a`, `pause -a`…) select with
// the same table their libpod methods check.
type Verb string

// The verbs of the precondition table.
const (
	VerbStart   Verb = "start"
	VerbStop    Verb = "stop"
	VerbKill    Verb = "kill"
	VerbPause   Verb = "pause"
	VerbUnpause Verb = "unpause"
	VerbRestart Verb = "restart"
	VerbRemove  Verb = "rm"
	VerbUpdate  Verb = "update"
	VerbExec    Verb = "exec"
	VerbInit    Verb = "init"
	// VerbCheckpoint and VerbRestore are container checkpoint and restore.
	VerbCheckpoint Verb = "checkpoint"
	VerbRestore    Verb = "restore"
)

// precondition says what a verb does in each state: its work (does),
// nothing but succeed (noop), its work only when forced (force: rm -f), or
// refuse with Podman's wording (refuse gets the container's ID and its
// state as Podman names it).
type precondition struct {
	does, noop, force []Status
	refuse            func(id string, s Status) string
}

// preconditions is the one table of which states allow which verb, beside
// the transition table above. libpod's verbs ask it through checkVerb; the
// CLI's --all selection asks it through Status.Allows.
var preconditions = map[Verb]precondition{
	VerbStart: {
		does: []Status{StatusConfigured, StatusCreated, StatusStopped, StatusExited},
		noop: []Status{StatusRunning}, // Podman: starting a running container does nothing
		refuse: func(id string, s Status) string {
			return fmt.Sprintf("unable to start container %q: container %s must be in Created or Stopped state to be started", id, id)
		},
	},
	VerbStop: {
		does: []Status{StatusCreated, StatusRunning, StatusPaused, StatusStopping, StatusStopped},
		noop: []Status{StatusConfigured, StatusExited},
		refuse: func(id string, s Status) string {
			return fmt.Sprintf("container %s is being removed", id)
		},
	},
	VerbKill: {
		does: []Status{StatusRunning, StatusPaused, StatusStopping},
		refuse: func(id string, s Status) string {
			return fmt.Sprintf("can only kill running containers. %s is in state %s", id, s)
		},
	},
	VerbPause: {
		does: []Status{StatusRunning},
		refuse: func(id string, s Status) string {
			if s == StatusPaused {
				return fmt.Sprintf("%q is already paused", id)
			}
			return fmt.Sprintf("%q is not running, can't pause", id)
		},
	},
	VerbUnpause: {
		does: []Status{StatusPaused},
		refuse: func(id string, s Status) string {
			return fmt.Sprintf("%q is not paused, can't unpause", id)
		},
	},
	VerbRestart: {
		does: []Status{StatusConfigured, StatusCreated, StatusRunning, StatusStopped, StatusExited},
		refuse: func(id string, s Status) string {
			return fmt.Sprintf("unable to restart a container in a paused or unknown state: container %s is %s", id, s)
		},
	},
	VerbRemove: {
		does:  []Status{StatusConfigured, StatusCreated, StatusStopped, StatusExited, StatusRemoving},
		force: []Status{StatusRunning, StatusPaused, StatusStopping},
		refuse: func(id string, s Status) string {
			return fmt.Sprintf("cannot remove container %s as it is %s - running or paused containers cannot be removed without force", id, s)
		},
	},
	VerbUpdate: {
		does: []Status{StatusConfigured, StatusExited},
		refuse: func(id string, s Status) string {
			if s == StatusCreated || s == StatusStopped {
				return fmt.Sprintf("container %s still has runtime state: run `pod container cleanup %s` first", id, id)
			}
			return fmt.Sprintf("container %s is %s: stop it first", id, s)
		},
	},
	VerbInit: {
		does: []Status{StatusConfigured, StatusStopped, StatusExited},
		refuse: func(id string, s Status) string {
			return fmt.Sprintf("container %s has already been created in runtime", id)
		},
	},
	VerbCheckpoint: {
		does: []Status{StatusRunning},
		refuse: func(id string, s Status) string {
			return fmt.Sprintf("%q is not running, cannot checkpoint", string(s))
		},
	},
	VerbRestore: {
		does: []Status{StatusConfigured, StatusStopped, StatusExited},
		refuse: func(id string, s Status) string {
			return fmt.Sprintf("container %s is running or paused, cannot restore", id)
		},
	},
	VerbExec: {
		does: []Status{StatusRunning},
		refuse: func(id string, s Status) string {
			return "can only create exec sessions on running containers" // Podman's words
		},
	},
}

// Allows reports whether v may run on a container in state s, doing its
// work or nothing; with force, also the states where v needs force. It is
// what `VERB --all` selects: `pause -a` the running containers, `unpause -a`
// the paused ones, `stop -a` and `rm -a` every one.
func (s Status) Allows(v Verb, force bool) bool {
	p := preconditions[v]
	return slices.Contains(p.does, s) || slices.Contains(p.noop, s) || (force && slices.Contains(p.force, s))
}

// checkVerb decides what v does on a container (named by its ID, as Podman
// words these errors) in state s: its work (true, nil), nothing (false,
// nil), or an errdefs.ErrConflict in Podman's words.
func checkVerb(v Verb, id string, s Status, force bool) (bool, error) {
	p, ok := preconditions[v]
	switch {
	case !ok:
		return false, fmt.Errorf("no precondition for verb %q: %w", v, errdefs.ErrInvalidArgument)
	case slices.Contains(p.does, s), force && slices.Contains(p.force, s):
		return true, nil
	case slices.Contains(p.noop, s):
		return false, nil
	}
	return false, fmt.Errorf("%s: %w", p.refuse(id, Status(s.PodmanState())), errdefs.ErrConflict)
}

// PodmanState is the state word Podman shows for s in inspect, ps, filters
// and error messages (its ContainerStatus.String()): a container created but
// not in its runtime is "created", one created in its runtime but not
// started (`init`) "initialized", a stopped one "exited".
func (s Status) PodmanState() string {
	switch s {
	case StatusConfigured:
		return string(StatusCreated)
	case StatusCreated:
		return "initialized"
	case StatusStopped:
		return string(StatusExited)
	}
	return string(s)
}

// Verbs lists the verbs of the precondition table.
func Verbs() []Verb {
	out := make([]Verb, 0, len(preconditions))
	for v := range preconditions {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

package libpod

import (
	"fmt"

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

// PodmanName is the state as Podman names it in inspect and ps: a
// container created but not in its runtime is "created", one created in its
// runtime but not started (`init`) is "initialized".
func (s Status) PodmanName() string {
	switch s {
	case StatusConfigured:
		return "created"
	case StatusCreated:
		return "initialized"
	}
	return string(s)
}

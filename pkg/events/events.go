// Package events owns pod's event log: the event record in Podman 4.3.1's
// shape (types, statuses, attributes, the JSON line and the human line), the
// backends that keep it (file, journald, none), and filtering for `pod
// events`. libpod writes through the small Writer interface, one call per
// lifecycle step; nothing else in pod knows how events are stored.
package events

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Type is what an event is about.
type Type string

// The event types Podman knows.
const (
	Container Type = "container"
	Image     Type = "image"
	Pod       Type = "pod"
	System    Type = "system"
	Volume    Type = "volume"
	Network   Type = "network"
)

// Status is what happened.
type Status string

// The statuses of Podman 4.3.1 that pod writes.
const (
	Attach       Status = "attach"
	Checkpoint   Status = "checkpoint"
	Cleanup      Status = "cleanup"
	Commit       Status = "commit"
	Connect      Status = "connect" // network connect (Type Network)
	Create       Status = "create"
	Disconnect   Status = "disconnect" // network disconnect (Type Network)
	Exec         Status = "exec"
	ExecDied     Status = "exec_died"
	Exited       Status = "died"
	Export       Status = "export"
	HealthStatus Status = "health_status"
	Import       Status = "import"
	Init         Status = "init"
	Kill         Status = "kill"
	LoadFromArch Status = "loadfromarchive"
	Mount        Status = "mount"
	Pause        Status = "pause"
	Prune        Status = "prune"
	Pull         Status = "pull"
	Push         Status = "push"
	Remove       Status = "remove"
	Rename       Status = "rename"
	Restart      Status = "restart"
	Restore      Status = "restore"
	Save         Status = "save"
	Start        Status = "start"
	Stop         Status = "stop"
	Sync         Status = "sync"
	Tag          Status = "tag"
	Unmount      Status = "unmount"
	Unpause      Status = "unpause"
	Untag        Status = "untag"
	Rotate       Status = "log-rotation"
)

// Event is one record, with Podman's JSON field names so the file backend's
// lines and `--format json` read like Podman's.
type Event struct {
	// ContainerExitCode is the exit code of a died or exec_died event.
	ContainerExitCode int    `json:",omitempty"`
	ID                string `json:",omitempty"`
	Image             string `json:",omitempty"`
	Name              string `json:",omitempty"`
	Network           string `json:"network,omitempty"`
	Status            Status
	Time              time.Time
	Type              Type
	HealthStatus      string `json:"health_status,omitempty"`
	Details
}

// Details are the extra attributes of an event: a container's labels, the
// exec session's ID.
type Details struct {
	PodID      string            `json:",omitempty"`
	Attributes map[string]string `json:",omitempty"`
}

// Writer records events. libpod holds one; the backends implement it.
type Writer interface {
	Write(e Event) error
}

// ToJSON is the event as one line of JSON (no newline).
func (e *Event) ToJSON() ([]byte, error) { return json.Marshal(e) }

// ToHumanReadable is Podman's default output line. Attributes are sorted
// (Podman prints them in map order, which is random).
func (e *Event) ToHumanReadable(truncate bool) string {
	id := e.ID
	if truncate && len(id) > 12 {
		id = id[:12]
	}
	switch e.Type {
	case Container, Pod:
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s %s %s (image=%s, name=%s", e.Time, e.Type, e.Status, id, e.Image, e.Name)
		if e.PodID != "" {
			fmt.Fprintf(&b, ", pod_id=%s", e.PodID)
		}
		if e.HealthStatus != "" {
			fmt.Fprintf(&b, ", health_status=%s", e.HealthStatus)
		}
		for _, k := range sortedKeys(e.Attributes) {
			fmt.Fprintf(&b, ", %s=%s", k, e.Attributes[k])
		}
		b.WriteString(")")
		return b.String()
	case Image:
		return fmt.Sprintf("%s %s %s %s %s", e.Time, e.Type, e.Status, id, e.Name)
	case Network:
		return fmt.Sprintf("%s %s %s %s (container=%s, name=%s)", e.Time, e.Type, e.Status, id, id, e.Network)
	case System:
		if e.Status == Rotate {
			return fmt.Sprintf("%s %s %s %s", e.Time, e.Type, e.Status, e.Name)
		}
		return fmt.Sprintf("%s %s %s", e.Time, e.Type, e.Status)
	case Volume:
		return fmt.Sprintf("%s %s %s %s", e.Time, e.Type, e.Status, e.Name)
	}
	return fmt.Sprintf("%s %s %s %s %s", e.Time, e.Type, e.Status, id, e.Name)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ParseStatus checks an event status given by the user (--filter event=).
func ParseStatus(s string) (Status, error) {
	st := Status(strings.ToLower(s))
	switch st {
	case Attach, Checkpoint, Cleanup, Commit, Create, Exec, ExecDied, Exited, Export, HealthStatus,
		Import, Init, Kill, LoadFromArch, Mount, Pause, Prune, Pull, Push, Remove, Rename, Restart,
		Restore, Save, Start, Stop, Sync, Tag, Unmount, Unpause, Untag, Rotate:
		return st, nil
	case "exited":
		return Exited, nil
	}
	return "", fmt.Errorf("unknown event status %q", s)
}

// ParseType checks an event type given by the user (--filter type=).
func ParseType(s string) (Type, error) {
	t := Type(strings.ToLower(s))
	switch t {
	case Container, Image, Pod, System, Volume, Network:
		return t, nil
	}
	return "", fmt.Errorf("unknown event type %q", s)
}

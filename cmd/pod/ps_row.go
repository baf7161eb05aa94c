package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	units "github.com/docker/go-units"
	"github.com/sirupsen/logrus"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/ctrfilter"
	"github.com/pod-engine/pod/pkg/imagestore"
)

// psRow is one container as `ps --format json` prints it: Podman's keys in
// Podman's order.
type psRow struct {
	AutoRemove bool                 `json:"AutoRemove"`
	Command    []string             `json:"Command"`
	CreatedAt  string               `json:"CreatedAt"` // "3 minutes ago"
	Exited     bool                 `json:"Exited"`
	ExitedAt   int64                `json:"ExitedAt"`
	ExitCode   int                  `json:"ExitCode"`
	ID         string               `json:"Id"`
	Image      string               `json:"Image"`
	ImageID    string               `json:"ImageID"`
	IsInfra    bool                 `json:"IsInfra"`
	Labels     map[string]string    `json:"Labels"`
	Mounts     []string             `json:"Mounts"`
	Names      []string             `json:"Names"`
	Namespaces psNamespaces         `json:"Namespaces"`
	Networks   []string             `json:"Networks"`
	Pid        int                  `json:"Pid"`
	Pod        string               `json:"Pod"`
	PodName    string               `json:"PodName"`
	Ports      []libpod.PortMapping `json:"Ports"`
	Size       *psSize              `json:"Size"`
	StartedAt  int64                `json:"StartedAt"`
	State      string               `json:"State"`  // running, exited, storage…
	Status     string               `json:"Status"` // "Up 3 minutes ago"
	Created    int64                `json:"Created"`

	created  time.Time
	runtime  string
	restarts int
	health   string
	external bool
}

// psNamespaces are the inode numbers `ps --ns` shows.
type psNamespaces struct {
	MNT    string `json:"Mnt,omitempty"`
	Cgroup string `json:"Cgroup,omitempty"`
	IPC    string `json:"Ipc,omitempty"`
	NET    string `json:"Net,omitempty"`
	PIDNS  string `json:"Pidns,omitempty"`
	UTS    string `json:"Uts,omitempty"`
	User   string `json:"User,omitempty"`
}

// psSize is `ps --size`: the writable layer and the image below it.
type psSize struct {
	RootFsSize int64 `json:"rootFsSize"`
	RwSize     int64 `json:"rwSize"`
}

func newPsRow(c *libpod.Container, o *psOptions) psRow {
	cfg, st := c.Config(), c.State()
	r := psRow{
		AutoRemove: cfg.Remove,
		Command:    cfg.Command,
		ID:         cfg.ID,
		Image:      cfg.ImageName,
		ImageID:    cfg.ImageID,
		Labels:     cfg.Spec.Labels,
		Mounts:     []string{},
		Names:      []string{cfg.Name},
		Networks:   []string{},
		State:      st.Status.PodmanState(),
		Created:    cfg.Created.Unix(),
		CreatedAt:  humanAgo(cfg.Created),
		ExitCode:   st.ExitCode,
		StartedAt:  st.StartedAt.Unix(),
		ExitedAt:   st.FinishedAt.Unix(),
		created:    cfg.Created,
		runtime:    cfg.Runtime.Name,
		restarts:   st.RestartCount,
	}
	if r.Image == "" {
		r.Image = cfg.Image
	}
	if cfg.Spec.Rootfs != "" {
		r.Image = cfg.Spec.Rootfs
	}
	r.Ports = cfg.PortMappings
	if r.Ports == nil {
		r.Ports = []libpod.PortMapping{}
	}
	r.Networks = c.NetworkNames()
	for _, m := range c.UserMounts() {
		r.Mounts = append(r.Mounts, m.Destination)
	}
	r.Exited = r.State == string(libpod.StatusExited)
	if st.Status == libpod.StatusRunning || st.Status == libpod.StatusPaused || st.Status == libpod.StatusStopping {
		r.Pid = st.Task.Pid
	}
	if o.ns {
		ns := c.Namespaces()
		r.Namespaces = psNamespaces{MNT: ns["mnt"], Cgroup: ns["cgroup"], IPC: ns["ipc"], NET: ns["net"],
			PIDNS: ns["pid"], UTS: ns["uts"], User: ns["user"]}
	}
	if o.size {
		if rw, root, err := c.Sizes(); err == nil {
			r.Size = &psSize{RootFsSize: root, RwSize: rw}
		} else {
			logrus.Warnf("container %s: cannot measure its size: %v", cfg.Name, err)
		}
	}
	r.Status = r.human()
	return r
}

// newExternalRow is a container of the store that pod did not make, as
// Podman lists one: state "storage", command "buildah" for Buildah's.
func newExternalRow(sc imagestore.StorageContainer) psRow {
	r := psRow{
		ID:        sc.ID,
		Names:     []string{"unknown"},
		ImageID:   sc.ImageID,
		Image:     sc.ImageName,
		Command:   []string{"storage"},
		State:     "storage",
		Created:   sc.Created.Unix(),
		CreatedAt: humanAgo(sc.Created),
		created:   sc.Created,
		external:  true,
	}
	if len(sc.Names) > 0 {
		r.Names = []string{sc.Names[0]}
	}
	if sc.Buildah {
		r.Command = []string{"buildah"}
		if sc.ImageID == "" {
			r.Image = "scratch"
		}
	}
	r.Status = r.human()
	return r
}

// filterView is what --filter sees of an external container.
func (r psRow) filterView() *ctrfilter.Container {
	return &ctrfilter.Container{ID: r.ID, Names: r.Names, Labels: r.Labels, State: r.State,
		ImageID: r.ImageID, ImageName: r.Image, Created: r.created}
}

// human is Podman's STATUS: "Up 3 minutes ago", "Exited (0) 2 seconds ago",
// else the state with a capital letter.
func (r psRow) human() string {
	switch r.State {
	case "running":
		return "Up " + units.HumanDuration(time.Since(time.Unix(r.StartedAt, 0))) + " ago"
	case "exited", "stopped":
		return fmt.Sprintf("Exited (%d) %s ago", r.ExitCode, units.HumanDuration(time.Since(time.Unix(r.ExitedAt, 0))))
	case "":
		return ""
	}
	return strings.ToUpper(r.State[:1]) + r.State[1:]
}

func humanAgo(t time.Time) string { return units.HumanDuration(time.Since(t)) + " ago" }

// psReporter is what --format templates see: the JSON fields plus
// Podman's computed ones (methods win over the fields they shadow).
type psReporter struct {
	psRow
	noTrunc bool
}

// ID is the short ID unless --no-trunc.
func (v psReporter) ID() string { return shortID(v.psRow.ID, v.noTrunc) }

// ImageID is the short image ID unless --no-trunc.
func (v psReporter) ImageID() string { return shortID(v.psRow.ImageID, v.noTrunc) }

// Command is the command line, cut to 17 characters unless --no-trunc.
func (v psReporter) Command() string {
	cmd := strings.Join(v.psRow.Command, " ")
	if !v.noTrunc && len(cmd) > 17 {
		return cmd[:17] + "..."
	}
	return cmd
}

// Names joins the container's names with commas.
func (v psReporter) Names() string { return strings.Join(v.psRow.Names, ",") }

// Networks joins the network names with commas.
func (v psReporter) Networks() string { return strings.Join(v.psRow.Networks, ",") }

// Ports is Podman's PORTS column: "127.0.0.1:8080->80/tcp, 0.0.0.0:9000-9001->90-91/udp".
func (v psReporter) Ports() string {
	out := make([]string, 0, len(v.psRow.Ports))
	for _, m := range v.psRow.Ports {
		out = append(out, m.String())
	}
	return strings.Join(out, ", ")
}

// CreatedAt is the creation time as Go prints a time.
func (v psReporter) CreatedAt() string { return v.created.String() }

// Created is the creation time as Go prints a time.
func (v psReporter) Created() string { return v.created.String() }

// CreatedHuman is how long ago the container was created.
func (v psReporter) CreatedHuman() string { return humanAgo(v.created) }

// RunningFor is how long ago the container was created.
func (v psReporter) RunningFor() string { return humanAgo(v.created) }

// State is the human status, as Podman's template shows it.
func (v psReporter) State() string { return v.human() }

// Status is the human status with the health in parentheses when known.
func (v psReporter) Status() string {
	if v.health != "" {
		return v.human() + " (" + v.health + ")"
	}
	return v.human()
}

// Size is "RW (virtual ROOTFS)" with --size, else empty.
func (v psReporter) Size() string {
	if v.psRow.Size == nil {
		return ""
	}
	return fmt.Sprintf("%s (virtual %s)", units.HumanSizeWithPrecision(float64(v.psRow.Size.RwSize), 3),
		units.HumanSizeWithPrecision(float64(v.psRow.Size.RootFsSize), 3))
}

// Label returns one label's value, for {{.Label "key"}}.
func (v psReporter) Label(k string) string { return v.Labels[k] }

// Runtime is the OCI runtime the container was created with (pod's own field).
func (v psReporter) Runtime() string { return v.runtime }

// Restarts is how often the container was restarted.
func (v psReporter) Restarts() int { return v.restarts }

// Namespace inode numbers, for --ns and {{.Namespaces.X}}.
func (v psReporter) Cgroup() string { return v.Namespaces.Cgroup }
func (v psReporter) IPC() string    { return v.Namespaces.IPC }
func (v psReporter) MNT() string    { return v.Namespaces.MNT }
func (v psReporter) NET() string    { return v.Namespaces.NET }
func (v psReporter) PIDNS() string  { return v.Namespaces.PIDNS }
func (v psReporter) User() string   { return v.Namespaces.User }
func (v psReporter) UTS() string    { return v.Namespaces.UTS }

// sortPs orders rows by one of psSortKeys, keeping the creation order
// among equals.
func sortPs(rows []psRow, by string) {
	key := map[string]func(a, b psRow) bool{
		"created":    func(a, b psRow) bool { return a.created.Before(b.created) },
		"runningfor": func(a, b psRow) bool { return a.StartedAt < b.StartedAt },
		"id":         func(a, b psRow) bool { return a.ID < b.ID },
		"image":      func(a, b psRow) bool { return a.Image < b.Image },
		"names":      func(a, b psRow) bool { return a.Names[0] < b.Names[0] },
		"command":    func(a, b psRow) bool { return strings.Join(a.Command, " ") < strings.Join(b.Command, " ") },
		"status":     func(a, b psRow) bool { return a.State < b.State },
		"size":       func(a, b psRow) bool { return rootFsSize(a) < rootFsSize(b) },
	}[by]
	if key == nil {
		return
	}
	sort.SliceStable(rows, func(i, j int) bool { return key(rows[i], rows[j]) })
}

func rootFsSize(r psRow) int64 {
	if r.Size == nil {
		return 0
	}
	return r.Size.RootFsSize
}

// choiceValue is a flag that takes one of a fixed list of words
// (Podman's "choice" flags, such as ps --sort).
type choiceValue struct {
	value   *string
	choices []string
}

func (c *choiceValue) String() string { return *c.value }
func (c *choiceValue) Type() string   { return "choice" }
func (c *choiceValue) Set(s string) error {
	if !slices.Contains(c.choices, s) {
		return fmt.Errorf("%q is not a valid value.  Choose from: %q", s, strings.Join(c.choices, ", "))
	}
	*c.value = s
	return nil
}

// logErrorf logs as Podman does for problems that do not stop a command.
func logErrorf(format string, args ...any) { logrus.Errorf(format, args...) }

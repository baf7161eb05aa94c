// Package autoupdate implements `pod auto-update`, Podman's image updates
// for containers that systemd units run: a container labelled
// io.containers.autoupdate=registry|image|local whose PODMAN_SYSTEMD_UNIT
// label names its unit gets its unit restarted when its image changed (a new
// digest in the registry, pulled first; or a new local image under the
// same name), and with rollback the previous image is tagged back and the
// unit restarted again when the restart fails.
//
// The package decides; the caller gives it the containers and two small
// interfaces: Images (the store and registry, through pod-image, since pod
// does not link the image stack) and Units (systemd over D-Bus: package
// sdunits, on go-systemd's dbus package).
package autoupdate

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Labels Podman defines.
const (
	LabelPolicy = "io.containers.autoupdate"
	LabelUnit   = "PODMAN_SYSTEMD_UNIT"
)

// Policies.
const (
	Registry = "registry"
	Local    = "local"
)

// Updated values of a report, as Podman prints them.
const (
	Updated    = "true"
	NotUpdated = "false"
	Pending    = "pending"
	Failed     = "failed"
	RolledBack = "rolled back"
)

// Container is a running container that may take part.
type Container struct {
	ID, Name string
	Image    string // the image name as the user gave it at create
	ImageID  string // the image it runs
	Labels   map[string]string
}

// Images is what auto-update needs of the image store and registries.
type Images interface {
	// LocalID is the ID of the local image of that name.
	LocalID(ctx context.Context, name string) (string, error)
	// RemoteDiffers tells whether the registry's image of that name has
	// another digest than the local one.
	RemoteDiffers(ctx context.Context, name string) (bool, error)
	// Pull pulls name and returns the new image's ID.
	Pull(ctx context.Context, name string) (string, error)
	// Tag gives image id the name again (rollback).
	Tag(ctx context.Context, id, name string) error
}

// ErrNoManager is a restart that could not reach systemd at all: nothing
// was restarted, so there is nothing to roll back.
var ErrNoManager = errors.New("cannot connect to systemd (does it run as the service manager here?)")

// Units restarts systemd units (pkg/autoupdate/sdunits over D-Bus).
type Units interface {
	Restart(ctx context.Context, unit string) error
}

// Options are the flags.
type Options struct {
	DryRun   bool // report what would be updated ("pending"), change nothing
	Rollback bool // on a failed restart, the previous image and a second restart
}

// Report is one container's line.
type Report struct {
	Unit          string
	Container     string // "ID[:12] (name)"
	ContainerID   string
	ContainerName string
	Image         string
	Policy        string
	Updated       string
}

// task is one container that takes part, with its policy and unit.
type task struct {
	c      Container
	policy string
	unit   string
}

// policyOf reads a container's policy label: "" when it does not take part.
func policyOf(c Container) (string, error) {
	switch p := c.Labels[LabelPolicy]; p {
	case "", "disabled":
		return "", nil
	case Registry, "image":
		return Registry, nil
	case Local:
		return Local, nil
	default:
		return "", fmt.Errorf("auto-updating container %q: invalid auto-update policy %q (label %s): use registry, image or local", c.ID, p, LabelPolicy)
	}
}

// Run updates the containers (running ones, as Podman) by their policy and
// returns a report per taking part container, sorted by unit, and the
// errors of those that could not be checked or updated.
func Run(ctx context.Context, ctrs []Container, img Images, units Units, o Options) ([]Report, []error) {
	var errs []error
	var tasks []task
	for _, c := range ctrs {
		p, err := policyOf(c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if p == "" {
			continue
		}
		unit := c.Labels[LabelUnit]
		if unit == "" {
			errs = append(errs, fmt.Errorf("auto-updating container %q: no %s label found: the container must run in a systemd unit (pod generate systemd --new, or pod-quadlet)", c.ID, LabelUnit))
			continue
		}
		if p == Registry && !qualified(c.Image) {
			errs = append(errs, fmt.Errorf("auto-updating container %q: image name %q is not a fully-qualified image reference: the registry policy needs one (registry/repository:tag)", c.ID, c.Image))
			continue
		}
		tasks = append(tasks, task{c: c, policy: p, unit: unit})
	}
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].unit < tasks[j].unit })

	// Decide per container whether its image changed; a registry image is
	// checked and pulled once for all its containers.
	changed := map[int]bool{}
	pulled := map[string]bool{}
	checked := map[string]bool{}
	for i, t := range tasks {
		switch t.policy {
		case Registry:
			differs, seen := checked[t.c.Image]
			if !seen {
				d, err := img.RemoteDiffers(ctx, t.c.Image)
				if err != nil {
					errs = append(errs, fmt.Errorf("auto-updating container %q: checking image %s in its registry: %w", t.c.ID, t.c.Image, err))
					tasks[i].policy = "" // reported as failed below
					continue
				}
				checked[t.c.Image], differs = d, d
			}
			if differs && !o.DryRun && !pulled[t.c.Image] {
				if _, err := img.Pull(ctx, t.c.Image); err != nil {
					errs = append(errs, fmt.Errorf("auto-updating container %q: pulling image %s: %w", t.c.ID, t.c.Image, err))
					tasks[i].policy = ""
					continue
				}
				pulled[t.c.Image] = true
			}
			changed[i] = differs
		case Local:
			id, err := img.LocalID(ctx, t.c.Image)
			if err != nil {
				errs = append(errs, fmt.Errorf("auto-updating container %q: looking up image %s: %w", t.c.ID, t.c.Image, err))
				tasks[i].policy = ""
				continue
			}
			changed[i] = id != t.c.ImageID
		}
	}

	// Restart each unit with a changed container once.
	result := map[string]string{} // unit -> Updated value
	for i, t := range tasks {
		if t.policy == "" || !changed[i] {
			continue
		}
		if _, done := result[t.unit]; done {
			continue
		}
		if o.DryRun {
			result[t.unit] = Pending
			continue
		}
		err := units.Restart(ctx, t.unit)
		if err == nil {
			result[t.unit] = Updated
			continue
		}
		errs = append(errs, fmt.Errorf("auto-updating container %q: restarting unit %s: %w", t.c.ID, t.unit, err))
		result[t.unit] = Failed
		if !o.Rollback || errors.Is(err, ErrNoManager) {
			continue
		}
		if err := img.Tag(ctx, t.c.ImageID, t.c.Image); err != nil {
			errs = append(errs, fmt.Errorf("auto-updating container %q: rolling back image %s to %s: %w", t.c.ID, t.c.Image, short(t.c.ImageID), err))
			continue
		}
		if err := units.Restart(ctx, t.unit); err != nil {
			errs = append(errs, fmt.Errorf("auto-updating container %q: restarting unit %s after the rollback: %w", t.c.ID, t.unit, err))
			continue
		}
		result[t.unit] = RolledBack
	}

	reports := make([]Report, 0, len(tasks))
	for i, t := range tasks {
		r := Report{Unit: t.unit, Container: short(t.c.ID) + " (" + t.c.Name + ")", ContainerID: t.c.ID,
			ContainerName: t.c.Name, Image: t.c.Image, Policy: t.policy, Updated: NotUpdated}
		switch {
		case t.policy == "":
			r.Policy, r.Updated = policyLabel(t.c), Failed
		case changed[i]:
			r.Updated = result[t.unit]
		}
		reports = append(reports, r)
	}
	return reports, errs
}

func policyLabel(c Container) string {
	if p, _ := policyOf(c); p != "" {
		return p
	}
	return c.Labels[LabelPolicy]
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// qualified tells whether an image name names its registry (a first
// component with a dot or a port, or localhost), as the registry policy
// needs; a digest-pinned name never changes, so it is not one either.
func qualified(name string) bool {
	if strings.Contains(name, "@") {
		return false
	}
	first, _, ok := strings.Cut(name, "/")
	return ok && (strings.ContainsAny(first, ".:") || first == "localhost")
}

// Errors joins the errors of a run for the CLI.
func Errors(errs []error) error { return errors.Join(errs...) }

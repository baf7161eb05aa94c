package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/pods"
)

// ContainerCloneOptions are the settings of `container clone` (and of each
// member `pod pod clone` copies): the new container is created from the
// options the original was created with (ContainerConfig.CreateOptions).
type ContainerCloneOptions struct {
	Name    string // the clone's name; "" = NAME-clone, NAME-clone1… as Podman
	Image   string // another image ("" = the original's)
	Pod     string // the pod the clone joins ("" = the original's)
	Destroy bool   // remove the original once the clone exists
	Force   bool   // with Destroy: stop a running original first
	// Edit applies the caller's overrides (the resource flags of
	// `container clone`) to the options before the clone is created.
	Edit func(*CreateOptions) error
}

// CloneContainer creates a copy of src from the options src was created
// with (the pod, image and defaults applied again, so the copy is what
// the same command line gives now). Nothing is left of the clone on an
// error; the original is removed only once the clone exists.
func (r *Runtime) CloneContainer(ctx context.Context, src *Container, o ContainerCloneOptions) (*Container, error) {
	if src.config.Infra {
		return nil, fmt.Errorf("container %s is the infra container of pod %s: clone the pod (pod pod clone) instead: %w", src.config.Name, src.config.Pod, errdefs.ErrInvalidArgument)
	}
	if o.Destroy && !o.Force && (src.Status() == StatusRunning || src.Status() == StatusPaused) {
		return nil, fmt.Errorf("cannot remove container %s as it is running - running or paused containers cannot be removed without force: add --force to clone and remove it: %w", src.config.ID, errdefs.ErrConflict)
	}
	// CreateContainer changes the options it is given, so each try starts
	// from the record again; a name picked here can be taken by a
	// parallel clone before it is stored: then the next free one is tried.
	var c *Container
	for try := 0; ; try++ {
		co, err := r.cloneOptions(src, o)
		if err != nil {
			return nil, err
		}
		if c, err = r.CreateContainer(ctx, co); err == nil {
			break
		}
		if !errors.Is(err, errdefs.ErrAlreadyExists) || o.Name != "" || try >= 8 {
			return nil, err
		}
	}
	if o.Destroy {
		if err := src.Remove(ctx, RemoveOptions{Force: o.Force}); err != nil {
			return c, fmt.Errorf("container %s cloned as %s, but removing the original: %w", src.config.Name, c.config.Name, err)
		}
	}
	return c, nil
}

// cloneOptions are the options of a clone of src: its recorded ones with
// the clone's name, image, pod and the caller's edits.
func (r *Runtime) cloneOptions(src *Container, o ContainerCloneOptions) (*CreateOptions, error) {
	co, err := src.createOptions()
	if err != nil {
		return nil, err
	}
	if co.Spec.Name, err = r.cloneName(o.Name, src.config.Name, r.containerNameTaken); err != nil {
		return nil, err
	}
	if o.Image != "" {
		co.Image, co.Spec.Rootfs = o.Image, ""
	}
	if o.Pod != "" && o.Pod != co.Pod {
		co.Pod = o.Pod
		if err := r.resetPodNamespaces(co); err != nil {
			return nil, err
		}
	}
	if o.Edit != nil {
		if err := o.Edit(co); err != nil {
			return nil, err
		}
	}
	return co, nil
}

// createOptions are the options c was created with, less what belongs to
// that one creation: its ID file, the --replace of its name, the caller's
// inherited file descriptors and its command line.
func (c *Container) createOptions() (*CreateOptions, error) {
	if len(c.config.CreateOptions) == 0 {
		return nil, fmt.Errorf("container %s was created by a pod that did not record its options, so it cannot be cloned: create it again: %w", c.config.Name, errdefs.ErrNotImplemented)
	}
	var co CreateOptions
	if err := json.Unmarshal(c.config.CreateOptions, &co); err != nil {
		return nil, fmt.Errorf("container %s: corrupt create options in the state database: %w", c.config.Name, err)
	}
	co.CIDFile, co.Replace, co.CreateCommand = "", false, nil
	co.Listen, co.PreserveFDs = ListenFDs{}, 0
	return &co, nil
}

// resetPodNamespaces drops the namespace and network settings a clone moved
// into another pod takes from that pod, with Podman's warnings.
func (r *Runtime) resetPodNamespaces(co *CreateOptions) error {
	p, err := r.LookupPod(co.Pod)
	if err != nil {
		return err
	}
	s := &co.Spec
	reset := false
	for _, ns := range []struct {
		name string
		val  *string
	}{{pods.NSNet, &s.Network}, {pods.NSIPC, &s.IPC}, {pods.NSUTS, &s.UTS}, {pods.NSPID, &s.PID}} {
		if *ns.val != "" && pods.Shares(p.config.Share, ns.name) {
			if ns.name == pods.NSNet {
				r.warnf("resetting network config, cannot specify a network other than the pod's when sharing the net namespace")
			}
			*ns.val, reset = "", true
		}
	}
	if pods.Shares(p.config.Share, pods.NSNet) {
		co.Net, s.AddHosts = NetworkFlags{}, nil
	}
	if s.Hostname != "" && pods.Shares(p.config.Share, pods.NSUTS) {
		s.Hostname, reset = "", true
	}
	if reset {
		r.warnf("At least one namespace was reset to the default configuration")
	}
	return nil
}

// cloneSuffix is a name's "-clone" or "-cloneN" ending.
var cloneSuffix = regexp.MustCompile(`-clone[0-9]*$`)

// maxCloneNames bounds the search for a free NAME-cloneN.
const maxCloneNames = 10000

// cloneName is the clone's name: the one given (which must be free), else
// Podman's NAME-clone, then NAME-clone1, NAME-clone2… (a clone of a clone
// counts on from the original's name).
func (r *Runtime) cloneName(given, orig string, taken func(string) (bool, error)) (string, error) {
	if given != "" {
		return given, nil // create refuses a taken name with its own message
	}
	base := cloneSuffix.ReplaceAllString(orig, "") + "-clone"
	for i := 0; i < maxCloneNames; i++ {
		n := base
		if i > 0 {
			n += strconv.Itoa(i)
		}
		if len(n) > 253 {
			break
		}
		t, err := taken(n)
		if err != nil {
			return "", err
		}
		if !t {
			return n, nil
		}
	}
	return "", fmt.Errorf("no free name for a clone of %s: give one with --name: %w", orig, errdefs.ErrAlreadyExists)
}

// containerNameTaken reports whether a container has that name.
func (r *Runtime) containerNameTaken(name string) (bool, error) {
	db, err := r.state()
	if err != nil {
		return false, err
	}
	return db.NameTaken(name)
}

// podNameTaken reports whether a pod has that name.
func (r *Runtime) podNameTaken(name string) (bool, error) {
	db, err := r.state()
	if err != nil {
		return false, err
	}
	_, err = db.LookupPodID(name)
	if errors.Is(err, errdefs.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

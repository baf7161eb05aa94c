package libpod

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// PodCloneOptions are the settings of `pod pod clone`.
type PodCloneOptions struct {
	Name    string // the new pod's name; "" = NAME-clone, NAME-clone1… as Podman
	Destroy bool   // remove the original pod (forced) once the clone exists
	Start   bool   // start the new pod
	// Edit applies the caller's overrides (the pod create flags clone
	// takes) to the original's create options.
	Edit func(*PodCreateOptions) error
}

// ClonePod creates a copy of src from the options it was created with
// (infra settings, shared namespaces, resource limits, labels, /etc files,
// network) and a clone of each of its containers (CloneContainer) in the
// new pod. On an error nothing of the new pod is left; the original is
// removed only once the clone is complete.
func (r *Runtime) ClonePod(ctx context.Context, src *Pod, o PodCloneOptions) (_ *Pod, retErr error) {
	po, err := src.createOptions()
	if err != nil {
		return nil, err
	}
	if o.Name != "" {
		if taken, err := r.podNameTaken(o.Name); err != nil {
			return nil, err
		} else if taken {
			return nil, fmt.Errorf("adding pod to state: name %q is in use: %w", o.Name, errdefs.ErrPodExists)
		}
	}
	infraName := po.InfraName
	if src.config.InfraID != "" && infraName == "" {
		if infra, err := r.LookupContainer(src.config.InfraID); err == nil {
			infraName = infra.config.Name
		}
	}
	po.InfraName, po.CreateCommand = "", nil // a clone has no command line of its own, as Podman's
	if o.Edit != nil {
		if err := o.Edit(po); err != nil {
			return nil, err
		}
	}
	autoInfra := po.InfraName == "" && infraName != "" && po.Infra
	members, err := src.Containers()
	if err != nil {
		return nil, err
	}
	// Names picked here can be taken by a parallel clone before CreatePod
	// stores them: then the next free ones are tried (bounded).
	var p *Pod
	for try := 0; ; try++ {
		if po.Name, err = r.cloneName(o.Name, src.config.Name, r.podNameTaken); err != nil {
			return nil, err
		}
		if autoInfra {
			if po.InfraName, err = r.cloneName("", infraName, r.containerNameTaken); err != nil {
				return nil, err
			}
		}
		if p, err = r.CreatePod(ctx, po); err == nil {
			break
		}
		if !errors.Is(err, errdefs.ErrAlreadyExists) || (o.Name != "" && !autoInfra) || try >= 8 {
			return nil, err
		}
	}
	defer func() {
		if retErr != nil {
			if err := p.Remove(context.WithoutCancel(ctx), PodRemoveOptions{Force: true}); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
				r.warnf("removing the half-made clone %s: %v", p.config.Name, err)
			}
		}
	}()
	for _, c := range members {
		if c.config.Infra {
			continue // CreatePod made the new pod's infra
		}
		edit := func(co *CreateOptions) error { return src.moveEmptyDirs(p, co) }
		if _, err := r.CloneContainer(ctx, c, ContainerCloneOptions{Pod: p.config.ID, Edit: edit}); err != nil {
			return nil, fmt.Errorf("cloning container %s of pod %s: %w", c.config.Name, src.config.Name, err)
		}
	}
	if o.Destroy {
		if err := src.Remove(ctx, PodRemoveOptions{Force: true}); err != nil {
			return p, fmt.Errorf("pod %s cloned as %s, but removing the original: %w", src.config.Name, p.config.Name, err)
		}
	}
	if o.Start {
		if err := p.Start(ctx); err != nil {
			return p, fmt.Errorf("pod %s created, but starting it: %w", p.config.Name, err)
		}
	}
	return p, nil
}

// createOptions are the options p was created with, for a clone.
func (p *Pod) createOptions() (*PodCreateOptions, error) {
	c := p.config.CreateOptions
	if c == nil {
		return nil, fmt.Errorf("pod %s was created by a pod that did not record its options, so it cannot be cloned: create it again: %w", p.config.Name, errdefs.ErrNotImplemented)
	}
	po := *c
	po.Labels = maps.Clone(c.Labels)
	return &po, nil
}

// moveEmptyDirs points a cloned member's binds of src's emptyDir volumes
// (kube play: directories of the pod, removed with it) at the same
// volumes of the clone dst, new and empty as a new pod's are.
func (src *Pod) moveEmptyDirs(dst *Pod, co *CreateOptions) error {
	prefix := filepath.Join(src.dir(), "volumes") + "/"
	for i, v := range co.Spec.Volumes {
		rest, ok := strings.CutPrefix(v, prefix)
		if !ok {
			continue
		}
		end := strings.IndexAny(rest, "/:") // NAME ends at its subPath or the destination
		if end < 0 {
			end = len(rest)
		}
		dir, err := dst.EmptyDir(rest[:end])
		if err != nil {
			return err
		}
		co.Spec.Volumes[i] = dir + rest[end:]
	}
	return nil
}

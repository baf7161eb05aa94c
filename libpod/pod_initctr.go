package libpod

// Init containers of a pod (create --init-ctr, as Podman): members that run
// to completion, one after the other in creation order, when the pod
// starts, after its infra and before its other members. An "always" one
// runs at every pod start, a "once" one is removed after its first run.
// Starting a member on its own (pod start is not involved) does not run
// them.

import (
	"context"
	"fmt"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// The --init-ctr values.
const (
	InitCtrAlways = "always"
	InitCtrOnce   = "once"
)

// checkInitCtr refuses --init-ctr without a pod or with a value that is
// neither always nor once, in Podman's words.
func checkInitCtr(o *CreateOptions) error {
	if o.InitCtr == "" {
		return nil
	}
	if o.Pod == "" && o.pod == nil {
		return fmt.Errorf("must specify pod value with init-ctr: add --pod POD: %w", errdefs.ErrInvalidArgument)
	}
	if o.InitCtr != InitCtrAlways && o.InitCtr != InitCtrOnce {
		return fmt.Errorf("init-ctr value must be '%s' or '%s': %w", InitCtrAlways, InitCtrOnce, errdefs.ErrInvalidArgument)
	}
	return nil
}

// checkInitCtrPod refuses an init container for a pod with a running
// member: it could only run at the pod's next start.
func checkInitCtrPod(o *CreateOptions, p *Pod) error {
	if o.InitCtr == "" {
		return nil
	}
	ctrs, err := p.Containers()
	if err != nil {
		return err
	}
	for _, c := range ctrs {
		if c.state.Status == StatusRunning || c.state.Status == StatusPaused {
			return fmt.Errorf("cannot add init-ctr to a running pod: stop pod %s first: %w", p.config.Name, errdefs.ErrConflict)
		}
	}
	return nil
}

// InitCtr is the container's --init-ctr kind ("" = a regular container).
func (c *Container) InitCtr() string { return c.config.InitCtr }

// runInitContainers runs the pod's init containers ctrs in order, each to its
// end; a non-zero exit stops the pod's start. The pod's lock is held.
func (p *Pod) runInitContainers(ctx context.Context, ctrs []*Container) error {
	for _, c := range ctrs {
		if err := c.Start(ctx, nil); err != nil {
			return err
		}
		code, err := c.Wait(ctx)
		if err != nil {
			return err
		}
		if code != 0 {
			return fmt.Errorf("init container %s exited with code %d", c.config.ID, code)
		}
		if c.config.InitCtr == InitCtrOnce {
			if err := c.Remove(ctx, RemoveOptions{}); err != nil {
				return fmt.Errorf("failed to remove once init container %s: %w", c.config.ID, err)
			}
		}
	}
	return nil
}

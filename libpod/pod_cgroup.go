package libpod

import (
	"fmt"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/pods"
)

// podCgroupParent is the cgroup parent of the pod's members: the pod cgroup
// (cgroupfs) or the pod slice (systemd), below --cgroup-parent.
func (r *Runtime) podCgroupParent(id, parent string) (string, error) {
	if r.cfg.Engine.CgroupManager == "systemd" {
		s, err := pods.SystemdSlice(parent, id)
		if err != nil {
			return "", fmt.Errorf("%v: %w", err, errdefs.ErrInvalidArgument)
		}
		return s, nil
	}
	if parent != "" && parent[0] != '/' {
		return "", fmt.Errorf("--cgroup-parent %s: with the cgroupfs cgroup manager the parent must be an absolute path: %w", parent, errdefs.ErrInvalidArgument)
	}
	return pods.CgroupfsParent(parent, id), nil
}

// setupPodCgroup creates the pod cgroup with its limits (cgroupfs only:
// systemd creates the pod slice when the first member's scope lands in it).
func (r *Runtime) setupPodCgroup(p *Pod) error {
	if r.cfg.Engine.CgroupManager == "systemd" || p.config.NoShareParent {
		return nil
	}
	p.state.CgroupPath = p.config.CgroupParent
	if err := pods.CreateCgroupfs(p.state.CgroupPath, p.config.Resources); err != nil {
		return fmt.Errorf("pod %s: creating its cgroup: %w", p.config.Name, err)
	}
	return nil
}

func podLimits(cfg *PodConfig) (quota, period, mem int64, err error) {
	return specgen.PodLimits(cfg.CPUs, cfg.Memory)
}

package oci

import (
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/pod-engine/pod/pkg/ocirt"
)

// Capabilities implements ocirt.Driver: what pod knows of OCI runtimes
// under a conmon-protocol monitor (the monitor gives every one a terminal,
// logs and fd passing), their quirks (runsc, krun), containers.conf's
// runtime_supports_nocgroup, and the features document of the probe.
func (Driver) Capabilities(cfg *ocirt.Config, h ocirt.Handle, features json.RawMessage) ocirt.Caps {
	q := quirksFor(h.Path)
	base := filepath.Base(h.Path)
	c := ocirt.Caps{}
	c.Set(ocirt.CapTerminal, true, "kind", "")
	c.Set(ocirt.CapPause, true, "kind", "")
	c.Set(ocirt.CapLogJournald, true, "kind", "")
	c.Set(ocirt.CapLogPassthrough, true, "kind", "")
	c.Set(ocirt.CapNotifySocket, true, "kind", "")
	if strings.HasPrefix(base, "krun") {
		c.Set(ocirt.CapExec, false, "kind", "krun runs the container in a microVM that `runtime exec` does not enter")
	} else {
		c.Set(ocirt.CapExec, true, "kind", "")
	}
	switch {
	case ocirt.Declared(cfg.SupportsNoCgroups, h.Name):
		c.Set(ocirt.CapNoCgroups, true, "containers.conf runtime_supports_nocgroup", "")
	case q.runsc:
		c.Set(ocirt.CapNoCgroups, true, "kind", "runs with --ignore-cgroups")
	default:
		c.Set(ocirt.CapNoCgroups, false, "kind", "add it to runtime_supports_nocgroup in containers.conf if it does")
	}
	if q.crun {
		c.Set(ocirt.CapKeepGroups, true, "kind", "")
	} else {
		c.Set(ocirt.CapKeepGroups, false, "kind", "only crun honours the run.oci.keep_original_groups annotation")
	}
	if q.runsc {
		c.Set(ocirt.CapPod, false, "kind", "gVisor gives each container its own sandbox kernel, so joining the pod's ipc and uts namespaces by path shares nothing; use crun, runc or a shim for pods")
	} else {
		c.Set(ocirt.CapPod, true, "kind", "members join the infra container's namespaces by path")
	}
	if q.crun {
		c.Set(ocirt.CapPodUserNS, true, "kind", "crun joins the namespaces the user namespace does not own first")
	} else {
		c.Set(ocirt.CapPodUserNS, false, "kind", podUserNSNote)
	}
	if q.runsc {
		c.Set(ocirt.CapPreserveFDs, false, "kind", "runsc has no --preserve-fds")
	} else {
		c.Set(ocirt.CapPreserveFDs, true, "kind", "")
	}
	if q.runsc {
		c.Set(ocirt.CapRootless, true, "kind", "runs with --ignore-cgroups when the container has no cgroup (a rootless container on a cgroup v1 host)")
	} else {
		c.Set(ocirt.CapRootless, true, "kind", "")
	}
	if q.runsc {
		c.Set(ocirt.CapOverlayMounts, false, "kind", "gVisor ignores mounts of type overlay: pod mounts the overlay on the host and binds it")
		c.Set(ocirt.CapIDMappedMounts, false, "kind", "gVisor has no id-mapped mounts; use crun")
		c.Set(ocirt.CapCheckpoint, false, "kind", "gVisor checkpoints a whole sandbox in its own format, not with criu; use runc")
		c.Set(ocirt.CapUpdate, false, "kind", "runsc has no update command: the gVisor sandbox takes its limits when it is created; stop the container, update it and start it again")
	} else {
		c.Set(ocirt.CapOverlayMounts, true, "kind", "")
		c.Set(ocirt.CapUpdate, true, "kind", "")
	}
	if q.crun {
		// crun ≥ 1.4 maps a mount with the idmap option (mount_setattr);
		// 1.8 has no features command to say so
		c.Set(ocirt.CapIDMappedMounts, true, "kind", "")
	}
	if q.runsc {
		// gVisor filters system calls itself; whether it can map ids
		// follows from its release (the features pod derives from its
		// version, runsc_features.go), so the registry reads the probe
		// cache when a container asks for a user namespace.
		c.Set(ocirt.CapSeccomp, true, "kind", "")
	}
	c.ApplyFeatures(features)
	if v, told := c[ocirt.CapUserNS]; q.runsc && told && !v.Has {
		c.Set(ocirt.CapUserNS, false, v.Source, runscUserNSNote)
	}
	return c
}

// podUserNSNote says why a runtime other than crun cannot join a pod's user
// namespace with the pod's network namespace, and what to do.
const podUserNSNote = "runc joins a user namespace before any other, and then may not join the network namespace pod made in the host's: give the pod --network none (the runtime makes it inside the user namespace), or use crun"

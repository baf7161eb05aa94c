package shimv2

import (
	"encoding/json"

	"github.com/pod-engine/pod/pkg/ocirt"
)

// Capabilities implements ocirt.Driver: what a shim runs under pod-shim
// (exec, pause and terminals through the task API; k8s-file logs only; no
// fd passing, sd_notify or cgroup-less containers), and the OCI features
// the shim's -info reports for the runtime behind it.
func (Driver) Capabilities(cfg *ocirt.Config, h ocirt.Handle, features json.RawMessage) ocirt.Caps {
	c := ocirt.Caps{}
	for _, k := range []ocirt.Capability{ocirt.CapExec, ocirt.CapPause, ocirt.CapTerminal} {
		c.Set(k, true, "kind", "")
	}
	c.Set(ocirt.CapUpdate, true, "kind", "the task API's Update")
	c.Set(ocirt.CapNoCgroups, false, "kind", "a shim places its containers in cgroups itself")
	c.Set(ocirt.CapPreserveFDs, false, "kind", "the shim task API passes no file descriptors")
	c.Set(ocirt.CapNotifySocket, true, "kind", "")
	c.Set(ocirt.CapLogJournald, false, "kind", "use the k8s-file log driver")
	c.Set(ocirt.CapLogPassthrough, false, "kind", "the shim owns the container's stdio")
	c.Set(ocirt.CapKeepGroups, false, "kind", "only crun honours the run.oci.keep_original_groups annotation; a shim does not pass it on")
	c.Set(ocirt.CapRootless, false, "kind", "a shim keeps its socket under /run/containerd, which an ordinary user cannot write; use crun, runc or runsc")
	c.Set(ocirt.CapPod, true, "kind", "members join the infra container's namespaces by path, in the runtime behind the shim")
	c.Set(ocirt.CapPodUserNS, false, "kind", "the runc behind the shim joins a user namespace before any other, and then may not join the network namespace pod made in the host's: give the pod --network none")
	c.Set(ocirt.CapOverlayMounts, true, "kind", "the runtime behind the shim mounts it")
	c.Set(ocirt.CapIDMappedMounts, false, "kind", "the runc behind the shim (1.1) has no id-mapped mounts; use crun")
	c.ApplyFeatures(features)
	// after the features: the runc behind the shim may say it can
	c.Set(ocirt.CapCheckpoint, false, "kind", "pod does not drive the task API's checkpoint; use runc")
	return c
}

package ocirt

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Capability is one thing a runtime can do, or not.
type Capability string

// Capabilities pod knows. Kinds fill in the ones they can tell.
const (
	CapExec           Capability = "exec"             // run more processes in a running container
	CapPause          Capability = "pause"            // freeze and thaw
	CapTerminal       Capability = "terminal"         // give the process a pseudo-terminal
	CapNoCgroups      Capability = "cgroups-disabled" // run without a cgroup of its own (--cgroups=disabled)
	CapPreserveFDs    Capability = "preserve-fds"     // pass extra fds to the process (--preserve-fds)
	CapNotifySocket   Capability = "sdnotify"         // hand the container an sd_notify socket (--sdnotify=container)
	CapLogJournald    Capability = "log-journald"     // the journald log driver
	CapLogPassthrough Capability = "log-passthrough"  // the passthrough log driver
	CapUserNS         Capability = "userns"           // user namespaces
	CapIDMappedMounts Capability = "idmapped-mounts"  // idmapped mounts
	// CapOverlayMounts: the runtime mounts an OCI mount of type overlay
	// (-v SRC:DST:O); without it pod mounts the overlay on the host and
	// binds it.
	CapOverlayMounts Capability = "overlay-mounts"
	CapCgroupV1      Capability = "cgroup-v1"
	CapCgroupV2      Capability = "cgroup-v2"
	CapSeccomp       Capability = "seccomp"
	CapAppArmor      Capability = "apparmor"
	CapSELinux       Capability = "selinux"
	CapKeepGroups    Capability = "keep-groups" // keep the caller's supplementary groups (--group-add keep-groups)
	CapRootless      Capability = "rootless"    // run for an ordinary user inside its user namespace
	CapPod           Capability = "pod"         // join a pod: share another container's namespaces, given by path in the spec
	// CapPodUserNS: a user namespace of a pod's or the container's own,
	// together with a network namespace pod made outside it (a pod's, a
	// rootless user-mode network's): the runtime joins the namespaces the
	// user namespace does not own first.
	CapPodUserNS Capability = "pod-userns"
	// CapUpdate: change a created or running container's cgroup limits
	// (`runtime update --resources`, the task API's Update).
	CapUpdate Capability = "update"
	// CapCheckpoint: checkpoint a running container and restore it
	// (`runtime checkpoint`, `runtime restore` under the monitor, with criu).
	CapCheckpoint Capability = "checkpoint"
)

// KnownCapabilities lists every capability name, sorted.
func KnownCapabilities() []string {
	out := make([]string, 0, len(known))
	for _, c := range known {
		out = append(out, string(c))
	}
	sort.Strings(out)
	return out
}

// KnownCapability reports whether c is a capability pod knows.
func KnownCapability(c Capability) bool {
	for _, k := range known {
		if k == c {
			return true
		}
	}
	return false
}

var known = []Capability{CapExec, CapPause, CapTerminal, CapNoCgroups, CapPreserveFDs, CapNotifySocket,
	CapLogJournald, CapLogPassthrough, CapUserNS, CapIDMappedMounts, CapCgroupV1, CapCgroupV2,
	CapSeccomp, CapAppArmor, CapSELinux, CapKeepGroups, CapRootless, CapPod, CapPodUserNS, CapOverlayMounts, CapUpdate, CapCheckpoint}

// capsOf is a runtime's capability set: what its kind says, then what
// pod.conf declares for its name.
func (r *Registry) capsOf(d Driver, h Handle, features json.RawMessage) Caps {
	c := d.Capabilities(&r.cfg, h, features)
	for k, v := range r.cfg.Declared[h.Name] {
		c.Set(k, v, "pod.conf [capabilities."+h.Name+"]", "")
	}
	return c
}

// what says in a user's words what a capability is asked for by.
var what = map[Capability]string{
	CapExec:           "exec",
	CapPause:          "pause",
	CapTerminal:       "--tty",
	CapNoCgroups:      "--cgroups=disabled",
	CapPreserveFDs:    "--preserve-fds",
	CapNotifySocket:   "--sdnotify=container",
	CapLogJournald:    "the journald log driver",
	CapLogPassthrough: "the passthrough log driver",
	CapUserNS:         "a user namespace of the container's own (--userns, --uidmap, --gidmap, --subuidname, --subgidname)",
	CapIDMappedMounts: "the idmap mount option",
	CapKeepGroups:     "--group-add keep-groups",
	CapRootless:       "running as an ordinary user (rootless)",
	CapUpdate:         "update of a created or running container's resources (pod update)",
	CapCheckpoint:     "checkpoint/restore",
	CapPodUserNS:      "a user namespace of a pod's (pod create --userns, --uidmap…), a joined one (--userns ns:PATH) or, rootless, the container's own with the network namespace pod makes outside it",
}

// Cap is whether a runtime has one capability, and why pod thinks so.
type Cap struct {
	Has bool `json:"has" yaml:"has"`
	// Source is where pod learnt it: "kind" (what pod knows of the runtime),
	// "probe" (its features document), or the configuration file and key
	// that declared it.
	Source string `json:"source" yaml:"source"`
	// Note says how pod makes it work (an adaptation, e.g. a flag it adds)
	// or, when missing, how to declare it.
	Note string `json:"note,omitempty" yaml:"note,omitempty"`
}

// Caps is a runtime's capability set.
type Caps map[Capability]Cap

// Set records c.
func (cs Caps) Set(c Capability, has bool, source, note string) {
	cs[c] = Cap{Has: has, Source: source, Note: note}
}

// Names lists the capabilities the set has, sorted.
func (cs Caps) Names() []string {
	var out []string
	for c, v := range cs {
		if v.Has {
			out = append(out, string(c))
		}
	}
	sort.Strings(out)
	return out
}

// Features is the part of an OCI `features` document (runc features, crun
// features, a shim's -info) capabilities are read from.
type Features struct {
	OCIVersionMax string            `json:"ociVersionMax"`
	Annotations   map[string]string `json:"annotations"`
	Linux         *struct {
		Namespaces []string `json:"namespaces"`
		Cgroup     *struct {
			V1      *bool `json:"v1"`
			V2      *bool `json:"v2"`
			Systemd *bool `json:"systemd"`
		} `json:"cgroup"`
		Seccomp *struct {
			Enabled *bool `json:"enabled"`
		} `json:"seccomp"`
		Apparmor *struct {
			Enabled *bool `json:"enabled"`
		} `json:"apparmor"`
		Selinux *struct {
			Enabled *bool `json:"enabled"`
		} `json:"selinux"`
		MountExtensions *struct {
			IDMap *struct {
				Enabled *bool `json:"enabled"`
			} `json:"idmap"`
		} `json:"mountExtensions"`
	} `json:"linux"`
}

// AnnotationCheckpoint is the features annotation saying whether a runtime
// was built with checkpoint/restore (runc's; pod derives it for crun from
// the +CRIU build flag of its --version).
const AnnotationCheckpoint = "org.opencontainers.runc.checkpoint.enabled"

// ApplyFeatures records what an OCI features document says: namespaces
// (userns), cgroup v1/v2, seccomp, apparmor, selinux, idmapped mounts,
// checkpoint/restore (AnnotationCheckpoint).
// Fields the document leaves out leave the set unchanged.
func (cs Caps) ApplyFeatures(raw json.RawMessage) {
	if len(raw) == 0 {
		return
	}
	var f Features
	if json.Unmarshal(raw, &f) != nil {
		return
	}
	if v, ok := f.Annotations[AnnotationCheckpoint]; ok {
		note := ""
		if v != "true" {
			note = "the runtime was built without CRIU; use runc, or a crun built with +CRIU"
		}
		cs.Set(CapCheckpoint, v == "true", "probe", note)
	}
	if f.Linux == nil {
		return
	}
	l := f.Linux
	set := func(c Capability, b *bool) {
		if b != nil {
			cs.Set(c, *b, "probe", "")
		}
	}
	if l.Namespaces != nil {
		has := false
		for _, n := range l.Namespaces {
			has = has || n == "user"
		}
		cs.Set(CapUserNS, has, "probe", "")
	}
	if l.Cgroup != nil {
		set(CapCgroupV1, l.Cgroup.V1)
		set(CapCgroupV2, l.Cgroup.V2)
	}
	if l.Seccomp != nil {
		set(CapSeccomp, l.Seccomp.Enabled)
	}
	if l.Apparmor != nil {
		set(CapAppArmor, l.Apparmor.Enabled)
	}
	if l.Selinux != nil {
		set(CapSELinux, l.Selinux.Enabled)
	}
	if l.MountExtensions != nil && l.MountExtensions.IDMap != nil {
		set(CapIDMappedMounts, l.MountExtensions.IDMap.Enabled)
	} else if _, told := cs[CapIDMappedMounts]; !told {
		// a features document without mountExtensions.idmap (runc 1.1)
		// says the runtime has no id-mapped mounts
		cs.Set(CapIDMappedMounts, false, "probe", "its features document has no linux.mountExtensions.idmap; use crun")
	}
}

// Require refuses, before anything is created, a container that needs a
// capability its runtime (recorded in h) lacks: the error names the
// runtime, what was asked for and the capability. Only the capabilities
// asked for are looked at; a capability the kind cannot tell without the
// runtime's features is read from the probe cache (probing when stale).
func (r *Registry) Require(h Handle, need ...Capability) error {
	if len(need) == 0 {
		return nil
	}
	d, ok := r.driver(h.Kind)
	if !ok {
		return fmt.Errorf("runtime %q has kind %q, which this build of pod does not support: %w", h.Name, h.Kind, errdefs.ErrUnavailable)
	}
	caps := r.capsOf(d, h, nil)
	for _, c := range need {
		if _, known := caps[c]; !known {
			caps = r.capsOf(d, h, r.cachedFeatures(d, h.Path))
			break
		}
	}
	for _, c := range need {
		v, known := caps[c]
		if !known || v.Has {
			continue // what pod cannot tell, it leaves to the runtime
		}
		w := what[c]
		if w == "" {
			w = string(c)
		}
		msg := fmt.Sprintf("runtime %q does not support %s (capability %s", h.Name, w, c)
		if v.Note != "" {
			msg += "; " + v.Note
		}
		return fmt.Errorf("%s): %w", msg, errdefs.ErrInvalidArgument)
	}
	return nil
}

// Capabilities returns the capability set of the runtime recorded in h,
// with its features from the probe cache (probing when stale).
func (r *Registry) Capabilities(h Handle) (Caps, error) {
	d, ok := r.driver(h.Kind)
	if !ok {
		return nil, fmt.Errorf("runtime %q has kind %q, which this build of pod does not support: %w", h.Name, h.Kind, errdefs.ErrUnavailable)
	}
	return r.capsOf(d, h, r.cachedFeatures(d, h.Path)), nil
}

// Declared reports whether name (or its base name) is listed in a
// containers.conf runtime_supports_* list.
func Declared(list []string, name string) bool {
	base := name
	if i := strings.LastIndex(name, "/"); i >= 0 {
		base = name[i+1:]
	}
	for _, n := range list {
		if n == base || n == name {
			return true
		}
	}
	return false
}

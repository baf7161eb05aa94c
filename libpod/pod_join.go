package libpod

import (
	"fmt"
	"os"
	"strconv"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/pods"
)

// PodMember are the create options of a container in a pod (--pod).
type PodMember struct {
	Pod     string // --pod NAME|ID (the CLI creates the pod of new:NAME first)
	InitCtr string // --init-ctr: always or once (pod_initctr.go)

	pod   *Pod // resolved by joinPod, or set by CreatePod for the infra
	infra bool // this is the pod's infra container
}

// joinPod resolves --pod, takes the pod's lock (released by the returned
// func) and applies the pod to the member's options: its runtime unless one
// is given, its cgroup parent, and the refusal of namespace flags the pod
// already decides.
func (r *Runtime) joinPod(o *CreateOptions) (unlock func(), err error) {
	unlock = func() {}
	if err := checkInitCtr(o); err != nil {
		return unlock, err
	}
	if o.pod == nil && o.Pod == "" {
		return unlock, nil
	}
	if o.pod == nil {
		if o.pod, err = r.LookupPod(o.Pod); err != nil {
			return unlock, err
		}
	}
	p := o.pod
	if !o.infra { // CreatePod holds the lock while it creates the infra
		if err := p.lockPod(); err != nil {
			return unlock, err
		}
		unlock = p.unlockPod
	}
	if o.Runtime == "" {
		o.Runtime = p.config.Runtime.Name
	}
	if o.Spec.CgroupParent == "" {
		o.Spec.CgroupParent = p.config.CgroupParent
	}
	if o.infra {
		return unlock, nil
	}
	if err := checkInitCtrPod(o, p); err != nil {
		unlock()
		return func() {}, err
	}
	for _, ns := range []struct {
		name, flag, val string
	}{
		{pods.NSNet, "--network", o.Spec.Network},
		{pods.NSIPC, "--ipc", o.Spec.IPC},
		{pods.NSUTS, "--uts", o.Spec.UTS},
		{pods.NSPID, "--pid", o.Spec.PID},
	} {
		if ns.val != "" && pods.Shares(p.config.Share, ns.name) {
			unlock()
			return func() {}, fmt.Errorf("invalid config provided: %s %s: the container joins the %s namespace of pod %s, so it cannot choose its own: %w", ns.flag, ns.val, ns.name, p.config.Name, errdefs.ErrInvalidArgument)
		}
	}
	if o.Spec.Hostname != "" && pods.Shares(p.config.Share, pods.NSUTS) {
		unlock()
		return func() {}, fmt.Errorf("invalid config provided: cannot set hostname when joining the pod UTS namespace: %w", errdefs.ErrInvalidArgument)
	}
	if err := r.inheritPod(o, p); err != nil {
		unlock()
		return func() {}, err
	}
	if pods.Shares(p.config.Share, pods.NSNet) {
		// Podman: the pod's /etc files are its members'; a member's own
		// --add-host is refused, its --dns flags give way to the pod's.
		if len(o.Spec.AddHosts) > 0 {
			unlock()
			return func() {}, fmt.Errorf("invalid config provided: extra host entries must be specified on the pod: network cannot be configured when it is shared with a pod: %w", errdefs.ErrInvalidArgument)
		}
		e := &p.config.EtcFiles
		o.Spec.AddHosts = e.AddHosts
		o.Spec.NoHosts = o.Spec.NoHosts || e.NoHosts
		if len(e.DNS)+len(e.DNSSearch)+len(e.DNSOptions) > 0 {
			o.Spec.DNS, o.Spec.DNSSearch, o.Spec.DNSOptions = e.DNS, e.DNSSearch, e.DNSOptions
		}
	}
	return unlock, nil
}

// recordPod writes the pod into a new member's config: its ID, and the
// infra as a requirement so that starting a member starts the infra first.
func recordPod(cfg *ContainerConfig, o *CreateOptions) error {
	if o.pod == nil {
		return nil
	}
	cfg.Pod = o.pod.config.ID
	cfg.Infra = o.infra
	cfg.InitCtr = o.InitCtr
	if !o.infra && o.pod.config.InfraID != "" {
		cfg.Requires = append(cfg.Requires, o.pod.config.InfraID)
	}
	return nil
}

// podNeeds are the capabilities a member asks of its runtime.
func podNeeds(o *CreateOptions) []ocirt.Capability {
	if o.pod == nil || o.infra {
		return nil
	}
	return []ocirt.Capability{ocirt.CapPod}
}

// podSpec returns the member's spec options with the pod's shared
// namespaces joined by path through the running infra's pid (looked up at
// each start: the infra may have been restarted with another pid).
func (c *Container) podSpec() (*specgen.Options, error) {
	o := c.config.Spec
	if c.config.Pod == "" {
		return &o, nil
	}
	if c.config.Infra {
		sandboxAnnotations(&o, "sandbox", c.config.ID)
		return &o, nil
	}
	p, err := c.rt.LookupPod(c.config.Pod)
	if err != nil {
		return nil, fmt.Errorf("container %s: its pod: %w", c.config.Name, err)
	}
	if p.config.InfraID == "" || len(p.config.Share) == 0 {
		return &o, nil
	}
	infra, err := c.rt.LookupContainer(p.config.InfraID)
	if err != nil {
		return nil, fmt.Errorf("container %s: the infra container of pod %s: %w", c.config.Name, p.config.Name, err)
	}
	if infra.state.Status != StatusRunning || infra.state.Task.Pid <= 0 {
		return nil, fmt.Errorf("container %s: the infra container %s of pod %s is %s, not running: start the pod with `pod pod start %s`: %w",
			c.config.Name, infra.config.Name, p.config.Name, infra.state.Status, p.config.Name, errdefs.ErrConflict)
	}
	sandboxAnnotations(&o, "container", infra.config.ID)
	path := func(ns string) string { return "ns:/proc/" + strconv.Itoa(infra.state.Task.Pid) + "/ns/" + ns }
	if p.config.Inherit.UserNS {
		o.UserNS = path("user") // the pod's user namespace (--userns, --uidmap… on pod create)
	}
	for _, ns := range p.config.Share {
		switch ns {
		case pods.NSNet:
			o.Network = joinedNS(infra.config.Spec.Network, path("net"))
		case pods.NSIPC:
			o.IPC = path("ipc")
			o.ShmDir = c.sharedShm(infra)
		case pods.NSUTS:
			o.UTS = joinedNS(infra.config.Spec.UTS, path("uts"))
			o.Hostname = ""
		case pods.NSPID:
			o.PID = joinedNS(infra.config.Spec.PID, path("pid"))
		case pods.NSCgroup:
			// the infra's is pod's own (cgroup v1: no cgroupns of its own)
			o.CgroupNS = joinedNS(sameNS(infra.state.Task.Pid, "cgroup"), path("cgroup"))
		}
	}
	return &o, nil
}

// joinedNS is how a member joins a namespace its pod shares: the host's
// when the infra uses the host's (pod create --network host, --uts host,
// --pid host), as
// Podman leaves it out of the spec: an ordinary user may not setns into the
// host's namespaces (EPERM), while root gets the same namespace either way;
// else the infra's by path.
func joinedNS(infraMode, path string) string {
	if infraMode == "host" {
		return "host"
	}
	return path
}

// sameNS returns "host" when process pid is in pod's own namespace ns (a
// member then inherits it, as from the host), else "".
func sameNS(pid int, ns string) string {
	theirs, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/" + ns)
	if err != nil {
		return ""
	}
	if ours, err := os.Readlink("/proc/self/ns/" + ns); err == nil && ours == theirs {
		return "host"
	}
	return ""
}

// The CRI annotations that group a pod's containers into one sandbox:
// containerd's shims (containerd-shim-runc-v2, Kata) serve every container
// whose sandbox-id names the same sandbox from the one shim started for the
// sandbox (`start` returns that shim's address), so the whole pod is one
// shim, one VM with Kata. OCI runtimes ignore them.
const (
	annotationContainerType = "io.kubernetes.cri.container-type"
	annotationSandboxID     = "io.kubernetes.cri.sandbox-id"
)

func sandboxAnnotations(o *specgen.Options, kind, sandboxID string) {
	a := make(map[string]string, len(o.Annotations)+2)
	for k, v := range o.Annotations {
		a[k] = v
	}
	a[annotationContainerType] = kind
	a[annotationSandboxID] = sandboxID
	o.Annotations = a
}

// checkPodRemove refuses to remove a pod's infra container while other
// containers of the pod exist (Podman's rule; `rm -a` removes it last).
func (c *Container) checkPodRemove(o RemoveOptions) error {
	if !c.config.Infra || o.pod {
		return nil
	}
	p, err := c.rt.LookupPod(c.config.Pod)
	if err != nil {
		return nil // the pod is gone (an interrupted pod rm): let the infra go too
	}
	members, err := p.Containers()
	if err != nil {
		return err
	}
	for _, m := range members {
		if !m.config.Infra {
			// No class: Podman exits 125 here, not rm's 2 for a running container.
			return fmt.Errorf("container %s is the infra container of pod %s and cannot be removed without removing the pod", c.config.ID, p.config.ID)
		}
	}
	return nil
}

// IsInfra reports whether the container is its pod's infra container.
func (c *Container) IsInfra() bool { return c.config.Infra }

// applyNetworkUnlessPod gives a container its own network configuration,
// unless it joins the network namespace of its pod's infra: then the
// infra's network is its network, and asking for ports or addresses of its
// own is refused (as Podman: ports are the pod's, given at pod create).
func (r *Runtime) applyNetworkUnlessPod(cfg *ContainerConfig, o *CreateOptions) error {
	if o.pod == nil || o.infra || !pods.Shares(o.pod.config.Share, pods.NSNet) {
		return r.applyNetwork(cfg, o)
	}
	if len(o.Net.Publish) > 0 || o.Net.PublishAll || len(o.Net.Expose) > 0 || o.Net.IP != "" || o.Net.IP6 != "" || o.Net.MAC != "" || len(o.Net.Aliases) > 0 {
		return fmt.Errorf("invalid config provided: published or exposed ports, addresses and aliases must be defined when the pod is created: container %s shares the network of pod %s: %w",
			cfg.Name, o.pod.config.Name, errdefs.ErrInvalidArgument)
	}
	return nil
}

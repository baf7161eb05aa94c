package libpod

import (
	"time"

	"github.com/pod-engine/pod/pkg/pods"
)

// PodStatusOf is a pod's status from its containers' states.
func PodStatusOf(ctrStates []string) string { return pods.Status(ctrStates) }

// InspectPodContainer is one member in `pod pod inspect`.
type InspectPodContainer struct {
	ID    string `json:"Id"`
	Name  string `json:"Name"`
	State string `json:"State"`
}

// InspectPodInfra is the infra part of `pod pod inspect` (Podman's keys).
type InspectPodInfra struct {
	PortBindings map[string]any `json:"PortBindings"`
	HostNetwork  bool           `json:"HostNetwork"`
	StaticIP     string         `json:"StaticIP"`
	StaticMAC    string         `json:"StaticMAC"`
	// NoManageResolvConf: pod always writes the members' resolv.conf
	// (Podman's --dns none, which sets it, is refused).
	NoManageResolvConf bool     `json:"NoManageResolvConf"`
	DNSServer          []string `json:"DNSServer"`
	DNSSearch          []string `json:"DNSSearch"`
	DNSOption          []string `json:"DNSOption"`
	NoManageHosts      bool     `json:"NoManageHosts"`
	HostAdd            []string `json:"HostAdd"`
	Networks           []string `json:"Networks"`
	// NetworkOptions are a network mode's options (Podman's slirp4netns
	// and pasta options); the modes pod has take none: always null.
	NetworkOptions map[string][]string `json:"NetworkOptions"`
	PidNS          string              `json:"pid_ns"`
	UsernsMode     string              `json:"userns"`
	UtsNS          string              `json:"uts_ns"`
	InfraCommand   []string            `json:"infra_command,omitempty"`
	InfraImage     string              `json:"infra_image,omitempty"`
	ConmonPidFile  string              `json:"conmon_pid_file,omitempty"`
}

// InspectPod is `pod pod inspect`'s document, Podman 4.3's keys.
type InspectPod struct {
	ID               string                `json:"Id"`
	Name             string                `json:"Name"`
	Created          time.Time             `json:"Created"`
	CreateCommand    []string              `json:"CreateCommand,omitempty"`
	ExitPolicy       string                `json:"ExitPolicy"`
	State            string                `json:"State"`
	Hostname         string                `json:"Hostname"`
	Labels           map[string]string     `json:"Labels,omitempty"`
	CreateCgroup     bool                  `json:"CreateCgroup"`
	CgroupParent     string                `json:"CgroupParent,omitempty"`
	CgroupPath       string                `json:"CgroupPath,omitempty"`
	CreateInfra      bool                  `json:"CreateInfra"`
	InfraContainerID string                `json:"InfraContainerID,omitempty"`
	InfraConfig      *InspectPodInfra      `json:"InfraConfig,omitempty"`
	SharedNamespaces []string              `json:"SharedNamespaces,omitempty"`
	NumContainers    int                   `json:"NumContainers"`
	Containers       []InspectPodContainer `json:"Containers"`
	CPUQuota         int64                 `json:"CPUQuota,omitempty"`
	CPUPeriod        uint64                `json:"CPUPeriod,omitempty"`
	MemoryLimit      uint64                `json:"memory_limit,omitempty"`
	InspectPodFlags
	Runtime string `json:"Runtime"` // pod's own: the runtime members default to
}

// Inspect describes the pod.
func (p *Pod) Inspect() (*InspectPod, error) {
	ctrs, err := p.Containers()
	if err != nil {
		return nil, err
	}
	cfg := &p.config
	in := &InspectPod{
		ID: cfg.ID, Name: cfg.Name, Created: cfg.Created, CreateCommand: cfg.CreateCommand, ExitPolicy: cfg.ExitPolicy, State: podStatus(ctrs),
		Hostname: cfg.Hostname, Labels: cfg.Labels, CreateCgroup: true, CgroupParent: cfg.CgroupParent,
		CgroupPath: cfg.CgroupParent, CreateInfra: cfg.InfraID != "", InfraContainerID: cfg.InfraID,
		SharedNamespaces: cfg.Share, NumContainers: len(ctrs), Containers: []InspectPodContainer{},
		Runtime: cfg.Runtime.Name,
	}
	for _, c := range ctrs {
		in.Containers = append(in.Containers, InspectPodContainer{ID: c.config.ID, Name: c.config.Name, State: string(c.state.Status)})
		if c.config.Infra {
			ns := func(n string) string {
				if own := map[string]string{pods.NSPID: c.config.Spec.PID, pods.NSUTS: c.config.Spec.UTS}[n]; own != "" {
					return own // --pid, --uts of pod create: the infra's mode
				}
				return "private" // the infra's own namespace, shared or not (Podman 4.3.1)
			}
			bindings := map[string]any{}
			c.portBindings(bindings)
			in.InfraConfig = &InspectPodInfra{
				PortBindings: bindings, HostNetwork: c.config.Spec.Network == "host", Networks: c.NetworkNames(),
				PidNS: ns(pods.NSPID), UsernsMode: usernsMode(&c.config.Spec), UtsNS: ns(pods.NSUTS),
				InfraCommand: cfg.InfraCommand, InfraImage: cfg.InfraImage, ConmonPidFile: c.config.ConmonPidFile,
				DNSServer: cfg.EtcFiles.DNS, DNSSearch: cfg.EtcFiles.DNSSearch, DNSOption: cfg.EtcFiles.DNSOptions,
				NoManageHosts: cfg.EtcFiles.NoHosts, HostAdd: cfg.EtcFiles.AddHosts,
			}
			in.InfraConfig.StaticIP, in.InfraConfig.StaticMAC = c.staticAddrs()
		}
	}
	if q, period, mem, err := podLimits(cfg); err == nil {
		in.CPUQuota, in.CPUPeriod, in.MemoryLimit = q, uint64(period), uint64(mem)
		if q == 0 {
			in.CPUPeriod = 0
		}
	}
	in.InspectPodFlags = podInspectFlags(cfg)
	return in, nil
}

// PodName returns the name of the container's pod ("" outside a pod or
// when the pod is gone).
func (c *Container) PodName() string {
	if c.config.Pod == "" {
		return ""
	}
	p, err := c.rt.LookupPod(c.config.Pod)
	if err != nil {
		return ""
	}
	return p.config.Name
}

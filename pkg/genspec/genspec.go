// Package genspec holds the JSON shapes of `generate spec` (Podman's
// SpecGenerator and PodSpecGenerator, the bodies of Podman's REST API
// container and pod create): the keys Podman 4.3.1 writes, for the
// settings pod records. libpod fills them from a container's or pod's
// stored options.
package genspec

import (
	"encoding/json"
	"io"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Namespace is Podman's specgen.Namespace.
type Namespace struct {
	NSMode string `json:"nsmode,omitempty"`
	Value  string `json:"value,omitempty"`
}

// PortMapping is Podman's types.PortMapping.
type PortMapping struct {
	HostIP        string `json:"host_ip,omitempty"`
	ContainerPort uint16 `json:"container_port"`
	HostPort      uint16 `json:"host_port"`
	Range         uint16 `json:"range,omitempty"`
	Protocol      string `json:"protocol,omitempty"`
}

// NamedVolume is Podman's specgen.NamedVolume (-v NAME:DEST).
type NamedVolume struct {
	Name    string   `json:"Name"`
	Dest    string   `json:"Dest"`
	Options []string `json:"Options"`
}

// Container is a container's spec, in Podman's key order.
type Container struct {
	Name                   string              `json:"name,omitempty"`
	Pod                    string              `json:"pod,omitempty"`
	Hostname               string              `json:"hostname,omitempty"`
	Labels                 map[string]string   `json:"labels,omitempty"`
	Annotations            map[string]string   `json:"annotations,omitempty"`
	StopSignal             *int                `json:"stop_signal,omitempty"`
	StopTimeout            *uint               `json:"stop_timeout,omitempty"`
	Remove                 bool                `json:"remove,omitempty"`
	Command                []string            `json:"command,omitempty"`
	Entrypoint             []string            `json:"entrypoint,omitempty"`
	Env                    map[string]string   `json:"env,omitempty"`
	Terminal               bool                `json:"terminal,omitempty"`
	Stdin                  bool                `json:"stdin,omitempty"`
	RestartPolicy          string              `json:"restart_policy,omitempty"`
	RestartRetries         *uint               `json:"restart_tries,omitempty"`
	SdNotifyMode           string              `json:"sdnotifyMode,omitempty"`
	ContainerCreateCommand []string            `json:"containerCreateCommand,omitempty"`
	InitContainerType      string              `json:"init_container_type"`
	Image                  string              `json:"image,omitempty"`
	Rootfs                 string              `json:"rootfs,omitempty"`
	Mounts                 []specs.Mount       `json:"mounts,omitempty"`
	Volumes                []NamedVolume       `json:"volumes,omitempty"`
	WorkDir                string              `json:"work_dir,omitempty"`
	ReadOnlyFilesystem     bool                `json:"read_only_filesystem,omitempty"`
	Umask                  string              `json:"umask,omitempty"`
	Privileged             bool                `json:"privileged,omitempty"`
	User                   string              `json:"user,omitempty"`
	Groups                 []string            `json:"groups,omitempty"`
	CapAdd                 []string            `json:"cap_add,omitempty"`
	CapDrop                []string            `json:"cap_drop,omitempty"`
	PortMappings           []PortMapping       `json:"portmappings,omitempty"`
	HostAdd                []string            `json:"hostadd,omitempty"`
	DNSServers             []string            `json:"dns_server,omitempty"`
	DNSSearch              []string            `json:"dns_search,omitempty"`
	DNSOptions             []string            `json:"dns_option,omitempty"`
	Networks               map[string]struct{} `json:"Networks,omitempty"`
	NetNS                  *Namespace          `json:"netns,omitempty"`
	Sysctl                 map[string]string   `json:"sysctl,omitempty"`
	Init                   bool                `json:"init,omitempty"`
}

// Pod is a pod's spec, in Podman's key order.
type Pod struct {
	Name             string                `json:"name,omitempty"`
	Hostname         string                `json:"hostname,omitempty"`
	ExitPolicy       string                `json:"exit_policy,omitempty"`
	Labels           map[string]string     `json:"labels,omitempty"`
	NoInfra          bool                  `json:"no_infra,omitempty"`
	InfraCommand     []string              `json:"infra_command,omitempty"`
	InfraImage       string                `json:"infra_image,omitempty"`
	SharedNamespaces []string              `json:"shared_namespaces,omitempty"`
	HostAdd          []string              `json:"hostadd,omitempty"`
	NoManageHosts    bool                  `json:"no_manage_hosts,omitempty"`
	DNSServers       []string              `json:"dns_server,omitempty"`
	DNSSearch        []string              `json:"dns_search,omitempty"`
	DNSOptions       []string              `json:"dns_option,omitempty"`
	ResourceLimits   *specs.LinuxResources `json:"resource_limits,omitempty"`
}

// Write writes v as Podman does: indented by one space, or on one line
// with compact.
func Write(w io.Writer, v any, compact bool) error {
	e := json.NewEncoder(w)
	if !compact {
		e.SetIndent("", " ")
	}
	return e.Encode(v)
}

package libpod

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// PortMapping is one published port range, in Podman's shape (its
// types.PortMapping): ContainerPort..ContainerPort+Range-1 reachable on the
// host at HostIP:HostPort... for each protocol of the comma-separated
// Protocol list.
type PortMapping struct {
	HostIP        string `json:"host_ip,omitempty"`
	ContainerPort uint16 `json:"container_port"`
	HostPort      uint16 `json:"host_port"`
	Range         uint16 `json:"range"`
	Protocol      string `json:"protocol"`
}

// String is the mapping as `ps` shows it: "127.0.0.1:8080->80/tcp", with
// ranges as "0.0.0.0:8000-8001->80-81/tcp".
func (m PortMapping) String() string {
	ip := m.HostIP
	if ip == "" {
		ip = "0.0.0.0"
	}
	n := max(m.Range, 1)
	host, ctr := strconv.Itoa(int(m.HostPort)), strconv.Itoa(int(m.ContainerPort))
	if n > 1 {
		host += "-" + strconv.Itoa(int(m.HostPort+n-1))
		ctr += "-" + strconv.Itoa(int(m.ContainerPort+n-1))
	}
	var out []string
	for _, proto := range strings.Split(m.Protocol, ",") {
		out = append(out, ip+":"+host+"->"+ctr+"/"+proto)
	}
	return strings.Join(out, ", ")
}

// PublishedPort is one container port reachable from the host.
type PublishedPort struct {
	ContainerPort uint16
	Protocol      string
	HostIP        string
	HostPort      uint16
}

// String is Podman's `port` line: "80/tcp -> 0.0.0.0:8080".
func (p PublishedPort) String() string {
	return fmt.Sprintf("%d/%s -> %s:%d", p.ContainerPort, p.Protocol, p.HostIP, p.HostPort)
}

// PortFilter selects ports: a container port and an optional protocol
// ("80", "80/udp"); the zero value selects every port.
type PortFilter struct {
	Port     uint16
	Protocol string
}

// ParsePortFilter parses `port`'s PORT argument ("80", "80/tcp"); a port
// without a protocol means tcp, as in Podman (`port CTR 80` does not print
// 80/udp's mapping).
func ParsePortFilter(s string) (PortFilter, error) {
	num, proto, _ := strings.Cut(s, "/")
	n, err := strconv.ParseUint(num, 10, 16)
	if err != nil {
		return PortFilter{}, fmt.Errorf("invalid port %q: %w: %w", s, err, errdefs.ErrInvalidArgument)
	}
	if proto == "" {
		proto = "tcp"
	}
	return PortFilter{Port: uint16(n), Protocol: proto}, nil
}

// Ports lists the container's published ports that match f, one per port
// and protocol, while the container runs (a stopped one publishes nothing).
// The network subsystem records them in ContainerConfig.PortMappings at create.
func (c *Container) Ports(f PortFilter) []PublishedPort {
	if c.state.Status != StatusRunning && c.state.Status != StatusPaused {
		return nil
	}
	var out []PublishedPort
	for _, m := range c.config.PortMappings {
		ip := m.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		n := max(m.Range, 1)
		for _, proto := range strings.Split(m.Protocol, ",") {
			if proto == "" {
				proto = "tcp"
			}
			for i := range n {
				cp := m.ContainerPort + i
				if f.Port != 0 && (f.Port != cp || (f.Protocol != "" && f.Protocol != proto)) {
					continue
				}
				out = append(out, PublishedPort{ContainerPort: cp, Protocol: proto, HostIP: ip, HostPort: m.HostPort + i})
			}
		}
	}
	return out
}

package libpod

import (
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/pod-engine/pod/pkg/network"
)

// NetworkNames lists the networks the container joins, sorted.
func (c *Container) NetworkNames() []string {
	out := []string{}
	if c.config.Net != nil {
		for n := range c.config.Net.Networks {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// portBindings adds the published ports to ports, Podman's
// "80/tcp": [{HostIp, HostPort}] (NetworkSettings.Ports, a pod's
// InfraConfig.PortBindings).
func (c *Container) portBindings(ports map[string]any) {
	for _, m := range c.config.PortMappings {
		ip := m.HostIP
		for _, proto := range strings.Split(m.Protocol, ",") {
			for i := range max(m.Range, 1) {
				k := strconv.Itoa(int(m.ContainerPort+i)) + "/" + proto
				list, _ := ports[k].([]map[string]string)
				ports[k] = append(list, map[string]string{"HostIp": ip, "HostPort": strconv.Itoa(int(m.HostPort + i))})
			}
		}
	}
}

// inspectNetworkSettings is Podman's NetworkSettings: the addresses of a
// running container on each network, its published and exposed ports.
func (c *Container) inspectNetworkSettings() map[string]any {
	ports := map[string]any{}
	if c.config.Net != nil {
		for _, e := range c.config.Net.Exposed {
			ports[e] = nil
		}
	}
	c.portBindings(ports)
	ns := map[string]any{
		"EndpointID": "", "Gateway": "", "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "",
		"GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "MacAddress": "", "Bridge": "", "SandboxID": "",
		"HairpinMode": false, "LinkLocalIPv6Address": "", "LinkLocalIPv6PrefixLen": 0,
		"Ports": ports, "SandboxKey": c.state.NetNS,
	}
	if !c.joinsNetworks() {
		return ns
	}
	nets := map[string]any{}
	for _, name := range c.NetworkNames() {
		n := map[string]any{
			"EndpointID": "", "Gateway": "", "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "",
			"GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "MacAddress": "", "NetworkID": name,
			"DriverOpts": nil, "IPAMConfig": nil, "Links": nil, "Aliases": aliases(c, name),
		}
		if sb, ok := c.state.NetStatus[name]; ok {
			fillAddresses(n, sb)
			if len(nets) == 0 {
				fillAddresses(ns, sb) // the first network's address is the container's
			}
		}
		nets[name] = n
	}
	ns["Networks"] = nets
	return ns
}

// aliases are the container's names on a network, as Podman lists them.
func aliases(c *Container, name string) []string {
	out := []string{c.config.ID[:12]}
	if o, ok := c.config.Net.Networks[name]; ok {
		out = append(out, o.Aliases...)
	}
	return out
}

func fillAddresses(m map[string]any, sb network.StatusBlock) {
	for _, iface := range sb.Interfaces {
		m["MacAddress"] = iface.MacAddress.String()
		for _, s := range iface.Subnets {
			ones, _ := s.IPNet.Mask.Size()
			if s.IPNet.IP.To4() != nil {
				m["IPAddress"], m["IPPrefixLen"] = s.IPNet.IP.String(), ones
				if s.Gateway != nil {
					m["Gateway"] = s.Gateway.String()
				}
			} else {
				m["GlobalIPv6Address"], m["GlobalIPv6PrefixLen"] = s.IPNet.IP.String(), ones
				if s.Gateway != nil {
					m["IPv6Gateway"] = s.Gateway.String()
				}
			}
		}
		return
	}
}

// staticAddrs are the container's --ip and --mac-address (the first network
// that has them), as a pod's inspect shows its infra's.
func (c *Container) staticAddrs() (ip, mac string) {
	if c.config.Net == nil {
		return "", ""
	}
	names := make([]string, 0, len(c.config.Net.Networks))
	for name := range c.config.Net.Networks {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		o := c.config.Net.Networks[name]
		for _, a := range o.StaticIPs {
			if a.To4() != nil && ip == "" {
				ip = a.String()
			}
		}
		if len(o.StaticMAC) > 0 && mac == "" {
			mac = net.HardwareAddr(o.StaticMAC).String()
		}
	}
	return ip, mac
}

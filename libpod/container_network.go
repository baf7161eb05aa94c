package libpod

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.podman.io/storage/pkg/unshare"

	"github.com/pod-engine/pod/libpod/internal/etcfiles"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/network"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// NetworkFlags are run/create's network flags beyond --network and the
// /etc file flags (which specgen.Options carries).
type NetworkFlags struct {
	Aliases []string // --network-alias
	IP      string   // --ip
	IP6     string   // --ip6
	MAC     string   // --mac-address
	// MoreNetworks are the values of --network after the first
	// (Spec.Network): the container joins those networks too.
	MoreNetworks []string
	Publish      []string // -p
	PublishAll   bool     // -P
	Expose       []string // --expose
}

// NetConfig is how a container is attached to networks, fixed at create.
type NetConfig struct {
	Kind       string                               `json:"kind"`
	Networks   map[string]network.PerNetworkOptions `json:"networks,omitempty"`
	Container  string                               `json:"container,omitempty"`  // container:ID, the ID
	Exposed    []string                             `json:"exposed,omitempty"`    // PORT/PROTO (--expose, EXPOSE)
	Backend    string                               `json:"backend,omitempty"`    // cni or netavark, at create
	Options    []string                             `json:"options,omitempty"`    // slirp4netns:OPTS / pasta:OPTS
	PublishAll bool                                 `json:"publishAll,omitempty"` // -P (inspect's PublishAllPorts)
}

// Networks returns the network subsystem (opened lazily).
func (r *Runtime) Networks() *network.Manager {
	r.netOnce.Do(func() { r.net = network.New(r.cfg).StoreRoots(r.paths.GraphRoot, r.paths.RunRoot) })
	return r.net
}

// netnsDir is where pod bind-mounts the namespaces it creates.
func (r *Runtime) netnsDir() string { return filepath.Join(r.paths.RunRoot, "pod", "netns") }

// applyNetwork resolves --network and the port flags into cfg at create.
func (r *Runtime) applyNetwork(cfg *ContainerConfig, o *CreateOptions) error {
	v := o.Spec.Network
	if v == "" {
		switch d := r.cfg.Containers.NetNS; d {
		case "none", "host", "bridge", "private", network.KindSlirp, network.KindPasta:
			v = d
		}
	}
	rootless := unshare.IsRootless()
	// A user-mode helper serves a namespace pod makes before the runtime
	// makes the container's user namespace. A container with a user
	// namespace of its own can use it where the runtime joins the
	// namespaces its user namespace does not own first (capability
	// pod-userns: crun; the spec binds /sys and skips the net sysctls
	// there). runc joins the user namespace first and then may not join
	// that network namespace (Podman configures the network after the
	// runtime's create instead; pod does not yet), so it gets none.
	own := (o.Spec.IDMappings != nil || ownUserNS(&o.Spec)) && r.registry.Require(cfg.Runtime, ocirt.CapPodUserNS) != nil
	if rootless && (v == "" || v == "private") {
		// An ordinary user cannot make bridges: Podman's rootless default,
		// slirp4netns, when it can run here, else a namespace of its own
		// with loopback only (docs/rootless.md).
		v = network.KindSlirp
		if own {
			v = "none"
		} else if err := r.Networks().UserModeAvailable(v); err != nil {
			r.warnf("rootless network: using --network none: %v", err)
			v = "none"
		}
	}
	mode, err := network.ParseModes(append([]string{v}, o.Net.MoreNetworks...), r.Networks().DefaultName())
	if err != nil {
		return err
	}
	if rootless && mode.Joins() {
		return fmt.Errorf("--network %s: an ordinary user cannot join bridge networks: use --network slirp4netns (the default), pasta, none, host or container:ID: %w", v, errdefs.ErrNotImplemented)
	}
	if network.IsUserMode(mode.Kind) {
		if own {
			return fmt.Errorf("--network %s with a user namespace of the container's own (--userns, --uidmap, --gidmap, --subuidname, --subgidname) is not supported yet: use --network none or host, or drop those flags: %w", v, errdefs.ErrNotImplemented)
		}
		if err := r.Networks().UserModeAvailable(mode.Kind); err != nil {
			return fmt.Errorf("--network %s: %w", v, err)
		}
	}
	if !rootless && strings.HasPrefix(o.Spec.UserNS, "ns:") && network.OwnsNamespace(mode.Kind) {
		// A joined user namespace with the network namespace pod makes
		// in the host's: the runtime must join that one first.
		if err := r.registry.Require(cfg.Runtime, ocirt.CapPodUserNS); err != nil {
			return fmt.Errorf("--userns %s with --network %s: %w", o.Spec.UserNS, mode.Kind, err)
		}
	}
	if err := mode.ApplyFlags(o.Net.IP, o.Net.IP6, o.Net.MAC, o.Net.Aliases); err != nil {
		return err
	}
	nc := &NetConfig{Kind: mode.Kind, Networks: mode.Networks, Options: mode.Options}
	if mode.Joins() {
		nc.Backend = r.Networks().Backend()
	}
	if mode.Kind == network.KindContainer {
		other, err := r.LookupContainer(mode.Container)
		if err != nil {
			return fmt.Errorf("--network %s: %w", v, err)
		}
		nc.Container = other.ID()
	}
	if nc.Exposed, err = network.ParseExpose(append(append([]string{}, cfg.ImageConfig.ExposedPorts...), o.Net.Expose...)); err != nil {
		return err
	}
	maps, err := network.ParsePublish(o.Net.Publish)
	if err != nil {
		return err
	}
	if o.Net.PublishAll {
		maps = network.PublishAll(maps, nc.Exposed)
		nc.PublishAll = true
	}
	if len(maps) > 0 && !mode.Publishes() {
		// Podman's words and behaviour: a warning, the ports dropped.
		r.warnf("Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use")
		maps = nil
	}
	for name, o := range mode.Networks {
		n, err := r.Networks().Inspect(name)
		if err != nil {
			return fmt.Errorf("--network %s: %w", name, err)
		}
		if err := network.CheckStaticIPs(n, o); err != nil {
			return fmt.Errorf("--network %s: %w", name, err)
		}
	}
	if mode.Publishes() {
		if maps, err = network.AllocatePorts(maps); err != nil {
			return err
		}
	}
	cfg.Net = nc
	cfg.PortMappings = nil
	for _, m := range maps {
		cfg.PortMappings = append(cfg.PortMappings, PortMapping{HostIP: m.HostIP, ContainerPort: m.ContainerPort, HostPort: m.HostPort, Range: m.Range, Protocol: m.Protocol})
	}
	return nil
}

// netRequest describes the container's own namespace for the subsystem.
func (c *Container) netRequest() *network.Request {
	req := &network.Request{
		OwnerID: c.config.ID, OwnerName: c.config.Name, Hostname: c.config.Spec.Hostname,
		Dir: c.rt.netnsDir(), DNSServers: c.config.Spec.DNS, Attached: c.state.NetNS != "",
		Status: c.state.NetStatus,
	}
	if c.config.Net != nil {
		req.Networks = c.config.Net.Networks
		req.Backend = c.config.Net.Backend
		req.Kind = c.config.Net.Kind
		req.Options = c.config.Net.Options
	}
	for _, m := range c.config.PortMappings {
		req.Ports = append(req.Ports, network.PortMapping{HostIP: m.HostIP, ContainerPort: m.ContainerPort, HostPort: m.HostPort, Range: m.Range, Protocol: m.Protocol})
	}
	return req
}

// joinsNetworks reports whether the container has networks of its own.
func (c *Container) joinsNetworks() bool {
	return c.config.Net != nil && c.config.Net.Kind == network.KindBridge
}

// setupNetwork creates the container's namespace and its networks before
// the runtime creates the container; it returns the namespace path for the
// spec ("" when the container needs none of pod's making) and the files
// the container's monitor must hold (the caller closes them).
func (c *Container) setupNetwork() (string, []*os.File, error) {
	if c.config.Net == nil {
		return "", nil, nil
	}
	switch {
	case network.OwnsNamespace(c.config.Net.Kind):
		att, err := c.rt.Networks().Attach(c.netRequest())
		if err != nil && strings.Contains(err.Error(), "allocated to "+c.config.ID) {
			// The addresses of an earlier run that never tore down (the
			// host rebooted, its namespace is gone) are still held for
			// this container by the IPAM store: give them back, once.
			_ = c.rt.Networks().Detach(c.netRequest())
			att, err = c.rt.Networks().Attach(c.netRequest())
		}
		if err != nil {
			return "", nil, err
		}
		c.state.NetNS = att.NSPath
		c.state.NetStatus = att.Status
		c.state.NetFiles = nil
		if len(att.Files.IPs)+len(att.Files.DNS) > 0 {
			c.state.NetFiles = &att.Files
		}
		if err := c.save(); err != nil {
			att.Close()
			c.teardownNetwork()
			return "", nil, err
		}
		return c.state.NetNS, att.Hold, nil
	case c.config.Net.Kind == network.KindContainer:
		other, err := c.rt.LookupContainer(c.config.Net.Container)
		if err != nil {
			return "", nil, fmt.Errorf("--network container:%s: %w", c.config.Net.Container, err)
		}
		if other.state.NetNS != "" {
			return other.state.NetNS, nil, nil
		}
		if other.state.Status != StatusRunning || other.state.Task.Pid == 0 {
			return "", nil, fmt.Errorf("--network container:%s: container %s is not running: start it first: %w", other.Name(), other.Name(), errdefs.ErrConflict)
		}
		return "/proc/" + strconv.Itoa(other.state.Task.Pid) + "/ns/net", nil, nil
	}
	return "", nil, nil
}

// teardownNetwork undoes setupNetwork: no namespace, veth, firewall rule or
// port forwarding stays behind. It runs again safely; a backend that fails
// to undo a piece (its rules flushed meanwhile) is a warning, as in Podman:
// the namespace goes anyway, so a later teardown has nothing left to do.
func (c *Container) teardownNetwork() {
	if c.state.NetNS == "" && !c.joinsNetworks() {
		return
	}
	if err := c.rt.Networks().Detach(c.netRequest()); err != nil {
		c.rt.warnf("container %s: %v", c.config.Name, err)
	}
	c.state.NetNS = ""
	c.state.NetStatus = nil
	c.state.NetFiles = nil
}

// ReloadNetwork sets a running container's networks up again (after a
// firewall flush), keeping its addresses.
func (c *Container) ReloadNetwork() error {
	if err := c.lockAndSync(); err != nil {
		return err
	}
	defer c.unlock()
	if c.state.NetNS == "" || (c.state.Status != StatusRunning && c.state.Status != StatusPaused) {
		return nil
	}
	st, err := c.rt.Networks().Reload(c.netRequest(), c.state.NetStatus)
	if err != nil {
		return err
	}
	c.state.NetStatus = st
	return c.save()
}

// NetStatus returns the container's addresses per network (empty when it
// is not running or has no networks).
func (c *Container) NetStatus() map[string]network.StatusBlock { return c.state.NetStatus }

// NetConfig returns how the container is attached to networks.
func (c *Container) NetConfig() *NetConfig { return c.config.Net }

// addNetworkFiles gives /etc/hosts the container's addresses and
// /etc/resolv.conf the networks' DNS servers.
func (c *Container) addNetworkFiles(p *etcfiles.Params) {
	names := make([]string, 0, len(c.state.NetStatus))
	for n := range c.state.NetStatus {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sb := c.state.NetStatus[n]
		for _, iface := range sb.Interfaces {
			for _, s := range iface.Subnets {
				p.IPs = append(p.IPs, s.IPNet.IP.String())
			}
		}
		for _, ip := range sb.DNSServerIPs {
			p.NetworkDNS = append(p.NetworkDNS, ip.String())
		}
		p.NetworkSearch = append(p.NetworkSearch, sb.DNSSearchDomains...)
	}
	if f := c.state.NetFiles; f != nil {
		p.IPs = append(p.IPs, f.IPs...)
		p.HelperDNS = append(p.HelperDNS, f.DNS...)
	}
	p.HostInternal = c.hostInternalIP(names)
}

// hostInternalIP is host.containers.internal's address, as Podman 4.3.1
// picks it: the gateway of the container's first bridge network (IPv4
// preferred), which is the host's end of it; rootless (the bridges live in
// another namespace) or without a bridge, the host's first global address.
func (c *Container) hostInternalIP(networks []string) string {
	if !unshare.IsRootless() {
		v6 := ""
		for _, n := range networks {
			if nw, err := c.rt.Networks().InspectIn(c.config.Net.Backend, n); err != nil || nw.Driver != "bridge" {
				continue
			}
			for _, iface := range c.state.NetStatus[n].Interfaces {
				for _, s := range iface.Subnets {
					switch gw := s.Gateway; {
					case gw == nil:
					case gw.To4() != nil:
						return gw.String()
					case v6 == "":
						v6 = gw.String()
					}
				}
			}
		}
		if v6 != "" {
			return v6
		}
	}
	return hostLocalIP()
}

// hostLocalIP is the host's first global unicast address, IPv4 preferred
// (Podman's GetLocalIP).
func hostLocalIP() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	v6 := ""
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.IsGlobalUnicast() {
			if n.IP.To4() != nil {
				return n.IP.String()
			}
			if v6 == "" {
				v6 = n.IP.String()
			}
		}
	}
	return v6
}

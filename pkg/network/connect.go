package network

import (
	"fmt"
	"net"
	"sort"
	"strconv"

	"go.podman.io/common/libnetwork/types"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// ConnectOptions are `network connect`'s flags for one network.
type ConnectOptions struct {
	Aliases []string // --alias
	IP, IP6 string   // --ip, --ip6
	MAC     string   // --mac-address
}

// ConnectSpec checks o against network n (the addresses must lie in one of
// its subnets, as the backend would say only at the next start) and returns
// the per-network options, without an interface name.
func ConnectSpec(n Network, o ConnectOptions) (PerNetworkOptions, error) {
	var p PerNetworkOptions
	for _, a := range []struct{ flag, val, want string }{{"--ip", o.IP, "4"}, {"--ip6", o.IP6, "6"}} {
		if a.val == "" {
			continue
		}
		ip := net.ParseIP(a.val)
		if ip == nil || (a.want == "4") != (ip.To4() != nil) {
			return p, fmt.Errorf("%s %q: not an IPv%s address: %w", a.flag, a.val, a.want, errdefs.ErrInvalidArgument)
		}
		if !inSubnets(n, ip) {
			return p, fmt.Errorf("%s %s: requested static ip %s not in any subnet on network %s: %w", a.flag, a.val, ip, n.Name, errdefs.ErrInvalidArgument)
		}
		p.StaticIPs = append(p.StaticIPs, ip)
	}
	if o.MAC != "" {
		mac, err := net.ParseMAC(o.MAC)
		if err != nil {
			return p, fmt.Errorf("--mac-address %q: not a MAC address: %w", o.MAC, errdefs.ErrInvalidArgument)
		}
		p.StaticMAC = HardwareAddr(mac)
	}
	for _, a := range o.Aliases {
		if !types.NameRegex.MatchString(a) {
			return p, fmt.Errorf("--alias %q: aliases must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: %w", a, errdefs.ErrInvalidArgument)
		}
		p.Aliases = append(p.Aliases, a)
	}
	return p, nil
}

// CheckStaticIPs refuses static addresses outside the network's subnets
// at create, not at the first start.
func CheckStaticIPs(n Network, o PerNetworkOptions) error {
	for _, ip := range o.StaticIPs {
		if !inSubnets(n, ip) {
			return fmt.Errorf("requested static ip %s not in any subnet on network %s: %w", ip, n.Name, errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

func inSubnets(n Network, ip net.IP) bool {
	if n.IPAMOptions[types.Driver] != "" && n.IPAMOptions[types.Driver] != types.HostLocalIPAMDriver {
		return true // dhcp or none: the backend decides
	}
	for _, s := range n.Subnets {
		if s.Subnet.Contains(ip) {
			return true
		}
	}
	return false
}

// AssignInterfaces gives every network without an interface name the one
// Request.options would give it (eth0, eth1… in name order, skipping the
// names taken), so that names stay put when networks come and go.
func AssignInterfaces(nets map[string]PerNetworkOptions) {
	used := map[string]bool{}
	names := make([]string, 0, len(nets))
	for n, o := range nets {
		names = append(names, n)
		if o.InterfaceName != "" {
			used[o.InterfaceName] = true
		}
	}
	sort.Strings(names)
	next := 0
	for _, n := range names {
		o := nets[n]
		if o.InterfaceName != "" {
			continue
		}
		for used["eth"+strconv.Itoa(next)] {
			next++
		}
		o.InterfaceName = "eth" + strconv.Itoa(next)
		used[o.InterfaceName] = true
		nets[n] = o
	}
}

// Connect sets network name of r.Networks up in the owner's existing
// namespace (a running container joining one more network). On failure the
// backend's partial work on that network is undone.
func (m *Manager) Connect(r *Request, name string) (StatusBlock, error) {
	ni, err := m.backendNamed(r.Backend)
	if err != nil {
		return StatusBlock{}, err
	}
	opts := r.one(name)
	st, err := m.setup(ni, r.Backend, r.NSPath(), opts)
	if err != nil {
		_ = m.teardown(ni, r.Backend, r.NSPath(), opts)
		return StatusBlock{}, fmt.Errorf("connecting %s to network %s: %w", r.OwnerName, name, classify(err))
	}
	return st[name], nil
}

// Disconnect tears network name of r.Networks down in the owner's
// namespace (its interface, address, firewall rules and DNS entries). A
// piece already gone is not an error: it runs again after an interruption.
func (m *Manager) Disconnect(r *Request, name string) error {
	ni, err := m.backendNamed(r.Backend)
	if err != nil {
		return err
	}
	if err := m.teardown(ni, r.Backend, r.NSPath(), r.one(name)); err != nil {
		return fmt.Errorf("disconnecting %s from network %s: %w", r.OwnerName, name, classify(err))
	}
	return nil
}

// one is r's network options reduced to network name.
func (r *Request) one(name string) types.NetworkOptions {
	opts := r.options()
	opts.Networks = map[string]PerNetworkOptions{name: opts.Networks[name]}
	return opts
}

package network

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"go.podman.io/common/libnetwork/types"
	netutil "go.podman.io/common/libnetwork/util"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// CreateOptions are `network create`'s flags.
type CreateOptions struct {
	Name     string
	Driver   string   // bridge (default) or macvlan
	Subnets  []string // --subnet CIDR
	Gateways []string // --gateway, one per subnet in order
	IPRanges []string // --ip-range, one per subnet in order
	Internal bool
	DNS      []string // --dns: the network's DNS servers (aardvark's upstreams)
	Labels   map[string]string
	Options  map[string]string // -o
	IPv6     bool
	NoDNS    bool // --disable-dns
}

// classify maps libnetwork's errors onto pod's error classes.
func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, types.ErrNoSuchNetwork):
		return errdefs.WithClass(err, errdefs.ErrNotFound)
	case errors.Is(err, types.ErrNetworkExists):
		return errdefs.WithClass(err, errdefs.ErrAlreadyExists)
	case errors.Is(err, types.ErrInvalidArg):
		return errdefs.WithClass(err, errdefs.ErrInvalidArgument)
	}
	return err
}

// Create defines a new network.
func (m *Manager) Create(o CreateOptions) (Network, error) {
	ni, err := m.backend()
	if err != nil {
		return Network{}, err
	}
	n := Network{
		Name: o.Name, Driver: o.Driver, Internal: o.Internal, Labels: o.Labels, Options: o.Options,
		NetworkDNSServers: o.DNS, IPv6Enabled: o.IPv6, DNSEnabled: !o.NoDNS,
	}
	if n.Driver == "" {
		n.Driver = types.BridgeNetworkDriver
	}
	if n.Driver != types.BridgeNetworkDriver && n.Driver != types.MacVLANNetworkDriver {
		return Network{}, fmt.Errorf("network %s: unsupported driver %q: use bridge or macvlan: %w", o.Name, n.Driver, errdefs.ErrInvalidArgument)
	}
	if n.Driver == types.MacVLANNetworkDriver {
		n.DNSEnabled = false
		// -o parent=IFACE is the macvlan's host interface, as Podman's
		// CLI takes it out of the options
		if parent, ok := o.Options["parent"]; ok {
			if parent == "" {
				return Network{}, fmt.Errorf("network %s: -o parent= needs a host interface: %w", o.Name, errdefs.ErrInvalidArgument)
			}
			n.NetworkInterface = parent
			n.Options = make(map[string]string, len(o.Options))
			for k, v := range o.Options {
				if k != "parent" {
					n.Options[k] = v
				}
			}
		}
	}
	if len(o.Gateways) > len(o.Subnets) || len(o.IPRanges) > len(o.Subnets) {
		return Network{}, fmt.Errorf("network %s: every --gateway and --ip-range needs a --subnet: %w", o.Name, errdefs.ErrInvalidArgument)
	}
	for i, s := range o.Subnets {
		ipn, err := types.ParseCIDR(s)
		if err != nil {
			return Network{}, fmt.Errorf("network %s: --subnet %q: not a CIDR such as 10.89.7.0/24: %w", o.Name, s, errdefs.ErrInvalidArgument)
		}
		sub := types.Subnet{Subnet: ipn}
		if i < len(o.Gateways) {
			if sub.Gateway = net.ParseIP(o.Gateways[i]); sub.Gateway == nil {
				return Network{}, fmt.Errorf("network %s: --gateway %q: not an IP address: %w", o.Name, o.Gateways[i], errdefs.ErrInvalidArgument)
			}
		}
		if i < len(o.IPRanges) {
			r, err := types.ParseCIDR(o.IPRanges[i])
			if err != nil {
				return Network{}, fmt.Errorf("network %s: --ip-range %q: not a CIDR: %w", o.Name, o.IPRanges[i], errdefs.ErrInvalidArgument)
			}
			// Podman's bounds: the range's second address to its last
			// (libnetwork/util, as `podman network create` computes them).
			first, err := netutil.FirstIPInSubnet(&r.IPNet)
			if err != nil {
				return Network{}, fmt.Errorf("network %s: --ip-range %q: %w", o.Name, o.IPRanges[i], errdefs.ErrInvalidArgument)
			}
			last, err := netutil.LastIPInSubnet(&r.IPNet)
			if err != nil {
				return Network{}, fmt.Errorf("network %s: --ip-range %q: %w", o.Name, o.IPRanges[i], errdefs.ErrInvalidArgument)
			}
			sub.LeaseRange = &types.LeaseRange{StartIP: first, EndIP: last}
		}
		n.Subnets = append(n.Subnets, sub)
	}
	for _, d := range o.DNS {
		if net.ParseIP(d) == nil {
			return Network{}, fmt.Errorf("network %s: --dns %q: not an IP address: %w", o.Name, d, errdefs.ErrInvalidArgument)
		}
	}
	out, err := ni.NetworkCreate(n, nil)
	if err != nil {
		return Network{}, fmt.Errorf("network %s: %w", o.Name, classify(err))
	}
	return out, nil
}

// List returns every network, the default one included.
func (m *Manager) List() ([]Network, error) {
	ni, err := m.backend()
	if err != nil {
		return nil, err
	}
	nets, err := ni.NetworkList()
	return nets, classify(err)
}

// Inspect returns the network with this name, ID or unique ID prefix.
func (m *Manager) Inspect(nameOrID string) (Network, error) { return m.InspectIn("", nameOrID) }

// InspectIn is Inspect in backend ("" = the configured one): a container's
// networks are those of the backend it was created with.
func (m *Manager) InspectIn(backend, nameOrID string) (Network, error) {
	ni, err := m.backendNamed(backend)
	if err != nil {
		return Network{}, err
	}
	n, err := ni.NetworkInspect(nameOrID)
	if err != nil {
		return Network{}, fmt.Errorf("network %s: %w", nameOrID, classify(err))
	}
	return n, nil
}

// Remove deletes a network definition and, on the CNI backend, its
// host-local IPAM directory (libnetwork leaves it); the caller makes sure
// no container uses it.
func (m *Manager) Remove(nameOrID string) error {
	ni, err := m.backend()
	if err != nil {
		return err
	}
	name, dirs := m.ipamDirsOf(nameOrID)
	if err := ni.NetworkRemove(nameOrID); err != nil {
		if errors.Is(err, types.ErrNoSuchNetwork) {
			return classify(err) // names it already, as Podman prints it
		}
		return fmt.Errorf("network %s: %w", nameOrID, classify(err))
	}
	return removeIPAMDirs(name, dirs)
}

// CheckName refuses a network name that is not a plain name (a path, "..").
func CheckName(name string) error {
	if name == "" || strings.ContainsAny(name, "/\\") || name == "." || name == ".." || !types.NameRegex.MatchString(name) {
		return fmt.Errorf("network name %q: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: %w", name, errdefs.ErrInvalidArgument)
	}
	return nil
}

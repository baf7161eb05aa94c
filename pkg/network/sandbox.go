package network

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	cnins "github.com/containernetworking/plugins/pkg/ns"
	"github.com/vishvananda/netlink"
	"go.podman.io/common/libnetwork/types"
	"go.podman.io/common/pkg/netns"
)

// Request describes the network namespace of one owner (a container, or a
// pod's infra container) and what to set up in it.
type Request struct {
	OwnerID, OwnerName string
	Hostname           string
	// Dir is where the namespace is bind-mounted (one file per owner, named
	// by OwnerID), under pod's run root, so a later cleanup finds it.
	Dir        string
	Networks   map[string]PerNetworkOptions
	Ports      []PortMapping
	DNSServers []string // --dns: aardvark's upstream servers for this container
	// Backend is the backend the owner was created with ("" = the
	// configured one).
	Backend string
}

// NSPath is where the owner's namespace is mounted.
func (r *Request) NSPath() string { return filepath.Join(r.Dir, r.OwnerID) }

func (r *Request) options() types.NetworkOptions {
	nets := make(map[string]PerNetworkOptions, len(r.Networks))
	for n, o := range r.Networks {
		if len(o.Aliases) == 0 || o.Aliases[0] != r.OwnerName {
			o.Aliases = append([]string{r.OwnerName}, o.Aliases...)
		}
		nets[n] = o
	}
	AssignInterfaces(nets)
	return types.NetworkOptions{
		ContainerID: r.OwnerID, ContainerName: r.OwnerName, ContainerHostname: r.Hostname,
		PortMappings: r.Ports, Networks: nets, DNSServers: r.DNSServers,
	}
}

// Attach creates the owner's network namespace and sets up its networks
// and published ports. On failure nothing is left behind.
func (m *Manager) Attach(r *Request) (_ map[string]StatusBlock, retErr error) {
	ni, err := m.backendNamed(r.Backend)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(r.Dir, 0o700); err != nil {
		return nil, err
	}
	path := r.NSPath()
	if _, err := os.Stat(path); err == nil {
		// A namespace left by an interrupted run: tear it down first.
		_ = m.Detach(r)
	}
	ns, err := netns.NewNSAtPath(path)
	if err != nil {
		return nil, fmt.Errorf("creating network namespace %s: %w", path, err)
	}
	defer func() {
		if retErr != nil {
			_ = netns.UnmountNS(path)
			_ = os.Remove(path)
		}
	}()
	if len(r.Networks) == 0 {
		// Every network was disconnected: a namespace with loopback only
		// (the backends set up none without a network).
		defer func() { _ = ns.Close() }()
		if err := ns.Do(func(cnins.NetNS) error {
			lo, err := netlink.LinkByName("lo")
			if err == nil {
				err = netlink.LinkSetUp(lo)
			}
			return err
		}); err != nil {
			return nil, fmt.Errorf("setting up loopback in %s: %w", path, err)
		}
		return map[string]StatusBlock{}, nil
	}
	_ = ns.Close()
	status, err := ni.Setup(path, types.SetupOptions{NetworkOptions: r.options()})
	if err != nil {
		return nil, fmt.Errorf("setting up the network of %s: %w", r.OwnerName, classify(err))
	}
	return status, nil
}

// Detach tears the owner's networks down (addresses, firewall rules, port
// forwarding, DNS entries) and removes its namespace. Missing pieces are
// not errors: Detach runs again after an interrupted teardown.
func (m *Manager) Detach(r *Request) error {
	path := r.NSPath()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	var errs []error
	if len(r.Networks) > 0 {
		ni, err := m.backendNamed(r.Backend)
		if err != nil {
			return err
		}
		if err := ni.Teardown(path, types.TeardownOptions{NetworkOptions: r.options()}); err != nil {
			errs = append(errs, fmt.Errorf("tearing down the network of %s: %w", r.OwnerName, err))
		}
	}
	if err := netns.UnmountNS(path); err != nil {
		errs = append(errs, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Reload sets the owner's networks up again in its existing namespace with
// the addresses it had (status), after a firewall flush.
func (m *Manager) Reload(r *Request, status map[string]StatusBlock) (map[string]StatusBlock, error) {
	ni, err := m.backendNamed(r.Backend)
	if err != nil {
		return nil, err
	}
	path := r.NSPath()
	opts := r.options()
	_ = ni.Teardown(path, types.TeardownOptions{NetworkOptions: opts})
	for name, o := range opts.Networks {
		if sb, ok := status[name]; ok && len(o.StaticIPs) == 0 {
			for _, iface := range sb.Interfaces {
				for _, s := range iface.Subnets {
					o.StaticIPs = append(o.StaticIPs, s.IPNet.IP)
				}
				if len(o.StaticMAC) == 0 {
					o.StaticMAC = iface.MacAddress
				}
			}
		}
		opts.Networks[name] = o
	}
	st, err := ni.Setup(path, types.SetupOptions{NetworkOptions: opts})
	if err != nil {
		return nil, fmt.Errorf("setting up the network of %s again: %w", r.OwnerName, classify(err))
	}
	return st, nil
}

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

	"github.com/pod-engine/pod/pkg/network/rootlessnet"
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
	// Kind is the owner's --network kind: KindBridge ("" too) sets up
	// Networks with the backend, KindSlirp and KindPasta start that
	// user-mode helper with Options (package rootlessnet).
	Kind    string
	Options []string
	// Attached says the owner's record holds networks set up and not yet
	// torn down: when its namespace is gone (ip netns del, a wiped run
	// directory), Detach still releases what the backend keeps outside it.
	Attached bool
	// Status is the owner's recorded addresses per network (what Attach
	// returned), for that teardown.
	Status map[string]StatusBlock
}

// Attachment is what Attach set up.
type Attachment struct {
	NSPath string
	// Status is the addresses per backend network (bridge only: Podman
	// lists no network for the user-mode kinds).
	Status map[string]StatusBlock
	// Files is what /etc/hosts and /etc/resolv.conf need beyond Status.
	Files FileHints
	// Hold are files the container's monitor must keep open for the
	// container's life (the user-mode helper exits when they close); the
	// caller closes its copies once the monitor runs, or on failure.
	Hold []*os.File
}

// FileHints are the container's addresses and the nameservers listed
// before the host's, for a network that has no StatusBlock.
type FileHints struct {
	IPs []string `json:"ips,omitempty"`
	DNS []string `json:"dns,omitempty"`
}

// Close closes the caller's copies of the held files.
func (a *Attachment) Close() {
	for _, f := range a.Hold {
		_ = f.Close()
	}
	a.Hold = nil
}

func (r *Request) userMode() bool { return IsUserMode(r.Kind) }

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
// (or its user-mode helper) and published ports. On failure nothing is
// left behind.
func (m *Manager) Attach(r *Request) (_ *Attachment, retErr error) {
	var ni types.ContainerNetwork
	if !r.userMode() {
		var err error
		if ni, err = m.backendNamed(r.Backend); err != nil {
			return nil, err
		}
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
	if r.userMode() {
		_ = ns.Close()
		res, err := rootlessnet.Start(&rootlessnet.Options{
			Config: m.cfg, Kind: r.Kind, ID: r.OwnerID, NSPath: path, Dir: r.Dir, Ports: r.Ports, Args: r.Options,
		})
		if err != nil {
			return nil, fmt.Errorf("setting up the network of %s: %w", r.OwnerName, err)
		}
		return &Attachment{NSPath: path, Files: FileHints{IPs: res.IPs, DNS: res.DNS}, Hold: res.Hold}, nil
	}
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
		return &Attachment{NSPath: path, Status: map[string]StatusBlock{}}, nil
	}
	_ = ns.Close()
	status, err := m.setup(ni, r.Backend, path, r.options())
	if err != nil {
		return nil, fmt.Errorf("setting up the network of %s: %w", r.OwnerName, classify(err))
	}
	return &Attachment{NSPath: path, Status: status}, nil
}

// Detach tears the owner's networks down (addresses, firewall rules, port
// forwarding, DNS entries) and removes its namespace. Missing pieces are
// not errors: Detach runs again after an interrupted teardown.
func (m *Manager) Detach(r *Request) error {
	path := r.NSPath()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if r.userMode() {
			rootlessnet.Stop(r.Dir, r.OwnerID)
			return nil
		}
		if !r.Attached || len(r.Networks) == 0 {
			return nil
		}
		// Removed under the owner: the addresses, firewall rules and port
		// forwarding are the backend's, outside the namespace (orphan.go).
		ni, err := m.backendNamed(r.Backend)
		if err != nil {
			return err
		}
		if err := m.teardownOrphan(r, ni); err != nil {
			return fmt.Errorf("tearing down the network of %s (its namespace %s was removed): %w", r.OwnerName, path, err)
		}
		return nil
	}
	var errs []error
	if r.userMode() {
		// Normally gone already: its exit pipe closed with the monitor
		// (slirp4netns), or it quits when the namespace goes (pasta).
		rootlessnet.Stop(r.Dir, r.OwnerID)
	} else if len(r.Networks) > 0 {
		ni, err := m.backendNamed(r.Backend)
		if err != nil {
			return err
		}
		if err := m.teardown(ni, r.Backend, path, r.options()); err != nil {
			errs = append(errs, fmt.Errorf("tearing down the network of %s: %w", r.OwnerName, err))
		}
	}
	if err := netns.UnmountNS(path); err != nil {
		errs = append(errs, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, err)
	}
	if r.userMode() {
		rootlessnet.Stop(r.Dir, r.OwnerID) // pasta after its namespace went
	}
	return errors.Join(errs...)
}

// Reload sets the owner's networks up again in its existing namespace with
// the addresses it had (status), after a firewall flush.
func (m *Manager) Reload(r *Request, status map[string]StatusBlock) (map[string]StatusBlock, error) {
	if r.userMode() {
		return status, nil // no firewall rules: the helper forwards in user space
	}
	ni, err := m.backendNamed(r.Backend)
	if err != nil {
		return nil, err
	}
	path := r.NSPath()
	opts := r.options()
	_ = m.teardown(ni, r.Backend, path, opts)
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
	st, err := m.setup(ni, r.Backend, path, opts)
	if err != nil {
		return nil, fmt.Errorf("setting up the network of %s again: %w", r.OwnerName, classify(err))
	}
	return st, nil
}

// UserModeAvailable says why the user-mode network kind (KindSlirp,
// KindPasta) cannot run here: its binary is missing or /dev/net/tun is
// closed to this user. nil when it can.
func (m *Manager) UserModeAvailable(kind string) error {
	return rootlessnet.Available(m.cfg, kind)
}

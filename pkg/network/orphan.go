package network

import (
	"errors"
	"fmt"
	"os"

	cnins "github.com/containernetworking/plugins/pkg/ns"
	"github.com/vishvananda/netlink"
	"go.podman.io/common/libnetwork/types"
	"go.podman.io/common/pkg/netns"
)

// teardownOrphan releases what the backend keeps for an owner whose
// namespace was removed under it (ip netns del, a wiped run directory):
// addresses, port forwarding and masquerade rules. The backends find the
// masquerade rules from the interfaces in the namespace (CNI's bridge
// plugin deletes the interface and tears down the rules of the addresses it
// had; with no namespace it only frees the addresses, and Podman leaks the
// rules). So the teardown gets a stand-in namespace holding a stand-in
// interface per recorded interface, with its name and addresses; without a
// record, the backend tears down with no namespace at all.
func (m *Manager) teardownOrphan(r *Request, ni types.ContainerNetwork) error {
	opts := r.options()
	if len(r.Status) == 0 {
		return m.teardown(ni, r.Backend, "", opts)
	}
	tmp, err := os.CreateTemp(r.Dir, ".orphan-"+r.OwnerID+"-")
	if err != nil {
		return err
	}
	path := tmp.Name()
	tmp.Close()
	os.Remove(path)
	ns, err := netns.NewNSAtPath(path)
	if err != nil {
		return fmt.Errorf("creating a stand-in network namespace: %w", err)
	}
	defer func() {
		_ = netns.UnmountNS(path)
		_ = os.Remove(path)
	}()
	err = ns.Do(func(cnins.NetNS) error {
		n := 0
		for _, sb := range r.Status {
			for name, iface := range sb.Interfaces {
				// A veth pair, both ends here (kernels without the dummy
				// driver have veth: every bridge network needs it).
				n++
				link := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: name}, PeerName: fmt.Sprintf("orphan%d", n)}
				if err := netlink.LinkAdd(link); err != nil {
					return fmt.Errorf("interface %s: %w", name, err)
				}
				for _, sn := range iface.Subnets {
					if sn.IPNet.IP == nil {
						continue
					}
					ipn := sn.IPNet.IPNet
					if err := netlink.AddrAdd(link, &netlink.Addr{IPNet: &ipn}); err != nil {
						return fmt.Errorf("address %s on %s: %w", sn.IPNet.String(), name, err)
					}
				}
			}
		}
		return nil
	})
	_ = ns.Close()
	if err != nil {
		// Still free what can be freed without interfaces.
		return errors.Join(fmt.Errorf("stand-in namespace: %w", err), m.teardown(ni, r.Backend, "", opts))
	}
	return m.teardown(ni, r.Backend, path, opts)
}

package network

import (
	"net"
	"os"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"go.podman.io/common/libnetwork/types"
)

// A CNI ADD that fails in the middle (a plugin after the bridge returns an
// error) is torn down by libnetwork at once, inside its Setup, without a
// result: libcni caches one only after the list's last plugin. The bridge
// plugin's DEL then removes the interface and frees the address, but the
// firewall plugin's DEL, given no result, keeps its CNI-FORWARD rules for
// that address (dnsname its name). By the time Setup returns the namespace
// no longer shows the address, so setup watches the namespace's links and
// addresses (netlink notifications) while the plugins run; after a failed
// setup it writes the result they saw to libcni's cache, as the ADD would
// have (cniresult.go), and runs the teardown again with it.

// setup runs the backend's setup of opts in the namespace at path. On the
// CNI backend a failed setup is then torn down with the result its plugins
// saw, so nothing of it stays.
func (m *Manager) setup(ni types.ContainerNetwork, backend, path string, opts types.NetworkOptions) (map[string]StatusBlock, error) {
	if backend == "" {
		backend = m.Backend()
	}
	if backend != string(types.CNI) {
		return ni.Setup(path, types.SetupOptions{NetworkOptions: opts})
	}
	w := watchNS(path)
	st, err := ni.Setup(path, types.SetupOptions{NetworkOptions: opts})
	if w == nil {
		return st, err
	}
	if err == nil {
		w.stop(0)
		return st, nil
	}
	seen := w.stop(200 * time.Millisecond)
	failed := types.NetworkOptions{
		ContainerID: opts.ContainerID, ContainerName: opts.ContainerName, ContainerHostname: opts.ContainerHostname,
		PortMappings: opts.PortMappings, DNSServers: opts.DNSServers, Networks: map[string]PerNetworkOptions{},
	}
	for name, o := range opts.Networks {
		ifc := seen[o.InterfaceName]
		if ifc == nil || len(ifc.ips) == 0 {
			continue // no address: no plugin after the bridge ran
		}
		file := cniCachePath(name, opts.ContainerID, o.InterfaceName)
		if _, err := os.Stat(file); !os.IsNotExist(err) {
			continue
		}
		if m.writeCNIResult(file, path, name, opts, o.InterfaceName, ifc.ips, ifc.mac) == nil {
			failed.Networks[name] = o
		}
	}
	if len(failed.Networks) > 0 {
		_ = ni.Teardown(path, types.TeardownOptions{NetworkOptions: failed})
	}
	return st, err
}

// seenIface is what the watch saw of one interface.
type seenIface struct {
	mac string
	ips []net.IPNet
}

// nsWatch collects the link and address notifications of one namespace.
type nsWatch struct {
	done  chan struct{}
	mu    sync.Mutex
	last  time.Time
	names map[int]string // link index → name
	macs  map[int]string
	ips   map[int][]net.IPNet
}

// watchNS starts watching the namespace at path (nil if it cannot).
func watchNS(path string) *nsWatch {
	h, err := netns.GetFromPath(path)
	if err != nil {
		return nil
	}
	defer func() { _ = h.Close() }()
	w := &nsWatch{done: make(chan struct{}), names: map[int]string{}, macs: map[int]string{}, ips: map[int][]net.IPNet{}}
	links := make(chan netlink.LinkUpdate, 64)
	addrs := make(chan netlink.AddrUpdate, 64)
	if err := netlink.LinkSubscribeWithOptions(links, w.done, netlink.LinkSubscribeOptions{Namespace: &h}); err != nil {
		close(w.done)
		return nil
	}
	if err := netlink.AddrSubscribeWithOptions(addrs, w.done, netlink.AddrSubscribeOptions{Namespace: &h}); err != nil {
		close(w.done)
		return nil
	}
	go func() {
		for u := range links {
			if a := u.Attrs(); a != nil {
				w.mu.Lock()
				w.names[a.Index], w.macs[a.Index], w.last = a.Name, a.HardwareAddr.String(), time.Now()
				w.mu.Unlock()
			}
		}
	}()
	go func() {
		for u := range addrs {
			if u.NewAddr && u.LinkAddress.IP.IsGlobalUnicast() {
				w.mu.Lock()
				w.ips[u.LinkIndex], w.last = append(w.ips[u.LinkIndex], u.LinkAddress), time.Now()
				w.mu.Unlock()
			}
		}
	}()
	return w
}

// stop ends the watch once no notification came for quiet (the last ones
// of a finished setup may still be on their way) and returns what it saw
// by interface name.
func (w *nsWatch) stop(quiet time.Duration) map[string]*seenIface {
	for end := time.Now().Add(10 * quiet); quiet > 0 && time.Now().Before(end); time.Sleep(quiet / 4) {
		w.mu.Lock()
		last := w.last
		w.mu.Unlock()
		if time.Since(last) >= quiet {
			break
		}
	}
	close(w.done)
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]*seenIface{}
	for idx, ips := range w.ips {
		if name := w.names[idx]; name != "" {
			out[name] = &seenIface{mac: w.macs[idx], ips: ips}
		}
	}
	return out
}

package network

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/containernetworking/cni/libcni"
	current "github.com/containernetworking/cni/pkg/types/100"
	cnins "github.com/containernetworking/plugins/pkg/ns"
	"github.com/vishvananda/netlink"
	"go.podman.io/common/libnetwork/types"
)

// A CNI teardown (DEL) hands each plugin the result its ADD returned, which
// libcni caches in <libcni.CacheDir>/results/NET-ID-IFNAME once the whole
// list of plugins has run. The firewall plugin deletes its CNI-FORWARD rules
// for the addresses of that result and the dnsname plugin drops the
// container's name (and stops the network's dnsmasq with the last one) only
// with it: without a cached result both do nothing. A pod process SIGKILLed
// during the ADD (after the bridge plugin, before the cache was written)
// leaves such rules and names behind, and no DEL could find them. So
// before a teardown, restoreCNIResults writes the cached result such an ADD
// would have written, built from what the namespace holds: the interface's
// addresses are there exactly when the plugins after the bridge may have
// run.

// teardown runs the backend's teardown of opts in the namespace at path
// ("" when there is none), first restoring the CNI results a cut-short
// setup did not cache.
func (m *Manager) teardown(ni types.ContainerNetwork, backend, path string, opts types.NetworkOptions) error {
	if backend == "" {
		backend = m.Backend()
	}
	if path != "" && backend == string(types.CNI) {
		m.restoreCNIResults(path, opts)
	}
	return ni.Teardown(path, types.TeardownOptions{NetworkOptions: opts})
}

// cniCacheEntry is libcni's cache file (its cachedInfo, kind cniCacheV1).
type cniCacheEntry struct {
	Kind           string         `json:"kind"`
	ContainerID    string         `json:"containerId"`
	Config         []byte         `json:"config"`
	IfName         string         `json:"ifName"`
	NetworkName    string         `json:"networkName"`
	NetNS          string         `json:"netns,omitempty"`
	CapabilityArgs map[string]any `json:"capabilityArgs,omitempty"`
	Result         map[string]any `json:"result,omitempty"`
}

// cniCachePath is libcni's cache file of network net's ADD for a
// container's interface (libnetwork keeps libcni's default directory).
func cniCachePath(net, id, ifname string) string {
	return filepath.Join(libcni.CacheDir, "results", net+"-"+id+"-"+ifname)
}

// restoreCNIResults writes, for each network of opts whose ADD result is
// not cached, the result read from the namespace at path. Best effort: what
// it cannot restore is torn down as before (addresses and interfaces).
func (m *Manager) restoreCNIResults(path string, opts types.NetworkOptions) {
	missing := false
	for name, o := range opts.Networks {
		if _, err := os.Stat(cniCachePath(name, opts.ContainerID, o.InterfaceName)); os.IsNotExist(err) {
			missing = true
		}
	}
	if !missing {
		return
	}
	// The plugin a killed pod process was running goes on as an orphan:
	// let it finish, so that its work is torn down too.
	waitCNIPlugins(m.cfg.Network.CNIPluginDirs.Get(), opts.ContainerID, 10*time.Second)
	for name, o := range opts.Networks {
		file := cniCachePath(name, opts.ContainerID, o.InterfaceName)
		if _, err := os.Stat(file); !os.IsNotExist(err) {
			continue
		}
		ips, mac, err := interfaceAddrs(path, o.InterfaceName)
		if err != nil || len(ips) == 0 {
			continue // no address: no plugin after the bridge ran
		}
		_ = m.writeCNIResult(file, path, name, opts, o.InterfaceName, ips, mac) // without it, the DEL as before
	}
}

// writeCNIResult writes to file libcni's cache entry of network name's ADD
// for interface ifname (addresses ips, MAC mac) in the namespace at path:
// the result the plugins of an ADD that was cut short saw.
func (m *Manager) writeCNIResult(file, path, name string, opts types.NetworkOptions, ifname string, ips []net.IPNet, mac string) error {
	n, err := m.InspectIn(string(types.CNI), name)
	if err != nil {
		return err
	}
	list, err := libcni.LoadNetworkConf(m.cniConfDir(), name)
	if err != nil {
		return err
	}
	res := &current.Result{
		CNIVersion: current.ImplementedSpecVersion,
		Interfaces: []*current.Interface{{Name: n.NetworkInterface}, {Name: ifname, Mac: mac, Sandbox: path}},
	}
	for _, ip := range ips {
		res.IPs = append(res.IPs, &current.IPConfig{Address: ip, Interface: current.Int(1), Gateway: gatewayOf(n, ip.IP)})
	}
	entry := cniCacheEntry{
		Kind: libcni.CNICacheV1, ContainerID: opts.ContainerID, Config: list.Bytes,
		IfName: ifname, NetworkName: name, NetNS: path,
	}
	if ports := cniPortMappings(opts.PortMappings); len(ports) > 0 {
		// The cached entry's capabilities replace libnetwork's: the
		// portmap plugin's DEL needs its mappings.
		entry.CapabilityArgs = map[string]any{"portMappings": ports}
	}
	return writeCNICache(file, res, &entry)
}

// writeCNICache writes entry with result res to file, as libcni does.
func writeCNICache(file string, res *current.Result, entry *cniCacheEntry) error {
	raw, err := json.Marshal(res)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &entry.Result); err != nil {
		return err
	}
	data, err := json.Marshal(entry)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o600)
}

// interfaceAddrs returns the global addresses and the MAC of interface
// ifname in the namespace at path.
func interfaceAddrs(path, ifname string) (ips []net.IPNet, mac string, err error) {
	err = cnins.WithNetNSPath(path, func(cnins.NetNS) error {
		link, err := netlink.LinkByName(ifname)
		if err != nil {
			return err
		}
		mac = link.Attrs().HardwareAddr.String()
		addrs, err := netlink.AddrList(link, netlink.FAMILY_ALL)
		if err != nil {
			return err
		}
		for _, a := range addrs {
			if a.IPNet != nil && a.IP.IsGlobalUnicast() {
				ips = append(ips, *a.IPNet)
			}
		}
		return nil
	})
	return ips, mac, err
}

// gatewayOf is the gateway of n's subnet holding ip (nil if none).
func gatewayOf(n Network, ip net.IP) net.IP {
	for _, s := range n.Subnets {
		if s.Subnet.Contains(ip) {
			return s.Gateway
		}
	}
	return nil
}

// cniPortMapping is the portmap plugin's runtime entry (libnetwork's
// cniPortMapEntry).
type cniPortMapping struct {
	HostPort      int    `json:"hostPort"`
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
	HostIP        string `json:"hostIP,omitempty"`
}

// cniPortMappings expands ranges and protocol lists, as libnetwork does
// for the portmap plugin.
func cniPortMappings(ports []types.PortMapping) []cniPortMapping {
	var out []cniPortMapping
	for _, p := range ports {
		for _, proto := range strings.Split(p.Protocol, ",") {
			for i := 0; i < max(int(p.Range), 1); i++ {
				out = append(out, cniPortMapping{HostPort: int(p.HostPort) + i, ContainerPort: int(p.ContainerPort) + i, Protocol: proto, HostIP: p.HostIP})
			}
		}
	}
	return out
}

// waitCNIPlugins waits, up to limit, until no CNI plugin of dirs is adding
// the container with ID id (one a killed pod process started goes on).
func waitCNIPlugins(dirs []string, id string, limit time.Duration) {
	want := "CNI_CONTAINERID=" + id
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if !cniPluginRunning(dirs, want) {
			return
		}
	}
}

// cniPluginRunning reports whether a plugin of dirs runs with env entry
// want and CNI_COMMAND=ADD. The daemons plugins start (dnsname's dnsmasq)
// keep that environment: a plugin is a program of dirs (argv[0], or
// argv[1] for a script).
func cniPluginRunning(dirs []string, want string) bool {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range procs {
		cmd, err := os.ReadFile(filepath.Join(dir, "cmdline"))
		if err != nil || !inDirs(dirs, strings.SplitN(string(cmd), "\x00", 3)) {
			continue
		}
		env, err := os.ReadFile(filepath.Join(dir, "environ"))
		if err != nil {
			continue
		}
		found, add := false, false
		for _, kv := range strings.Split(string(env), "\x00") {
			found = found || kv == want
			add = add || kv == "CNI_COMMAND=ADD"
		}
		if found && add {
			return true
		}
	}
	return false
}

// inDirs reports whether argv[0] or argv[1] is a file in one of dirs.
func inDirs(dirs, argv []string) bool {
	for i, a := range argv {
		if i > 1 {
			break
		}
		for _, d := range dirs {
			if filepath.Dir(a) == filepath.Clean(d) {
				return true
			}
		}
	}
	return false
}

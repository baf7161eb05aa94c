// Package network owns container networks: the network definitions (create,
// list, inspect, remove), a container's network namespace and its setup and
// teardown (addresses, published ports, DNS names), and the parsing of the
// --network and -p values. It wraps go.podman.io/common's libnetwork with
// the netavark backend (see docs/networks.md for why not CNI here), so the
// networks, the IPAM database and the firewall rules are the ones Podman
// uses; nothing here writes iptables rules by hand. The user-mode networks
// (slirp4netns, pasta) are package rootlessnet, reached through the same
// Attach and Detach.
//
// The unit of setup is a network namespace owned by one container (Attach /
// Detach): a container uses it for itself, a pod's infra container would use
// it for all the pod's containers.
package network

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"go.podman.io/common/libnetwork/netavark"
	"go.podman.io/common/libnetwork/types"
	"go.podman.io/common/pkg/config"
	"go.podman.io/storage/pkg/homedir"
	"go.podman.io/storage/pkg/unshare"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Re-exported libnetwork types, so callers need not import libnetwork.
type (
	Network           = types.Network
	StatusBlock       = types.StatusBlock
	PortMapping       = types.PortMapping
	PerNetworkOptions = types.PerNetworkOptions
)

// DefaultNetwork is the name of the default bridge network (Podman's).
const DefaultNetwork = "podman"

// Default paths, the same as Podman's for root. An ordinary user's are
// Podman's rootless ones (rootlessDirs).
const (
	defaultConfigDir = "/etc/containers/networks"
	defaultRunDir    = "/run/containers/networks"
	cniConfigDir     = "/etc/cni/net.d"
)

// Manager is the network subsystem of one pod process. The backend is
// opened on first use: a container without networks never pays for it.
type Manager struct {
	cfg *config.Config
	mu  sync.Mutex
	nis map[string]types.ContainerNetwork // by backend name
	// the store's roots: an ordinary user's netavark networks live under
	// them (StoreRoots)
	graphRoot, runRoot string
}

// StoreRoots gives m the store's graph and run roots. For an ordinary user
// the defaults are Podman 4.3's rootless ones: netavark's networks in
// GRAPHROOT/networks and its run files in RUNROOT/networks, CNI's in
// $XDG_CONFIG_HOME/cni/net.d (~/.config/cni/net.d), so a user never opens
// root's /etc/containers/networks or /etc/cni/net.d.
func (m *Manager) StoreRoots(graphRoot, runRoot string) *Manager {
	m.graphRoot, m.runRoot = graphRoot, runRoot
	return m
}

// rootlessDirs returns the netavark config and run directories and the CNI
// config directory for an ordinary user, or ok false for root (or when no
// store roots were given).
func (m *Manager) rootlessDirs() (netavarkConf, netavarkRun, cni string, ok bool) {
	if !unshare.IsRootless() || m.graphRoot == "" || m.runRoot == "" {
		return "", "", "", false
	}
	home, err := homedir.GetConfigHome()
	if err != nil {
		home = filepath.Join(m.graphRoot, "cni-config")
	}
	return filepath.Join(m.graphRoot, "networks"), filepath.Join(m.runRoot, "networks"), filepath.Join(home, "cni", "net.d"), true
}

// New returns a Manager for containers.conf cfg (network_backend,
// network_config_dir, default_network, default_subnet, helper_binaries_dir).
func New(cfg *config.Config) *Manager {
	return &Manager{cfg: cfg, nis: map[string]types.ContainerNetwork{}}
}

// Backend is the network backend in use: containers.conf network_backend,
// else "cni" when the CNI config directory holds a network list (Podman on
// Debian 12 uses CNI: sharing its networks and its cni-podman0 bridge
// avoids two bridges with the default 10.88.0.0/16 subnet), else "netavark".
func (m *Manager) Backend() string {
	if b := m.cfg.Network.NetworkBackend; b != "" {
		return b
	}
	if !cniBuilt {
		return string(types.Netavark)
	}
	if _, err := m.cfg.FindHelperBinary("netavark", false); err != nil {
		return string(types.CNI)
	}
	dir := cniConfigDir
	if _, _, cni, ok := m.rootlessDirs(); ok {
		dir = cni
	}
	if lists, _ := filepath.Glob(filepath.Join(dir, "*.conflist")); len(lists) > 0 {
		return string(types.CNI)
	}
	return string(types.Netavark)
}

func (m *Manager) backend() (types.ContainerNetwork, error) { return m.backendNamed("") }

// cniConfDir is where the CNI backend keeps its network lists:
// network_config_dir, else /etc/cni/net.d (an ordinary user's own one).
func (m *Manager) cniConfDir() string {
	if d := m.cfg.Network.NetworkConfigDir; d != "" {
		return d
	}
	if _, _, cni, ok := m.rootlessDirs(); ok {
		return cni
	}
	return cniConfigDir
}

// backendNamed opens backend name ("" = Backend()): a container is torn
// down by the backend that set it up, whatever the configuration says now.
func (m *Manager) backendNamed(name string) (types.ContainerNetwork, error) {
	if name == "" {
		name = m.Backend()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if ni, ok := m.nis[name]; ok {
		return ni, nil
	}
	confDir := m.cfg.Network.NetworkConfigDir
	var ni types.ContainerNetwork
	var err error
	switch name {
	case string(types.Netavark):
		ni, err = m.openNetavark(confDir)
	case string(types.CNI):
		ni, err = newCNI(m.cfg, m.cniConfDir())
	default:
		err = fmt.Errorf("network_backend %q in containers.conf: unknown backend, use \"netavark\" or \"cni\": %w", name, errdefs.ErrInvalidArgument)
	}
	if err != nil {
		return nil, err
	}
	m.nis[name] = ni
	return ni, nil
}

func (m *Manager) openNetavark(confDir string) (types.ContainerNetwork, error) {
	bin, err := m.cfg.FindHelperBinary("netavark", false)
	if err != nil {
		return nil, fmt.Errorf("netavark not found (install the netavark package, `make setup` does): %w", err)
	}
	aardvark, _ := m.cfg.FindHelperBinary("aardvark-dns", false)
	runDir := defaultRunDir
	if conf, run, _, ok := m.rootlessDirs(); ok {
		runDir = run
		if confDir == "" {
			confDir = conf
		}
	}
	if confDir == "" {
		confDir = defaultConfigDir
	}
	if v := os.Getenv("POD_NETWORK_RUN_DIR"); v != "" {
		runDir = filepath.Clean(v)
	}
	return netavark.NewNetworkInterface(&netavark.InitConfig{
		Config:           m.cfg,
		NetworkConfigDir: confDir,
		NetworkRunDir:    runDir,
		NetavarkBinary:   bin,
		AardvarkBinary:   aardvark,
	})
}

// DefaultName is the default network's name (default_network, else "podman").
func (m *Manager) DefaultName() string {
	if n := m.cfg.Network.DefaultNetwork; n != "" {
		return n
	}
	return DefaultNetwork
}

// HardwareAddr is libnetwork's MAC address type.
type HardwareAddr = types.HardwareAddr

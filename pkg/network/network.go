// Package network owns container networks: the network definitions (create,
// list, inspect, remove), a container's network namespace and its setup and
// teardown (addresses, published ports, DNS names), and the parsing of the
// --network and -p values. It wraps go.podman.io/common's libnetwork with
// the netavark backend (see docs/networks.md for why not CNI here), so the
// networks, the IPAM database and the firewall rules are the ones Podman
// uses; nothing here writes iptables rules by hand.
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

// Default paths, the same as Podman's for root.
const (
	defaultConfigDir = "/etc/containers/networks"
	defaultRunDir    = "/run/containers/networks"
	cniConfigDir     = "/etc/cni/net.d"
)

// Manager is the network subsystem of one pod process. The backend is
// opened on first use: a container without networks never pays for it.
type Manager struct {
	cfg  *config.Config
	once sync.Once
	ni   types.ContainerNetwork
	err  error
}

// New returns a Manager for containers.conf cfg (network_backend,
// network_config_dir, default_network, default_subnet, helper_binaries_dir).
func New(cfg *config.Config) *Manager { return &Manager{cfg: cfg} }

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
	if lists, _ := filepath.Glob(filepath.Join(cniConfigDir, "*.conflist")); len(lists) > 0 {
		return string(types.CNI)
	}
	return string(types.Netavark)
}

func (m *Manager) backend() (types.ContainerNetwork, error) {
	m.once.Do(func() {
		confDir := m.cfg.Network.NetworkConfigDir
		switch m.Backend() {
		case string(types.Netavark):
		case string(types.CNI):
			if confDir == "" {
				confDir = cniConfigDir
			}
			m.ni, m.err = newCNI(m.cfg, confDir)
			return
		default:
			m.err = fmt.Errorf("network_backend %q in containers.conf: unknown backend, use \"netavark\" or \"cni\": %w", m.Backend(), errdefs.ErrInvalidArgument)
			return
		}
		bin, err := m.cfg.FindHelperBinary("netavark", false)
		if err != nil {
			m.err = fmt.Errorf("netavark not found (install the netavark package, `make setup` does): %w", err)
			return
		}
		aardvark, _ := m.cfg.FindHelperBinary("aardvark-dns", false)
		if confDir == "" {
			confDir = defaultConfigDir
		}
		runDir := defaultRunDir
		if v := os.Getenv("POD_NETWORK_RUN_DIR"); v != "" {
			runDir = filepath.Clean(v)
		}
		m.ni, m.err = netavark.NewNetworkInterface(&netavark.InitConfig{
			Config:           m.cfg,
			NetworkConfigDir: confDir,
			NetworkRunDir:    runDir,
			NetavarkBinary:   bin,
			AardvarkBinary:   aardvark,
		})
	})
	return m.ni, m.err
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

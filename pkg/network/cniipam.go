package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/containernetworking/cni/libcni"
	"go.podman.io/common/libnetwork/types"
	"go.podman.io/storage/pkg/unshare"
)

// cniIPAMDir is the host-local IPAM plugin's default dataDir: it keeps a
// network's reservations, its lock file and last_reserved_ip.N in
// <dataDir>/<network name>.
const cniIPAMDir = "/var/lib/cni/networks"

// hostLocalDirs returns the host-local IPAM directories of CNI network
// name (one per plugin of its list using host-local): what its network
// list names, read before the list is removed. A name that is not a plain
// network name (CheckName) gives none, so nothing outside dataDir is ever
// named.
func (m *Manager) hostLocalDirs(name string) []string {
	if CheckName(name) != nil {
		return nil
	}
	list, err := libcni.LoadNetworkConf(m.cniConfDir(), name)
	if err != nil {
		return nil
	}
	var dirs []string
	for _, p := range list.Plugins {
		var conf struct {
			IPAM struct {
				Type    string `json:"type"`
				DataDir string `json:"dataDir"`
			} `json:"ipam"`
		}
		if json.Unmarshal(p.Bytes, &conf) != nil || conf.IPAM.Type != "host-local" {
			continue
		}
		base := cniIPAMDir
		if conf.IPAM.DataDir != "" {
			base = filepath.Clean(conf.IPAM.DataDir)
		}
		dir := filepath.Join(base, name)
		if filepath.Dir(dir) != base {
			continue
		}
		dirs = append(dirs, dir)
	}
	return dirs
}

// removeIPAMDirs removes a removed CNI network's host-local directories.
// Only the files host-local writes may be there: the lock,
// last_reserved_ip.N and reservations (named by address). It runs after
// the network is gone and no container uses it, so a reservation left is
// a stale one (a container torn down without its DEL).
func removeIPAMDirs(name string, dirs []string) error {
	var errs []error
	for _, dir := range dirs {
		if err := os.RemoveAll(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("network %s: removing its IPAM directory: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// ipamDirsOf returns what removeIPAMDirs should remove once network
// nameOrID is removed: its host-local directories when the configured
// backend is CNI and pod runs as root, none for netavark (whose IPAM is
// one database).
func (m *Manager) ipamDirsOf(nameOrID string) (string, []string) {
	// An ordinary user's CNI networks have no host-local state here
	// (pod sets up no rootless bridge); root's directory of the same name
	// is not theirs.
	if m.Backend() != string(types.CNI) || unshare.IsRootless() {
		return "", nil
	}
	n, err := m.Inspect(nameOrID)
	if err != nil {
		return "", nil
	}
	return n.Name, m.hostLocalDirs(n.Name)
}

//go:build cni

package network

import (
	"go.podman.io/common/libnetwork/cni"
	"go.podman.io/common/libnetwork/types"
	"go.podman.io/common/pkg/config"
)

// cniBuilt: this binary has libnetwork's CNI backend (build tag cni).
const cniBuilt = true

// newCNI opens the CNI backend on confDir (Podman's /etc/cni/net.d).
func newCNI(cfg *config.Config, confDir string) (types.ContainerNetwork, error) {
	return cni.NewCNINetworkInterface(&cni.InitConfig{Config: cfg, CNIConfigDir: confDir, RunDir: cfg.Engine.TmpDir})
}

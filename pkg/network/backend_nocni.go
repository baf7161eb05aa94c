//go:build !cni

package network

import (
	"fmt"

	"go.podman.io/common/libnetwork/types"
	"go.podman.io/common/pkg/config"

	"github.com/pod-engine/pod/pkg/errdefs"
)

const cniBuilt = false

func newCNI(*config.Config, string) (types.ContainerNetwork, error) {
	return nil, fmt.Errorf("network_backend \"cni\": this pod binary was built without the cni build tag (make build adds it); set network_backend = \"netavark\" in containers.conf: %w", errdefs.ErrNotImplemented)
}

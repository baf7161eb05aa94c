package libpod

import "go.podman.io/common/pkg/config"

// podmanDefaultCapabilities is Podman 4.3.1's built-in default_capabilities
// (its go.podman.io/common v0.50): the 11 that common v0.65.0 keeps, plus
// AUDIT_WRITE, MKNOD and NET_RAW, which later versions dropped.
var podmanDefaultCapabilities = []string{
	"CAP_AUDIT_WRITE",
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_MKNOD",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_RAW",
	"CAP_SETFCAP",
	"CAP_SETGID",
	"CAP_SETPCAP",
	"CAP_SETUID",
	"CAP_SYS_CHROOT",
}

// The library's built-in default is the value before any containers.conf is
// read; a file that sets default_capabilities (the distribution's
// /usr/share/containers/containers.conf does) still decides, as in Podman.
// Only where no file sets it does pod give Podman 4.3.1's 14 capabilities
// instead of common v0.65.0's 11.
func init() {
	config.DefaultCapabilities = append([]string(nil), podmanDefaultCapabilities...)
}

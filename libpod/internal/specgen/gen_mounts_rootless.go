package specgen

import (
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// hostMqueue is the host's POSIX message queue filesystem (a variable for
// the tests).
var hostMqueue = "/dev/mqueue"

// rootlessHostNSMounts replaces, for an ordinary user's container in the
// host's PID or IPC namespace, the default /proc and /dev/mqueue (m[0] and
// m[4] of defaultMounts) by binds of the host's, as Podman: proc and mqueue
// can only be mounted by the owner of the namespace, the initial user
// namespace there (crun and runc fail with EPERM). Without a host
// /dev/mqueue, --ipc host is refused (Podman fails on its statfs).
func (g *gen) rootlessHostNSMounts(m []specs.Mount) error {
	if !g.h.Rootless {
		return nil
	}
	if g.p.NS.PID.Kind == nsHost {
		m[0] = specs.Mount{Destination: "/proc", Type: "bind", Source: "/proc", Options: []string{"rbind", "nosuid", "noexec", "nodev", "rw", "rprivate"}}
	}
	if g.p.NS.IPC.Kind == nsHost {
		if _, err := os.Stat(hostMqueue); err != nil {
			return flagError(flagIPC, "host", "an ordinary user's container in the host's IPC namespace binds the host's %s, which cannot be used (%v): mount it as root (mount -t mqueue mqueue %s) or choose another --ipc", hostMqueue, err, hostMqueue)
		}
		m[4] = specs.Mount{Destination: "/dev/mqueue", Type: "bind", Source: hostMqueue, Options: []string{"bind", "nosuid", "noexec", "nodev"}}
	}
	return nil
}

package libpod

import (
	"strconv"

	"github.com/pod-engine/pod/pkg/ocirt"
)

// ListenFDs are the sockets systemd passed the calling process (socket
// activation, sd_listen_fds(3)): fds 3 … 3+N-1, and their names.
type ListenFDs struct {
	N     int
	Names string // LISTEN_FDNAMES, as systemd gave it
}

// socketActivation hands a socket-activated caller's sockets on, as Podman
// does: the container gets them as fds 3… (--preserve-fds N) with
// LISTEN_FDS=N and LISTEN_PID=1 (its first process is pid 1 in its pid
// namespace), and LISTEN_FDNAMES when systemd named them. --preserve-fds
// wins, and a runtime that cannot pass fds runs the container without them;
// both warn. The caller hands the files over (Container.PreserveFDs) when
// o.PreserveFDs grew.
func (r *Runtime) socketActivation(h ocirt.Handle, o *CreateOptions) {
	if o.Listen.N <= 0 {
		return
	}
	switch {
	case o.PreserveFDs > 0:
		r.warnf("Ignoring LISTEN_FDS to preserve custom user-specified FDs")
		return
	case r.registry.Require(h, ocirt.CapPreserveFDs) != nil:
		r.warnf("runtime %s cannot pass file descriptors to a container: the %d socket(s) of LISTEN_FDS (systemd socket activation) are not passed", h.Name, o.Listen.N)
		return
	}
	o.PreserveFDs = o.Listen.N
	o.Spec.Env = append(o.Spec.Env, "LISTEN_FDS="+strconv.Itoa(o.Listen.N), "LISTEN_PID=1")
	if o.Listen.Names != "" {
		o.Spec.Env = append(o.Spec.Env, "LISTEN_FDNAMES="+o.Listen.Names)
	}
}

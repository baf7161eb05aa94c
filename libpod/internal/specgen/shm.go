package specgen

import (
	"fmt"

	units "github.com/docker/go-units"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// defaultShmSize is containers.conf's default shm_size, "65536k", read as
// Podman 4.3.1 reads it (decimal units): 65536000 bytes, /dev/shm of 64000k.
const defaultShmSize = 65536000

// ShmSize is the size of a container's own /dev/shm: --shm-size (binary
// units: 64m is 64 MiB), else containers.conf's shm_size, else its default.
// Podman 4.3.1 reads shm_size with decimal units (units.FromHumanSize:
// "65536k" is 65536000 bytes), unlike the flag; so does pod.
func ShmSize(o *Options, d *Defaults) (int64, error) {
	if o.ShmSize != "" {
		return parseShmSize(flagShmSize, o.ShmSize)
	}
	if d != nil && d.ShmSize != "" {
		n, err := units.FromHumanSize(d.ShmSize)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("containers.conf shm_size %q: want a positive size like 65536k: %w", d.ShmSize, errdefs.ErrInvalidArgument)
		}
		return n, nil
	}
	return defaultShmSize, nil
}

// parseShmSize parses a /dev/shm size given by flag (a positive size).
func parseShmSize(flag, v string) (int64, error) {
	n, err := parseBytes(v)
	if err != nil || n == 0 {
		return 0, flagError(flag, v, "want a positive size like 64m")
	}
	return n, nil
}

// ShareableShm reports whether the container has its own IPC namespace
// whose /dev/shm other containers may share (--ipc shareable, Podman's
// default): libpod mounts that tmpfs on the host and hands it over as
// Options.ShmDir, so that a container joining the IPC namespace (--ipc
// container:, a pod's members) binds the same one. A mount of another mount
// namespace cannot be bound, hence the host side. --ipc private keeps
// /dev/shm inside the container.
func ShareableShm(o *Options, d *Defaults) bool {
	v := ipcMode(o, d)
	return v == "" || v == "shareable"
}

// PrivateIPC reports whether the container's IPC namespace is --ipc
// private (given or containers.conf's ipcns): Podman refuses to let
// another container join it (--ipc none and host may be joined).
func PrivateIPC(o *Options, d *Defaults) bool {
	return ipcMode(o, d) == "private"
}

func ipcMode(o *Options, d *Defaults) string {
	if o.IPC == "" && d != nil {
		return d.IPCNS
	}
	return o.IPC
}

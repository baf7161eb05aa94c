package specgen

// ShmSize is the size of a container's own /dev/shm: --shm-size, else
// containers.conf's shm_size, else Podman's 64 MiB.
func ShmSize(o *Options, d *Defaults) (int64, error) {
	if o.ShmSize != "" {
		return parseShmSize(flagShmSize, o.ShmSize)
	}
	if d != nil && d.ShmSize != "" {
		return parseShmSize("containers.conf shm_size", d.ShmSize)
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
	v := o.IPC
	if v == "" && d != nil {
		v = d.IPCNS
	}
	return v == "" || v == "shareable"
}

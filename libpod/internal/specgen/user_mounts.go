package specgen

// MountPoint is the source and destination of a mount the user asked for.
type MountPoint struct {
	Type        string // "bind" or "tmpfs"
	Source      string // host path of a bind mount
	Destination string
}

// UserMounts returns the mounts of -v, --mount and --tmpfs in o, in the
// order Generate adds them. Options that do not parse are left out: o was
// validated when the container was created.
func UserMounts(o *Options) []MountPoint {
	var p parsed
	_ = p.parseStorage(o)
	out := make([]MountPoint, 0, len(p.Mounts))
	for _, m := range p.Mounts {
		out = append(out, MountPoint{Type: m.Type, Source: m.Source, Destination: m.Destination})
	}
	return out
}

package specgen

import "strings"

// InspectBind is a -v or --mount bind mount or volume as Podman 4.3.1's
// inspect shows it (HostConfig.Binds and the Mounts entry).
type InspectBind struct {
	Type        string // "bind" or "volume"
	Source      string // host path of a bind; a volume's name ("" = anonymous)
	Destination string
	// Options are Podman's: the options as given (--mount's keys in their
	// -v spelling: ro, slave, Z, U, bind), then for what was not given rw,
	// rprivate, a volume's nosuid and nodev, and rbind.
	Options []string
}

// InspectBinds returns o's bind mounts and volumes of -v and --mount with
// Podman's option lists, in the order Generate adds them. Overlay (O)
// mounts are left out: they are the runtime spec's (libpod lists them once
// the container is initialized). Values that do not parse are left out: o
// was validated at create. initialized: the container's runtime spec has
// been written (init, start), whose binds no longer have z, Z and U, as
// Podman 4.3.1 then shows them (its inspect reads that spec).
func InspectBinds(o *Options, initialized bool) []InspectBind {
	var p parsed
	_ = p.parseStorage(o)
	out := []InspectBind{}
	for _, m := range p.Mounts {
		if (m.Type != "bind" && m.Type != "volume") || (len(m.Options) > 0 && m.Options[0] == optOverlay) {
			continue
		}
		opts := podmanMountOptions(m.Type, m.Given)
		if initialized && m.Type == "bind" {
			opts = withoutInitOptions(opts)
		}
		out = append(out, InspectBind{Type: m.Type, Source: m.Source, Destination: m.Destination, Options: opts})
	}
	return out
}

// withoutInitOptions drops from a bind's options what the container's init
// carries out and Podman's runtime spec no longer has: the relabelling
// (z, Z) and the chown (U).
func withoutInitOptions(opts []string) []string {
	out := make([]string, 0, len(opts))
	for _, o := range opts {
		if o != "z" && o != "Z" && o != "U" {
			out = append(out, o)
		}
	}
	return out
}

// podmanMountOptions completes the given options as Podman's
// util.ProcessOptions does at create: rw, rprivate, a volume's nosuid and
// nodev, then rbind, each unless its group was given.
func podmanMountOptions(typ string, given []string) []string {
	out := append([]string{}, given...)
	has := func(g []string) bool {
		for _, o := range given {
			if groupOf(o, g) != nil {
				return true
			}
		}
		return false
	}
	add := func(g []string, def string) {
		if !has(g) {
			out = append(out, def)
		}
	}
	add(optRW, "rw")
	add(optPropagation, "rprivate")
	if typ == "volume" {
		add(optSuid, "nosuid")
		add(optDev, "nodev")
	}
	add(optBind, "rbind")
	return out
}

// BindText is a HostConfig.Binds entry: SRC:DST:OPTIONS.
func BindText(src, dst string, opts []string) string {
	if len(opts) == 0 {
		return src + ":" + dst
	}
	return src + ":" + dst + ":" + strings.Join(opts, ",")
}

// InspectMountFields splits a mount's options as Podman's inspect does
// (parseMountOptionsForInspect): ro/rw into rw, the propagation and z/Z
// (Mode) apart, the rest in order.
func InspectMountFields(opts []string) (rw bool, propagation, mode string, rest []string) {
	rw, rest = true, []string{}
	for _, o := range opts {
		switch {
		case o == "ro":
			rw = false
		case o == "rw":
		case groupOf(o, optPropagation) != nil:
			propagation = o
		case o == "z" || o == "Z":
			mode = o
		default:
			rest = append(rest, o)
		}
	}
	return rw, propagation, mode, rest
}

package specgen

import (
	"path/filepath"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// overlayMount is the spec mount of an overlay (O) over lower at dest, and
// records it in the result for libpod to prepare. The runtime mounts it
// (an OCI mount of type overlay, as Podman writes it) unless the host must
// (Host.OverlayOnHost): then the spec binds the merged directory.
func (g *gen) overlayMount(dest, lower string, opts []string) specs.Mount {
	_, upper, work := OverlayOf(opts)
	dir := filepath.Join(g.h.OverlayDir, strconv.Itoa(len(g.res.Overlays)))
	ov := Overlay{Lower: lower, Upper: upper, Work: work}
	if upper == "" {
		ov.Upper, ov.Work, ov.Temp = filepath.Join(dir, "upper"), filepath.Join(dir, "work"), true
	}
	if g.h.OverlayOnHost {
		ov.Merge = filepath.Join(dir, "merge")
		ov.UserXattr = g.h.Rootless
		g.res.Overlays = append(g.res.Overlays, ov)
		return specs.Mount{Destination: dest, Type: "bind", Source: ov.Merge, Options: []string{"rw", "rprivate", "rbind"}}
	}
	// the runtime mounts it in the container's user namespace, if any
	ov.UserXattr = g.h.Rootless || g.o.IDMappings != nil
	g.res.Overlays = append(g.res.Overlays, ov)
	o := []string{"lowerdir=" + ov.Lower, "upperdir=" + ov.Upper, "workdir=" + ov.Work}
	if ov.UserXattr {
		o = append(o, "userxattr")
	}
	return specs.Mount{Destination: dest, Type: "overlay", Source: "overlay", Options: append(o, "private")}
}

// userMount is the spec mount of a bind mount or volume at dest from src
// with the given options: an overlay for O, else a bind mount.
func (g *gen) userMount(dest, src, typ string, opts []string) specs.Mount {
	if ovl, _, _ := OverlayOf(opts); ovl {
		return g.overlayMount(dest, src, opts)
	}
	return specs.Mount{Destination: dest, Type: typ, Source: src, Options: append([]string(nil), opts...)}
}

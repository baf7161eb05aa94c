package specgen

import (
	"fmt"
	"strings"
)

// The overlay (O) and id-mapped (idmap) options of -v and --mount.
//
// They travel in a mount's Options as markers, so that a volume's options,
// recorded by libpod as they are, carry them to Generate: "O" (then
// "upperdir=DIR" and "workdir=DIR" when given) replaces every other option
// of an overlay mount; "idmap" stays an OCI option (crun's id-mapped bind).
const (
	optOverlay = "O"
	optIDMap   = "idmap"
)

// extOpts are the options -v handles apart from the OCI ones.
type extOpts struct {
	overlay     bool
	upper, work string // O's upperdir= and workdir= (both or neither)
	idmap       bool
	chown       bool // U (the one option O combines with)
	rest        []string
}

// splitExtOptions takes O, upperdir=, workdir= and idmap out of -v's
// options and checks how they combine, as Podman 4.3.1 does: O takes no
// other option but U (and upperdir= with workdir=); upperdir= and workdir=
// need O and each other.
func splitExtOptions(opts []string) (extOpts, error) {
	var x extOpts
	for _, o := range opts {
		k, val, hasVal := strings.Cut(o, "=")
		switch {
		case o == optOverlay:
			if x.overlay {
				return x, fmt.Errorf("option %q given more than once", o)
			}
			x.overlay = true
		case hasVal && (k == "upperdir" || k == "workdir"):
			p, err := checkOverlayDir(k, val)
			if err != nil {
				return x, err
			}
			dst := &x.upper
			if k == "workdir" {
				dst = &x.work
			}
			if *dst != "" {
				return x, fmt.Errorf("option %q given more than once", k)
			}
			*dst = p
		case o == optIDMap:
			if x.idmap {
				return x, fmt.Errorf("option %q given more than once", o)
			}
			x.idmap = true
		case k == optIDMap:
			return x, fmt.Errorf("option %q: custom mappings (idmap=uids=…;gids=…) are not supported; use idmap, which maps the mount with the container's --uidmap/--gidmap or --userns", o)
		case o == "U":
			x.chown = true
			x.rest = append(x.rest, o)
		default:
			x.rest = append(x.rest, o)
		}
	}
	if !x.overlay {
		if x.upper != "" || x.work != "" {
			return x, fmt.Errorf("upperdir= and workdir= need the O (overlay) option")
		}
		return x, nil
	}
	if (x.upper == "") != (x.work == "") {
		return x, fmt.Errorf("overlay (O): upperdir= and workdir= must be given together")
	}
	if x.upper != "" && x.upper == x.work {
		return x, fmt.Errorf("overlay (O): upperdir= and workdir= must be different directories")
	}
	for _, o := range x.rest {
		if o != "U" {
			return x, fmt.Errorf("option %q cannot be combined with O: an overlay mount is read-write and private (only U, upperdir= and workdir= go with O)", o)
		}
	}
	if x.idmap {
		return x, fmt.Errorf("option %q cannot be combined with O", optIDMap)
	}
	return x, nil
}

func checkOverlayDir(k, val string) (string, error) {
	if val == "" {
		return "", fmt.Errorf("%s= needs a host directory", k)
	}
	if !strings.HasPrefix(val, "/") {
		return "", fmt.Errorf("%s=%q: use an absolute host path", k, val)
	}
	p, err := checkHostPath(val)
	if err != nil {
		return "", fmt.Errorf("%s=: %v", k, err)
	}
	if err := checkOverlayPath(p); err != nil {
		return "", fmt.Errorf("%s=: %v", k, err)
	}
	return p, nil
}

// checkOverlayPath refuses what the kernel's overlay option string cannot
// carry: its separators.
func checkOverlayPath(p string) error {
	if strings.ContainsAny(p, ",:\\") {
		return fmt.Errorf("path %q has a ',', ':' or '\\', which an overlay mount's options cannot carry", p)
	}
	return nil
}

// overlayOptions are the Options of an overlay mount (markers, see above).
func (x extOpts) overlayOptions() []string {
	out := []string{optOverlay}
	if x.upper != "" {
		out = append(out, "upperdir="+x.upper, "workdir="+x.work)
	}
	return out
}

// OverlayOf reports whether a mount's Options (a volume's, as recorded)
// ask for an overlay, and the upper and work directories the user gave.
func OverlayOf(opts []string) (overlay bool, upper, work string) {
	if len(opts) == 0 || opts[0] != optOverlay {
		return false, "", ""
	}
	for _, o := range opts[1:] {
		if v, ok := strings.CutPrefix(o, "upperdir="); ok {
			upper = v
		} else if v, ok := strings.CutPrefix(o, "workdir="); ok {
			work = v
		}
	}
	return true, upper, work
}

// hasIDMap reports whether OCI options ask for an id-mapped mount.
func hasIDMap(opts []string) bool {
	for _, o := range opts {
		if o == optIDMap {
			return true
		}
	}
	return false
}

// MountFeatures says which mount features o's -v and --mount values use:
// libpod asks the runtime for the capabilities they need before anything is
// created.
type MountFeatures struct {
	IDMap   bool // an id-mapped bind mount or volume
	Overlay bool // an overlay (O) mount
}

// MountFeaturesOf parses o's mounts and says which features they use.
func MountFeaturesOf(o *Options) (MountFeatures, error) {
	var f MountFeatures
	p, err := parse(o, nil)
	if err != nil {
		return f, err
	}
	for _, m := range p.Mounts {
		ovl, _, _ := OverlayOf(m.Options)
		f.Overlay = f.Overlay || ovl
		f.IDMap = f.IDMap || hasIDMap(m.Options)
	}
	return f, nil
}

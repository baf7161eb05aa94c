package libpod

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/idmap"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ovlmount"
	"go.podman.io/storage/pkg/unshare"
)

// usesIDMap reports whether s's -v/--mount values ask for an id-mapped
// mount (a parse error is reported where the mounts are parsed).
func usesIDMap(s *specgen.Options) bool {
	f, err := specgen.MountFeaturesOf(s)
	return err == nil && f.IDMap
}

// checkMountFeatures refuses, before anything is created, an id-mapped
// mount without a user namespace of the container's own: idmap maps the
// mount with the container's mappings, so there must be some.
func checkMountFeatures(o *CreateOptions) error {
	if usesIDMap(&o.Spec) && !ownUserNS(&o.Spec) {
		return fmt.Errorf("the idmap mount option maps the mount with the container's user namespace, and the container has none: add --userns auto, --uidmap/--gidmap or --subuidname: %w", errdefs.ErrInvalidArgument)
	}
	return nil
}

// overlayDir is where the container's overlay (O) mounts keep their
// layers while it runs, as Podman keeps them in the container's directory.
func (c *Container) overlayDir() string { return filepath.Join(c.staticDir(), "overlay") }

// overlayHost fills what Generate needs to know of the container's overlay
// mounts: their directory, and whether its runtime mounts them.
func (c *Container) overlayHost(h *specgen.Host) {
	h.OverlayDir = c.overlayDir()
	h.OverlayOnHost = c.rt.registry.Require(c.config.Runtime, ocirt.CapOverlayMounts) != nil
}

// prepareOverlays makes the layers of the container's overlay mounts (and
// mounts them on the host where its runtime cannot), after removing what a
// previous run may have left.
func (c *Container) prepareOverlays(ovs []specgen.Overlay) error {
	if err := ovlmount.Cleanup(c.overlayDir()); err != nil {
		return err
	}
	if len(ovs) == 0 {
		return nil
	}
	uid, gid := 0, 0
	if m := c.config.Spec.IDMappings; m != nil {
		// the upper layer is the container root's, as Podman makes it
		if u, ok := idmap.ToHost(m.UIDs, 0); ok {
			uid = u
		}
		if g, ok := idmap.ToHost(m.GIDs, 0); ok {
			gid = g
		}
	}
	if err := os.MkdirAll(c.overlayDir(), 0o700); err != nil {
		return err
	}
	if c.config.Spec.IDMappings != nil {
		// the runtime mounts the overlay as the container's root, which
		// must reach the layers: the directories above them become
		// searchable (not readable) by others; their files stay 0600
		d := c.overlayDir()
		for range 4 { // overlay, <id>, containers, pod
			if err := addSearch(d); err != nil {
				return err
			}
			d = filepath.Dir(d)
		}
	}
	for _, ov := range ovs {
		l := ovlmount.Layer{Lower: ov.Lower, Upper: ov.Upper, Work: ov.Work, Temp: ov.Temp, Merge: ov.Merge, UserXattr: ov.UserXattr}
		if err := ovlmount.Prepare(l, uid, gid); err != nil {
			_ = ovlmount.Cleanup(c.overlayDir())
			return err
		}
	}
	return nil
}

// cleanupOverlays unmounts and removes the layers of the container's
// overlay mounts: their changes are discarded at stop, as in Podman.
func (c *Container) cleanupOverlays() error {
	if err := ovlmount.Cleanup(c.overlayDir()); err != nil {
		return fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	return nil
}

// removeOverlays removes all overlay layers of the container (removal):
// its mounts' and its --rootfs PATH:O's.
func (c *Container) removeOverlays() error {
	if err := c.cleanupOverlays(); err != nil {
		return err
	}
	if err := ovlmount.Cleanup(c.rootfsOverlayDir()); err != nil {
		return fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	return nil
}

// rootfsOverlayDir holds the layers of --rootfs PATH:O (layer 0), kept from
// start to start until the container is removed.
func (c *Container) rootfsOverlayDir() string { return filepath.Join(c.staticDir(), "rootfs-overlay") }

// rootfsOverlayLayer is --rootfs PATH:O's overlay.
func (c *Container) rootfsOverlayLayer() ovlmount.Layer {
	d := filepath.Join(c.rootfsOverlayDir(), "0")
	return ovlmount.Layer{Lower: c.config.Spec.Rootfs, Upper: filepath.Join(d, "upper"), Work: filepath.Join(d, "work"),
		Temp: true, Merge: filepath.Join(d, "merge"), UserXattr: unshare.IsRootless()}
}

// mountRootfsOverlay mounts --rootfs PATH:O's overlay on the host and
// returns the merged directory, the container's root.
func (c *Container) mountRootfsOverlay() (string, error) {
	l := c.rootfsOverlayLayer()
	if err := ovlmount.Unmount(l.Merge); err != nil { // a previous run's, if its cleanup never came
		return "", fmt.Errorf("container %s: --rootfs %s:O: %w", c.config.Name, c.config.Spec.Rootfs, err)
	}
	uid, gid := 0, 0
	if m := c.config.Spec.IDMappings; m != nil {
		if u, g, ok := idmap.RootIDs(m.UIDs, m.GIDs); ok {
			uid, gid = u, g
		}
	}
	if err := os.MkdirAll(c.rootfsOverlayDir(), 0o700); err != nil {
		return "", err
	}
	if err := ovlmount.Prepare(l, uid, gid); err != nil {
		return "", fmt.Errorf("container %s: --rootfs %s:O: %w", c.config.Name, c.config.Spec.Rootfs, err)
	}
	return l.Merge, nil
}

// unmountRootfsOverlay unmounts --rootfs PATH:O's overlay (its layers stay
// until removal; a container without it has nothing to do).
func (c *Container) unmountRootfsOverlay() error {
	if !c.config.Spec.RootfsOverlay {
		return nil
	}
	if err := ovlmount.Unmount(c.rootfsOverlayLayer().Merge); err != nil {
		return fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	return nil
}

// addSearch adds the search (x) permission for group and others to dir.
func addSearch(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	return os.Chmod(dir, st.Mode().Perm()|0o011)
}

// overlayInspectMount is an overlay (O) mount as inspect's Mounts shows it:
// Podman's form, a private read-write bind with the overlay's options;
// the source is the lower directory (the runtime mounts it, so there is
// no merged directory on the host).
func overlayInspectMount(m specs.Mount) InspectMount {
	im := InspectMount{Type: "bind", Destination: m.Destination, Options: []string{}, RW: true, Propagation: "private"}
	for _, o := range m.Options {
		if v, ok := strings.CutPrefix(o, "lowerdir="); ok {
			im.Source = v
		}
		if o != "private" {
			im.Options = append(im.Options, o)
		}
	}
	return im
}

package libpod

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/idmap"
	"github.com/pod-engine/pod/pkg/volume"
)

// VolumeMount is a volume a container mounts.
type VolumeMount struct {
	Name        string   `json:"name"`
	Destination string   `json:"destination"`
	Options     []string `json:"options,omitempty"` // OCI options: rw, rprivate, nosuid, nodev, rbind…
	NoCopy      bool     `json:"noCopy,omitempty"`  // no copy-up of the image's content
	Chown       bool     `json:"chown,omitempty"`   // U: given to the container's user at each start
}

// VolumeFlags are the run/create flags about volumes beyond -v/--mount.
type VolumeFlags struct {
	ImageVolume string   // --image-volume: bind (default), tmpfs, ignore
	VolumesFrom []string // --volumes-from CTR[:ro|rw]
}

// resolveVolumes creates and records the container's volumes: the named
// ones of -v/--mount (created on first use), anonymous ones (-v /path, and
// the image's VOLUMEs with --image-volume bind), and those of
// --volumes-from. It returns an undo that removes what it created.
func (r *Runtime) resolveVolumes(ctx context.Context, cfg *ContainerConfig, o *CreateOptions) (undo func(), err error) {
	var created []string
	undo = func() {
		for _, n := range created {
			if err := r.removeVolumeUnused(n); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
				r.warnf("%v", err)
			}
		}
	}
	defer func() {
		if err != nil {
			undo()
		}
	}()
	reqs, err := specgen.VolumeRequests(&o.Spec)
	if err != nil {
		return undo, err
	}
	dests, err := specgen.MountDests(&o.Spec)
	if err != nil {
		return undo, err
	}
	add := func(name, dest string, opts []string, noCopy, chown bool) error {
		anon := name == ""
		if !anon {
			if _, err := r.LookupVolume(name); err == nil {
				cfg.Volumes = append(cfg.Volumes, VolumeMount{Name: name, Destination: dest, Options: opts, NoCopy: noCopy, Chown: chown})
				return nil
			} else if !errors.Is(err, errdefs.ErrNotFound) {
				return err
			}
		}
		v, err := r.CreateVolume(ctx, VolumeCreateOptions{Name: name, IgnoreIfExists: !anon, Anonymous: anon})
		if err != nil {
			return err
		}
		if anon {
			created = append(created, v.config.Name) // a named one may be another's meanwhile: it stays
		}
		cfg.Volumes = append(cfg.Volumes, VolumeMount{Name: v.config.Name, Destination: dest, Options: opts, NoCopy: noCopy, Chown: chown})
		return nil
	}
	for _, q := range reqs {
		if err := add(q.Name, q.Destination, q.Options, q.NoCopy, q.Chown); err != nil {
			return undo, err
		}
	}
	for _, from := range o.VolumesFrom {
		if err := r.volumesFrom(cfg, from, dests); err != nil {
			return undo, err
		}
	}
	ims, err := specgen.ImageMountRequests(&o.Spec)
	if err != nil {
		return undo, err
	}
	for _, im := range ims {
		store, err := r.images()
		if err != nil {
			return undo, err
		}
		img, err := store.LookupImage(im.Image)
		if err != nil {
			return undo, fmt.Errorf("--mount type=image,source=%s: %w", im.Image, err)
		}
		cfg.ImageMounts = append(cfg.ImageMounts, ImageMount{Image: im.Image, ImageID: img.ID, Destination: im.Destination})
	}
	switch o.ImageVolume {
	case "", "bind":
		for _, d := range cfg.ImageConfig.Volumes {
			d, ok := imageVolumeDest(d)
			if !ok || dests[d] {
				continue
			}
			dests[d] = true
			if err := add("", d, []string{"rw", "rprivate", "nosuid", "nodev", "rbind"}, false, false); err != nil {
				return undo, err
			}
		}
	case "tmpfs":
		for _, d := range cfg.ImageConfig.Volumes {
			if d, ok := imageVolumeDest(d); ok && !dests[d] {
				dests[d] = true
				cfg.Spec.Tmpfs = append(cfg.Spec.Tmpfs, d)
			}
		}
	case "ignore":
	default:
		return undo, fmt.Errorf("invalid image volume type %q: must be bind, tmpfs or ignore: %w", o.ImageVolume, errdefs.ErrInvalidArgument)
	}
	return undo, nil
}

// imageVolumeDest is where an image's VOLUME entry (untrusted) is mounted:
// the clean absolute path; false for / and for entries no path can be (a NUL).
func imageVolumeDest(d string) (string, bool) {
	d = path.Clean("/" + d)
	return d, d != "/" && !strings.ContainsRune(d, 0)
}

// volumesFrom adds the volumes of container CTR[:ro|rw] that are not at a
// destination the container already uses.
func (r *Runtime) volumesFrom(cfg *ContainerConfig, from string, dests map[string]bool) error {
	ref, mode, _ := strings.Cut(from, ":")
	switch mode {
	case "", "ro", "rw":
	case "z", "Z":
		mode = ""
	default:
		return fmt.Errorf("--volumes-from %q: unknown option %q: use CONTAINER[:ro|rw]: %w", from, mode, errdefs.ErrInvalidArgument)
	}
	src, err := r.LookupContainer(ref)
	if err != nil {
		return fmt.Errorf("--volumes-from %q: %w", from, err)
	}
	for _, m := range src.config.Volumes {
		if dests[m.Destination] {
			continue
		}
		dests[m.Destination] = true
		opts := slices.Clone(m.Options)
		if mode != "" {
			for i, o := range opts {
				if o == "ro" || o == "rw" {
					opts[i] = mode
				}
			}
		}
		cfg.Volumes = append(cfg.Volumes, VolumeMount{Name: m.Name, Destination: m.Destination, Options: opts, NoCopy: true})
	}
	return nil
}

// mountVolumes mounts the container's volumes for a start (copying the
// image's content into new ones) and returns them for the spec. On error
// nothing stays mounted.
func (c *Container) mountVolumes(ctx context.Context, rootfs string) (_ []specgen.VolumeMount, retErr error) {
	r := c.rt
	var done []string
	defer func() {
		if retErr != nil {
			for _, n := range done {
				_ = r.unmountVolume(n, c.config.ID)
			}
		}
	}()
	out := make([]specgen.VolumeMount, 0, len(c.config.Volumes))
	for _, m := range c.config.Volumes {
		if err := r.mountVolume(ctx, m.Name, c.config.ID); err != nil {
			return nil, fmt.Errorf("container %s: volume %s: %w", c.config.Name, m.Name, err)
		}
		done = append(done, m.Name)
		if err := c.firstUse(m, rootfs); err != nil {
			return nil, err
		}
		out = append(out, specgen.VolumeMount{Source: volume.DataDir(r.paths.Volumes, m.Name), Destination: m.Destination, Options: m.Options, Chown: m.Chown})
	}
	return out, nil
}

// firstUse does what a volume's first mount does in Podman: copy the
// image's content at the mount path into it (unless nocopy) and give it the
// owner of that path.
func (c *Container) firstUse(m VolumeMount, rootfs string) error {
	r := c.rt
	l, err := r.volumeLock(m.Name)
	if err != nil {
		return err
	}
	defer l.Unlock()
	v, err := r.LookupVolume(m.Name)
	if err != nil {
		return err
	}
	if !v.state.NeedsCopyUp && !v.state.NeedsChown {
		return nil
	}
	if v.state.NeedsChown {
		owner := c.volumeOwner()
		if slices.Contains(m.Options, "idmap") {
			owner = nil // mapped: the host's ids are the container's
		}
		if err := volume.Chown(r.paths.Volumes, &v.config, rootfs, m.Destination, owner); err != nil {
			return err
		}
		v.state.NeedsChown = false
	}
	if v.state.NeedsCopyUp && !m.NoCopy && !v.config.NoCopy {
		if err := volume.CopyUp(r.paths.Volumes, &v.config, rootfs, m.Destination); err != nil {
			return err
		}
	}
	v.state.NeedsCopyUp = false
	return v.saveState()
}

// volumeOwner is, for a container with its own user namespace, the host
// ids a new volume gets when the image has no directory at its path: those
// of the container's numeric -u user (keep-id's), else of its root. nil
// without a user namespace (the volume stays root's, as before).
func (c *Container) volumeOwner() *[2]int {
	m := c.config.Spec.IDMappings
	if m == nil {
		return nil
	}
	uid, gid := uint64(0), uint64(0)
	if u, g, ok := strings.Cut(c.config.Spec.User, ":"); c.config.Spec.User != "" {
		if n, err := strconv.ParseUint(u, 10, 32); err == nil {
			uid = n
		}
		if n, err := strconv.ParseUint(g, 10, 32); ok && err == nil {
			gid = n
		}
	}
	hu, okU := idmap.ToHost(m.UIDs, uint32(uid))
	hg, okG := idmap.ToHost(m.GIDs, uint32(gid))
	if !okU || !okG {
		return nil
	}
	return &[2]int{hu, hg}
}

// unmountVolumes releases the container's volumes (cleanup, removal).
func (c *Container) unmountVolumes() {
	for _, m := range c.config.Volumes {
		if err := c.rt.unmountVolume(m.Name, c.config.ID); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
			c.rt.warnf("container %s: %v", c.config.Name, err)
		}
	}
}

// removeAnonVolumes removes the container's anonymous volumes no other
// container uses (rm -v, run --rm).
func (r *Runtime) removeAnonVolumes(vols []VolumeMount) {
	for _, m := range vols {
		v, err := r.LookupVolume(m.Name)
		if err != nil || !v.config.Anonymous {
			continue
		}
		if err := r.removeVolumeUnused(m.Name); err != nil && !errors.Is(err, ErrVolumeInUse) && !errors.Is(err, errdefs.ErrNotFound) {
			r.warnf("%v", err)
		}
	}
}

// chownMounts gives the sources of U mounts, recursively, to the user the
// container's process runs as (Podman's U option). Links are changed, not
// followed.
func chownMounts(paths []string, spec *specs.Spec) error {
	if len(paths) == 0 || spec.Process == nil {
		return nil
	}
	uid, gid := int(spec.Process.User.UID), int(spec.Process.User.GID)
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, _ fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(path, uid, gid)
		})
		if err != nil {
			return fmt.Errorf("giving %s to %d:%d (option U): %w", p, uid, gid, err)
		}
	}
	return nil
}

package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pod-engine/pod/libpod/internal/lock"
	"github.com/pod-engine/pod/libpod/internal/store"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/volume"
)

// Volume is a named or anonymous volume: its record (the state database's
// volumes table) and its directory (package volume).
type Volume struct {
	rt     *Runtime
	config volume.Config
	state  volume.State
}

// Name returns the volume's name.
func (v *Volume) Name() string { return v.config.Name }

// Config returns a copy of what the volume was created with.
func (v *Volume) Config() volume.Config { return v.config }

// State returns the volume's state as read.
func (v *Volume) State() volume.State { return v.state }

// Mountpoint is the volume's data directory on the host.
func (v *Volume) Mountpoint() string { return volume.DataDir(v.rt.paths.Volumes, v.config.Name) }

// VolumeCreateOptions are `volume create`'s flags.
type VolumeCreateOptions struct {
	Name           string            // empty = an anonymous volume with a random name
	Driver         string            // only "local" (the default)
	Labels         map[string]string // --label
	Options        map[string]string // --opt
	IgnoreIfExists bool              // --ignore: an existing volume is returned as is
	Anonymous      bool              // created for a container (-v /path, an image VOLUME)
}

// volumeLock is the lock of one volume. Lock order: container locks first,
// then volume locks (a container's start takes its volumes' locks).
func (r *Runtime) volumeLock(name string) (*lock.Locker, error) {
	return r.locks.Lock("volume-" + name)
}

// CreateVolume creates a volume. The record comes first (its name decides
// between parallel creators), the directory second; a failure removes both.
func (r *Runtime) CreateVolume(ctx context.Context, o VolumeCreateOptions) (*Volume, error) {
	switch o.Driver {
	case "", volume.DriverLocal:
	default:
		return nil, fmt.Errorf("volume driver %q is not supported: pod has the local driver only (--driver local): %w", o.Driver, errdefs.ErrNotImplemented)
	}
	if o.Name == "" {
		// `volume create` without a name is not anonymous in Podman (rm -v
		// keeps it): only a container's -v /path asks for Anonymous.
		o.Name = newID()
	}
	if err := volume.ValidateName(o.Name); err != nil {
		return nil, err
	}
	opts, uid, gid, noCopy, err := volume.ParseOptions(o.Options)
	if err != nil {
		return nil, err
	}
	db, err := r.state()
	if err != nil {
		return nil, err
	}
	if o.Labels == nil {
		o.Labels = map[string]string{}
	}
	v := &Volume{rt: r, config: volume.Config{
		Name: o.Name, Driver: volume.DriverLocal, Labels: o.Labels, Options: opts,
		CreatedAt: time.Now(), Anonymous: o.Anonymous, UID: uid, GID: gid, NoCopy: noCopy,
	}, state: volume.State{NeedsCopyUp: !noCopy, NeedsChown: uid == nil && gid == nil}}
	cfg, err := json.Marshal(&v.config)
	if err != nil {
		return nil, err
	}
	st, err := json.Marshal(&v.state)
	if err != nil {
		return nil, err
	}
	if err := db.AddVolume(&store.VolumeRow{Name: o.Name, Created: v.config.CreatedAt.UnixNano(), Config: cfg, State: st}); err != nil {
		if o.IgnoreIfExists && errors.Is(err, errdefs.ErrAlreadyExists) {
			return r.LookupVolume(o.Name)
		}
		return nil, err
	}
	if err := volume.Create(r.paths.Volumes, &v.config); err != nil {
		_ = db.RemoveVolume(o.Name)
		return nil, err
	}
	r.volumeEvent(events.Create, o.Name)
	return v, nil
}

func (r *Runtime) volumeFromRow(row *store.VolumeRow) (*Volume, error) {
	v := &Volume{rt: r}
	if err := json.Unmarshal(row.Config, &v.config); err != nil {
		return nil, fmt.Errorf("volume %s: bad record: %w", row.Name, err)
	}
	if err := json.Unmarshal(row.State, &v.state); err != nil {
		return nil, fmt.Errorf("volume %s: bad record: %w", row.Name, err)
	}
	return v, nil
}

// LookupVolume returns the volume named name (errdefs.ErrNotFound when none).
func (r *Runtime) LookupVolume(name string) (*Volume, error) {
	db, err := r.state()
	if err != nil {
		return nil, err
	}
	row, err := db.GetVolume(name)
	if err != nil {
		return nil, err
	}
	return r.volumeFromRow(row)
}

// Volumes returns every volume, by name.
func (r *Runtime) Volumes() ([]*Volume, error) {
	db, err := r.state()
	if err != nil {
		return nil, err
	}
	rows, err := db.ListVolumes()
	if err != nil {
		return nil, err
	}
	out := make([]*Volume, 0, len(rows))
	for _, row := range rows {
		v, err := r.volumeFromRow(row)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// VolumeUsers returns the IDs of the containers that use volume name.
func (r *Runtime) VolumeUsers(name string) ([]string, error) {
	ctrs, err := r.Containers()
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range ctrs {
		for _, m := range c.config.Volumes {
			if m.Name == name {
				ids = append(ids, c.config.ID)
				break
			}
		}
	}
	return ids, nil
}

// ErrVolumeInUse is Podman's "volume is being used" (exit code 2).
var ErrVolumeInUse = errdefs.WithClass(errors.New("volume is being used"), errdefs.ErrConflict)

// RemoveVolume removes a volume. One that containers use is refused unless
// force, which removes those containers first (stopping them within
// timeout), as Podman does.
func (r *Runtime) RemoveVolume(ctx context.Context, name string, force bool, timeout *uint) error {
	if _, err := r.LookupVolume(name); err != nil {
		return err
	}
	users, err := r.VolumeUsers(name)
	if err != nil {
		return err
	}
	if len(users) > 0 {
		if !force {
			return fmt.Errorf("volume %s is being used by the following container(s): %s: %w", name, joinIDs(users), ErrVolumeInUse)
		}
		for _, id := range users {
			c, err := r.LookupContainer(id)
			if errors.Is(err, errdefs.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if err := c.Remove(ctx, RemoveOptions{Force: true, Timeout: timeout}); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
				return fmt.Errorf("removing container %s that uses volume %s: %w", c.Name(), name, err)
			}
		}
	}
	return r.removeVolumeUnused(name)
}

// removeVolumeUnused removes a volume no container uses, under its lock
// (re-checking the users: a container may have been created meanwhile).
func (r *Runtime) removeVolumeUnused(name string) error {
	l, err := r.volumeLock(name)
	if err != nil {
		return err
	}
	defer l.Unlock()
	v, err := r.LookupVolume(name)
	if err != nil {
		return err
	}
	users, err := r.VolumeUsers(name)
	if err != nil {
		return err
	}
	if len(users) > 0 {
		return fmt.Errorf("volume %s is being used by the following container(s): %s: %w", name, joinIDs(users), ErrVolumeInUse)
	}
	db, err := r.state()
	if err != nil {
		return err
	}
	// The record goes first: a pod killed in between leaves a directory
	// Podman's layout tolerates, never a record without its directory.
	if err := db.RemoveVolume(name); err != nil {
		return err
	}
	if err := volume.Remove(r.paths.Volumes, &v.config); err != nil {
		r.warnf("%v", err)
	}
	r.locks.Remove("volume-" + name)
	r.volumeEvent(events.Remove, name)
	return nil
}

func joinIDs(ids []string) string {
	s := ""
	for i, id := range ids {
		if i > 0 {
			s += ", "
		}
		s += id
	}
	return s
}

// VolumePruneReport is one volume removed by PruneVolumes.
type VolumePruneReport struct {
	Name string
	Size int64
	Err  error
}

// PruneVolumes removes every volume no container uses and that match
// accepts (nil = all): `volume prune` and `system prune --volumes`.
func (r *Runtime) PruneVolumes(ctx context.Context, match func(*Volume) bool) ([]VolumePruneReport, error) {
	vols, err := r.Volumes()
	if err != nil {
		return nil, err
	}
	used, err := r.usedVolumes()
	if err != nil {
		return nil, err
	}
	var out []VolumePruneReport
	for _, v := range vols {
		if used[v.config.Name] || (match != nil && !match(v)) {
			continue
		}
		size := dirSize(v.Mountpoint())
		err := r.removeVolumeUnused(v.config.Name)
		if errors.Is(err, ErrVolumeInUse) || errors.Is(err, errdefs.ErrNotFound) {
			continue // taken or removed meanwhile
		}
		out = append(out, VolumePruneReport{Name: v.config.Name, Size: size, Err: err})
	}
	return out, nil
}

// usedVolumes is the set of volume names some container uses.
func (r *Runtime) usedVolumes() (map[string]bool, error) {
	ctrs, err := r.Containers()
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, c := range ctrs {
		for _, m := range c.config.Volumes {
			used[m.Name] = true
		}
	}
	return used, nil
}

// Dangling says whether no container uses the volume.
func (v *Volume) Dangling() (bool, error) {
	users, err := v.rt.VolumeUsers(v.config.Name)
	return len(users) == 0, err
}

// Export writes the volume's data as tar to w.
func (v *Volume) Export(w io.Writer) error {
	return v.withMounted(func() error { return volume.Export(v.rt.paths.Volumes, &v.config, w) })
}

// Import unpacks a tar from rd into the volume's data.
func (v *Volume) Import(rd io.Reader) error {
	return v.withMounted(func() error { return volume.Import(v.rt.paths.Volumes, &v.config, rd) })
}

// withMounted runs fn with the volume mounted (a tmpfs or device volume
// that no container mounts is mounted for the time of fn).
func (v *Volume) withMounted(fn func() error) error {
	if !volume.NeedsMount(&v.config) {
		return fn()
	}
	const holder = "pod-volume-cli"
	if err := v.rt.mountVolume(context.Background(), v.config.Name, holder); err != nil {
		return err
	}
	defer func() { _ = v.rt.unmountVolume(v.config.Name, holder) }()
	return fn()
}

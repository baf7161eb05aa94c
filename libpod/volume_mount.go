package libpod

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/pod-engine/pod/pkg/volume"
)

// mountVolume records holder (a container ID) among the volume's users and
// mounts it when it needs a mount and is the first: Podman's MountCount,
// kept as a set so that a cleanup running twice unmounts once.
func (r *Runtime) mountVolume(ctx context.Context, name, holder string) error {
	l, err := r.volumeLock(name)
	if err != nil {
		return err
	}
	defer l.Unlock()
	v, err := r.LookupVolume(name)
	if err != nil {
		return err
	}
	if err := volume.Mount(ctx, r.paths.Volumes, &v.config); err != nil {
		return err
	}
	if slices.Contains(v.state.MountedBy, holder) {
		return nil
	}
	v.state.MountedBy = append(v.state.MountedBy, holder)
	return v.saveState()
}

// unmountVolume drops holder from the volume's users and unmounts it when
// none is left.
func (r *Runtime) unmountVolume(name, holder string) error {
	l, err := r.volumeLock(name)
	if err != nil {
		return err
	}
	defer l.Unlock()
	v, err := r.LookupVolume(name)
	if err != nil {
		return err
	}
	i := slices.Index(v.state.MountedBy, holder)
	if i >= 0 {
		v.state.MountedBy = slices.Delete(v.state.MountedBy, i, i+1)
		if err := v.saveState(); err != nil {
			return err
		}
	}
	if len(v.state.MountedBy) == 0 {
		return volume.Unmount(r.paths.Volumes, &v.config)
	}
	return nil
}

func (v *Volume) saveState() error {
	db, err := v.rt.state()
	if err != nil {
		return err
	}
	data, err := json.Marshal(&v.state)
	if err != nil {
		return err
	}
	return db.SaveVolumeState(v.config.Name, data)
}

// MountVolume mounts a volume for `volume mount` and returns its data path.
func (r *Runtime) MountVolume(ctx context.Context, name string) (string, error) {
	if err := r.mountVolume(ctx, name, "pod-volume-mount"); err != nil {
		return "", err
	}
	return volume.DataDir(r.paths.Volumes, name), nil
}

// UnmountVolume undoes MountVolume.
func (r *Runtime) UnmountVolume(name string) error {
	if _, err := r.LookupVolume(name); err != nil {
		return err
	}
	return r.unmountVolume(name, "pod-volume-mount")
}

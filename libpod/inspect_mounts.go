package libpod

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/volume"
)

// Podman 4.3.1's inspect reads a container's mounts from its runtime spec
// once init wrote it, before from its create options: an initialized
// container's binds have lost z, Z and U, and its overlay (O) mounts are
// listed, which a created one's are not. pod does the same: initialized
// is "the runtime spec has been written" (init, start; it stays after stop).

// inspectBindList is the container's -v and --mount binds and volumes with
// Podman's option lists (specgen.InspectBinds), parsed once per inspect
// for Binds and the Mounts entries; initialized: its runtime spec exists.
type inspectBindList struct {
	list        []specgen.InspectBind
	byDest      map[string]specgen.InspectBind
	initialized bool
}

func (c *Container) inspectBindList(initialized bool) inspectBindList {
	list := specgen.InspectBinds(&c.config.Spec, initialized)
	return inspectBindList{list: list, byDest: bindsByDest(list), initialized: initialized}
}

func bindsByDest(list []specgen.InspectBind) map[string]specgen.InspectBind {
	out := make(map[string]specgen.InspectBind, len(list))
	for _, b := range list {
		out[b.Destination] = b
	}
	return out
}

// volumeInspectOptions are the options inspect shows for one of the container's
// volumes: Podman's list for a -v or --mount volume, else (an image's
// VOLUME, --volumes-from) the recorded ones.
func volumeInspectOptions(views map[string]specgen.InspectBind, m VolumeMount) []string {
	if v, ok := views[m.Destination]; ok && v.Type == "volume" {
		return v.Options
	}
	return m.Options
}

// inspectBinds is HostConfig.Binds as Podman 4.3.1 writes it: the
// volumes (NAME:DST:OPTIONS, anonymous ones by their generated name), then
// the bind mounts of -v and --mount (SRC:DST:OPTIONS), then, once the
// container is initialized (runSpec, its runtime spec, is not nil), the
// overlay mounts (SRC:DST:the overlay's options).
func (c *Container) inspectBinds(bl inspectBindList, runSpec *specs.Spec) []string {
	out := []string{}
	for _, m := range c.config.Volumes {
		out = append(out, specgen.BindText(m.Name, m.Destination, volumeInspectOptions(bl.byDest, m)))
	}
	for _, b := range bl.list {
		if b.Type == "bind" {
			out = append(out, specgen.BindText(b.Source, b.Destination, b.Options))
		}
	}
	if runSpec != nil {
		for _, m := range runSpec.Mounts {
			if m.Type == "overlay" {
				out = append(out, specgen.BindText(overlayInspectMount(m).Source, m.Destination, m.Options))
			}
		}
	}
	return out
}

// inspectMountOf is one Mounts entry with Podman's split of the options:
// ro/rw in RW, the propagation and z/Z (Mode) apart, the rest in Options.
func inspectMountOf(typ, src, dst string, opts []string) InspectMount {
	rw, prop, mode, rest := specgen.InspectMountFields(opts)
	return InspectMount{Type: typ, Source: src, Destination: dst, Options: rest, RW: rw, Propagation: prop, Mode: mode}
}

// volumeInspectMounts are the container's volumes as inspect's Mounts
// shows them (the same before and after init).
func (c *Container) volumeInspectMounts(b inspectBindList) []InspectMount {
	out := make([]InspectMount, 0, len(c.config.Volumes))
	for _, m := range c.config.Volumes {
		im := inspectMountOf("volume", volume.DataDir(c.rt.paths.Volumes, m.Name), m.Destination, volumeInspectOptions(b.byDest, m))
		im.Name, im.Driver = m.Name, volume.DriverLocal
		out = append(out, im)
	}
	return out
}

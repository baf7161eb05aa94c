package libpod

import (
	"time"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/ctrfilter"
)

// NewFilter parses --filter arguments (KEY=VALUE each) and resolves the
// containers and images they name. See pkg/ctrfilter for the keys.
func (r *Runtime) NewFilter(args []string) (*ctrfilter.Filter, error) {
	return ctrfilter.New(args, filterResolver{r})
}

// FilterContainers returns the containers, oldest first, that meet every
// --filter condition in args; with no args, every container.
func (r *Runtime) FilterContainers(args []string) ([]*Container, error) {
	f, err := r.NewFilter(args)
	if err != nil {
		return nil, err
	}
	cs, err := r.Containers()
	if err != nil {
		return nil, err
	}
	out := cs[:0]
	for _, c := range cs {
		if f.Empty() || f.Match(c.FilterView()) {
			out = append(out, c)
		}
	}
	return out, nil
}

// FilterView describes c as the filters see it.
func (c *Container) FilterView() *ctrfilter.Container {
	cfg, st := &c.config, &c.state
	v := &ctrfilter.Container{
		ID:        cfg.ID,
		Names:     []string{cfg.Name},
		Labels:    cfg.Spec.Labels,
		State:     st.Status.PodmanState(),
		ExitCode:  st.ExitCode,
		ImageID:   cfg.ImageID,
		ImageName: cfg.ImageName,
		Created:   cfg.Created,
		Runtime:   []string{cfg.Runtime.Name, cfg.Runtime.Path},

		RestartPolicy: cfg.RestartPolicy,
		Health:        c.HealthStatus(),
	}
	if v.ImageName == "" {
		v.ImageName = cfg.Image
	}
	for _, m := range c.UserMounts() {
		v.Mounts = append(v.Mounts, ctrfilter.Mount{Source: m.Source, Destination: m.Destination, Named: m.Type == "volume"})
	}
	return v
}

// UserMounts returns the container's -v, --mount and --tmpfs mounts, and
// its volumes (named, anonymous, the image's, --volumes-from's) with their
// names as Source.
func (c *Container) UserMounts() []specgen.MountPoint {
	var out []specgen.MountPoint
	for _, m := range specgen.UserMounts(&c.config.Spec) {
		if m.Type != "volume" {
			out = append(out, m)
		}
	}
	for _, m := range c.config.Volumes {
		out = append(out, specgen.MountPoint{Type: "volume", Source: m.Name, Destination: m.Destination})
	}
	return out
}

// filterResolver resolves the names filters refer to.
type filterResolver struct{ r *Runtime }

func (f filterResolver) ContainerCreated(nameOrID string) (time.Time, error) {
	c, err := f.r.LookupContainer(nameOrID)
	if err != nil {
		return time.Time{}, err
	}
	return c.config.Created, nil
}

func (f filterResolver) ImageID(name string) string {
	store, err := f.r.images()
	if err != nil {
		return ""
	}
	img, err := store.LookupImage(name)
	if err != nil {
		return ""
	}
	return img.ID
}

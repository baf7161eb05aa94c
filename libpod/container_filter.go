package libpod

import (
	"time"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/ctrfilter"
)

// PodmanState is the state word Podman shows for s in inspect, ps and
// filters: a container created but not in its runtime is "created", one
// created in its runtime but not started (`init`) "initialized", a stopped
// one "exited".
func (s Status) PodmanState() string {
	switch s {
	case StatusConfigured:
		return string(StatusCreated)
	case StatusCreated:
		return "initialized"
	case StatusStopped:
		return string(StatusExited)
	}
	return string(s)
}

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
		PodID:     cfg.Pod,
	}
	if cfg.Pod != "" {
		v.PodName = c.PodName()
	}
	if v.ImageName == "" {
		v.ImageName = cfg.Image
	}
	for _, m := range c.UserMounts() {
		v.Mounts = append(v.Mounts, ctrfilter.Mount{Source: m.Source, Destination: m.Destination})
	}
	return v
}

// UserMounts returns the container's -v, --mount and --tmpfs mounts.
func (c *Container) UserMounts() []specgen.MountPoint { return specgen.UserMounts(&c.config.Spec) }

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

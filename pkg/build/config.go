package build

import (
	docker "github.com/fsouza/go-dockerclient"

	"github.com/pod-engine/pod/pkg/imagecommit"
)

// toDocker converts an image's run config to imagebuilder's type.
func toDocker(c imagecommit.Config) *docker.Config {
	d := &docker.Config{User: c.User, Env: c.Env, Cmd: c.Cmd, Entrypoint: c.Entrypoint, WorkingDir: c.WorkingDir,
		Labels: c.Labels, StopSignal: c.StopSignal, OnBuild: c.OnBuild, Shell: c.Shell, Volumes: c.Volumes}
	for p := range c.ExposedPorts {
		if d.ExposedPorts == nil {
			d.ExposedPorts = map[docker.Port]struct{}{}
		}
		d.ExposedPorts[docker.Port(p)] = struct{}{}
	}
	if h := c.Healthcheck; h != nil {
		d.Healthcheck = &docker.HealthConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout,
			StartPeriod: h.StartPeriod, Retries: h.Retries}
	}
	return d
}

// fromDocker converts imagebuilder's run config to the image's.
func fromDocker(d *docker.Config) imagecommit.Config {
	c := imagecommit.Config{User: d.User, Env: d.Env, Cmd: d.Cmd, Entrypoint: d.Entrypoint, WorkingDir: d.WorkingDir,
		Labels: d.Labels, StopSignal: d.StopSignal, OnBuild: d.OnBuild, Shell: d.Shell, Volumes: d.Volumes}
	if len(c.Entrypoint) == 0 {
		c.Entrypoint = nil
	}
	if len(c.OnBuild) == 0 {
		c.OnBuild = nil
	}
	for p := range d.ExposedPorts {
		if c.ExposedPorts == nil {
			c.ExposedPorts = map[string]struct{}{}
		}
		c.ExposedPorts[string(p)] = struct{}{}
	}
	if h := d.Healthcheck; h != nil {
		c.Healthcheck = &imagecommit.HealthCheck{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout,
			StartPeriod: h.StartPeriod, Retries: h.Retries}
	}
	return c.Clone()
}

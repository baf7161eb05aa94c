// Package imagecommit writes new images into go.podman.io/storage: the
// diff of a container's writable layer against its image becomes a new
// layer on the image's top layer (or the whole root with --squash), with an
// OCI or Docker schema 2 manifest and config carrying the history entry and
// the run config. `pod commit` and every committed step of `pod build` use
// it. It writes the image records itself (as go.podman.io/image's storage
// destination does) because the copy stack that could do it is not linked
// on the lifecycle path (docs/images.md); Podman and pod-image read the
// result as any locally built image. ApplyChanges parses `--change`.
package imagecommit

import (
	"encoding/json"
	"time"
)

// Config is the run config of an image (the "config" object of an OCI or
// Docker image config), the fields Podman sets at commit and build.
type Config struct {
	User         string              `json:"User,omitempty"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts,omitempty"`
	Env          []string            `json:"Env,omitempty"`
	Entrypoint   []string            `json:"Entrypoint,omitempty"`
	Cmd          []string            `json:"Cmd,omitempty"`
	Volumes      map[string]struct{} `json:"Volumes,omitempty"`
	WorkingDir   string              `json:"WorkingDir,omitempty"`
	Labels       map[string]string   `json:"Labels,omitempty"`
	StopSignal   string              `json:"StopSignal,omitempty"`
	// Docker-format extras (OCI configs drop them; Podman keeps them only
	// with --format docker).
	OnBuild     []string     `json:"OnBuild,omitempty"`
	Healthcheck *HealthCheck `json:"Healthcheck,omitempty"`
	Shell       []string     `json:"Shell,omitempty"`
}

// HealthCheck is a HEALTHCHECK instruction as Docker stores it (durations in ns).
type HealthCheck struct {
	Test        []string      `json:"Test,omitempty"`
	Interval    time.Duration `json:"Interval,omitempty"`
	Timeout     time.Duration `json:"Timeout,omitempty"`
	StartPeriod time.Duration `json:"StartPeriod,omitempty"`
	Retries     int           `json:"Retries,omitempty"`
}

// History is one entry of an image's history.
type History struct {
	Created    *time.Time `json:"created,omitempty"`
	CreatedBy  string     `json:"created_by,omitempty"`
	Author     string     `json:"author,omitempty"`
	Comment    string     `json:"comment,omitempty"`
	EmptyLayer bool       `json:"empty_layer,omitempty"`
}

// imageConfig is the config blob. Unknown fields of a parent's config are
// kept through extra.
type imageConfig struct {
	Created      *time.Time `json:"created,omitempty"`
	Author       string     `json:"author,omitempty"`
	Architecture string     `json:"architecture"`
	OS           string     `json:"os"`
	Variant      string     `json:"variant,omitempty"`
	OSVersion    string     `json:"os.version,omitempty"`
	OSFeatures   []string   `json:"os.features,omitempty"`
	Config       Config     `json:"config"`
	RootFS       struct {
		Type    string   `json:"type"`
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
	History []History `json:"history,omitempty"`

	// Docker schema 2 only.
	DockerVersion   string  `json:"docker_version,omitempty"`
	Comment         string  `json:"comment,omitempty"`
	ContainerConfig *Config `json:"container_config,omitempty"`
}

// ParentConfig reads the run config of a config blob (what --change and the
// container's settings start from).
func ParentConfig(blob []byte) (Config, error) {
	var ic imageConfig
	if len(blob) == 0 {
		return Config{}, nil
	}
	err := json.Unmarshal(blob, &ic)
	return ic.Config, err
}

// Clone returns a deep copy of c.
func (c Config) Clone() Config {
	out := c
	out.Env = append([]string(nil), c.Env...)
	out.Entrypoint = cloneSlice(c.Entrypoint)
	out.Cmd = cloneSlice(c.Cmd)
	out.OnBuild = append([]string(nil), c.OnBuild...)
	out.Shell = append([]string(nil), c.Shell...)
	out.ExposedPorts = cloneSet(c.ExposedPorts)
	out.Volumes = cloneSet(c.Volumes)
	if c.Labels != nil {
		out.Labels = make(map[string]string, len(c.Labels))
		for k, v := range c.Labels {
			out.Labels[k] = v
		}
	}
	if c.Healthcheck != nil {
		h := *c.Healthcheck
		h.Test = append([]string(nil), h.Test...)
		out.Healthcheck = &h
	}
	return out
}

func cloneSlice(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

func cloneSet(m map[string]struct{}) map[string]struct{} {
	if m == nil {
		return nil
	}
	out := make(map[string]struct{}, len(m))
	for k := range m {
		out[k] = struct{}{}
	}
	return out
}

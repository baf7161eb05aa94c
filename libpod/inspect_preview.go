package libpod

import (
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/libpod/internal/specgen"
)

// previewSpec is the spec the container will get at start, for inspect of a
// container whose spec is not written yet (created, or its bundle gone):
// Podman shows the capabilities, environment and limits of a created
// container. nil when it cannot be made now (the start will say why).
func (c *Container) previewSpec() *specs.Spec {
	host, err := c.rt.hostInfo(c)
	if err != nil {
		return nil
	}
	o := c.config.Spec
	spec, err := specgen.Preview(c.config.ID, &o, &c.config.ImageConfig, c.rt.specDefaults(), host)
	if err != nil {
		return nil
	}
	if spec.Process != nil {
		spec.Process.Env = withoutStartEnv(spec.Process.Env, c.config.Spec.Env, c.config.ImageConfig.Env)
	}
	return spec
}

// withoutStartEnv drops from env the HOME and HOSTNAME the start adds (HOME
// from the image's /etc/passwd, unknown before), unless -e or the image set
// them: Podman's Env of a created container has neither.
func withoutStartEnv(env []string, given ...[]string) []string {
	set := map[string]bool{}
	for _, list := range given {
		for _, v := range list {
			k, _, _ := strings.Cut(v, "=")
			set[k] = true
		}
	}
	out := env[:0:0]
	for _, v := range env {
		k, _, _ := strings.Cut(v, "=")
		if (k == "HOME" || k == "HOSTNAME") && !set[k] {
			continue
		}
		out = append(out, v)
	}
	return out
}

package libpod

// `generate spec`: a container's or pod's settings as Podman's specgen JSON
// (pkg/genspec), from what was recorded at create. rename gives the spec
// the name a clone would get (NAME-clone…), as Podman's --name does, so
// that it can be created while the original exists.

import (
	"sort"
	"strings"

	"github.com/docker/go-units"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/genspec"
)

// GenerateSpec returns the container's spec.
func (c *Container) GenerateSpec(rename bool) (*genspec.Container, error) {
	cfg, s := &c.config, &c.config.Spec
	name := cfg.Name
	if rename {
		var err error
		if name, err = c.rt.cloneName("", cfg.Name, c.rt.containerNameTaken); err != nil {
			return nil, err
		}
	}
	g := &genspec.Container{
		Name: name, Pod: cfg.Pod, Hostname: s.Hostname, Labels: s.Labels, Annotations: s.Annotations,
		Remove: cfg.Remove, Command: s.Command, Env: envMap(cfg.ImageConfig.Env, s.Env),
		Terminal: s.Terminal, Stdin: s.Stdin, RestartPolicy: cfg.RestartPolicy,
		SdNotifyMode: cfg.SdNotify, ContainerCreateCommand: cfg.CreateCommand,
		InitContainerType: cfg.InitCtr, Image: cfg.ImageID, Rootfs: s.Rootfs, WorkDir: s.WorkDir,
		ReadOnlyFilesystem: s.ReadOnly, Umask: s.Umask, Privileged: s.Privileged, User: s.User,
		Groups: s.GroupAdd, CapAdd: s.CapAdd, CapDrop: s.CapDrop, HostAdd: s.AddHosts,
		DNSServers: s.DNS, DNSSearch: s.DNSSearch, DNSOptions: s.DNSOptions, Sysctl: s.Sysctls, Init: s.Init,
	}
	if s.Entrypoint != nil {
		g.Entrypoint = *s.Entrypoint
	}
	if cfg.StopSignal != 0 {
		sig := cfg.StopSignal
		g.StopSignal = &sig
	}
	stop := cfg.StopTimeout
	g.StopTimeout = &stop
	if cfg.RestartRetries > 0 {
		n := cfg.RestartRetries
		g.RestartRetries = &n
	}
	for _, v := range s.Volumes {
		m, nv := volumeSpec(v)
		if nv != nil {
			g.Volumes = append(g.Volumes, *nv)
		} else {
			g.Mounts = append(g.Mounts, m)
		}
	}
	for _, p := range cfg.PortMappings {
		g.PortMappings = append(g.PortMappings, genspec.PortMapping{HostIP: p.HostIP, ContainerPort: p.ContainerPort, HostPort: p.HostPort, Range: p.Range, Protocol: p.Protocol})
	}
	if n := cfg.Net; n != nil && cfg.Pod == "" {
		g.NetNS = &genspec.Namespace{NSMode: n.Kind}
		if len(n.Networks) > 0 {
			g.Networks = map[string]struct{}{}
			for k := range n.Networks {
				g.Networks[k] = struct{}{}
			}
		}
	}
	return g, nil
}

// envMap is the container's environment as a map: the image's, then -e.
func envMap(lists ...[]string) map[string]string {
	m := map[string]string{}
	for _, l := range lists {
		for _, kv := range l {
			k, v, _ := strings.Cut(kv, "=")
			m[k] = v
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// volumeSpec is a -v value as Podman's spec has it: a bind mount (an
// absolute source) or a named volume.
func volumeSpec(v string) (specs.Mount, *genspec.NamedVolume) {
	parts := strings.SplitN(v, ":", 3)
	if len(parts) == 1 { // an anonymous volume
		return specs.Mount{}, &genspec.NamedVolume{Dest: parts[0], Options: []string{}}
	}
	var opts []string
	if len(parts) == 3 {
		opts = strings.Split(parts[2], ",")
	}
	if strings.HasPrefix(parts[0], "/") {
		return specs.Mount{Destination: parts[1], Type: "bind", Source: parts[0], Options: append([]string{"rbind"}, opts...)}, nil
	}
	if opts == nil {
		opts = []string{}
	}
	return specs.Mount{}, &genspec.NamedVolume{Name: parts[0], Dest: parts[1], Options: opts}
}

// GenerateSpec returns the pod's spec.
func (p *Pod) GenerateSpec(rename bool) (*genspec.Pod, error) {
	cfg := &p.config
	name := cfg.Name
	if rename {
		var err error
		if name, err = p.rt.cloneName("", cfg.Name, p.rt.podNameTaken); err != nil {
			return nil, err
		}
	}
	share := append([]string(nil), cfg.Share...)
	sort.Strings(share)
	e := cfg.EtcFiles
	g := &genspec.Pod{
		Name: name, Hostname: cfg.Hostname, ExitPolicy: cfg.ExitPolicy, Labels: cfg.Labels,
		NoInfra: cfg.InfraID == "", InfraCommand: cfg.InfraCommand, InfraImage: cfg.InfraImage,
		SharedNamespaces: share, HostAdd: e.AddHosts, NoManageHosts: e.NoHosts,
		DNSServers: e.DNS, DNSSearch: e.DNSSearch, DNSOptions: e.DNSOptions, ResourceLimits: cfg.Resources,
	}
	if g.ResourceLimits == nil && cfg.Memory != "" {
		if b, err := units.RAMInBytes(cfg.Memory); err == nil {
			g.ResourceLimits = &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &b}}
		}
	}
	return g, nil
}

package libpod

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagecommit"
)

// CommitOptions are `pod commit`'s flags.
type CommitOptions struct {
	Name           string   // [IMAGE]; empty = an image without a name
	Author         string   // --author
	Message        string   // --message (docker format keeps it as the config's comment)
	Changes        []string // --change "CMD …"
	Pause          bool     // --pause: freeze a running container while its layer is read
	Format         string   // --format oci|docker
	IncludeVolumes bool     // --include-volumes: the container's volumes become image VOLUMEs
	Squash         bool     // --squash: one layer with the whole root filesystem
	Progress       io.Writer
}

// commitExcludes are the mount points pod and the runtime make in a
// container's root; `commit` leaves them out as `diff` does (initInodes).
var commitExcludes = []string{"etc/hostname", "etc/hosts", "etc/resolv.conf", "run/.containerenv", "etc/mtab"}

// Commit writes the container's changes as a new image on its image and
// returns the image ID. The run config is the image's with the container's
// settings (command, entrypoint, env, user, workdir, labels, ports, stop
// signal) and then the --change instructions applied, as Podman does.
func (c *Container) Commit(ctx context.Context, o CommitOptions) (string, error) {
	if !c.config.Storage {
		return "", fmt.Errorf("container %s runs on --rootfs %s and has no layer to commit: %w", c.config.Name, c.config.Spec.Rootfs, errdefs.ErrInvalidArgument)
	}
	var names []string
	if o.Name != "" {
		n, err := imagecommit.NormalizeName(o.Name)
		if err != nil {
			return "", err
		}
		names = []string{n}
	}
	store, err := c.rt.images()
	if err != nil {
		return "", err
	}
	blob, err := imagecommit.ConfigBlob(store.Storage(), c.config.ImageID)
	if err != nil {
		return "", err
	}
	cfg, err := imagecommit.ParentConfig(blob)
	if err != nil {
		return "", fmt.Errorf("parsing the config of image %s: %w", c.config.ImageID, err)
	}
	c.mergeRunConfig(&cfg, o.IncludeVolumes)
	if err := imagecommit.ApplyChanges(&cfg, o.Changes); err != nil {
		return "", err
	}
	if o.Pause && c.state.Status == StatusRunning {
		if err := c.Pause(ctx); err == nil {
			defer func() { _ = c.Unpause(context.WithoutCancel(ctx)) }()
		}
	}
	if o.Progress != nil {
		fmt.Fprintln(o.Progress, "Getting image source signatures")
	}
	id, err := imagecommit.Commit(store.Storage(), imagecommit.Options{
		Container: c.config.ID, Parent: c.config.ImageID, Names: names, Format: o.Format,
		Config: cfg, Author: o.Author, Squash: o.Squash, Exclude: commitExcludes,
		History: imagecommit.History{CreatedBy: strings.Join(c.config.Command, " "), Comment: o.Message},
	})
	if err != nil {
		return "", fmt.Errorf("committing container %s: %w", c.config.Name, err)
	}
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "Copying blob sha256:%s\nCopying config sha256:%s\nWriting manifest to image destination\n", id, id)
	}
	return id, nil
}

// mergeRunConfig puts the container's own settings over the image's.
func (c *Container) mergeRunConfig(cfg *imagecommit.Config, volumes bool) {
	s := c.config.Spec
	for _, e := range s.Env {
		if k, v, ok := strings.Cut(e, "="); ok {
			_ = imagecommit.ApplyChanges(cfg, []string{"ENV " + k + "=" + v})
		}
	}
	if s.Entrypoint != nil {
		cfg.Entrypoint = append([]string{}, (*s.Entrypoint)...)
	}
	if len(s.Command) > 0 {
		cfg.Cmd = append([]string{}, s.Command...)
	}
	if s.User != "" {
		cfg.User = s.User
	}
	if s.WorkDir != "" {
		cfg.WorkingDir = s.WorkDir
	}
	if s.StopSignal != "" {
		if sig, err := ParseSignal(s.StopSignal); err == nil {
			cfg.StopSignal = strconv.Itoa(int(sig))
		}
	}
	if len(s.Labels) > 0 && cfg.Labels == nil {
		cfg.Labels = map[string]string{}
	}
	for k, v := range s.Labels {
		cfg.Labels[k] = v
	}
	for _, p := range c.config.PortMappings {
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for i := uint16(0); i < max(p.Range, 1); i++ {
			cfg.ExposedPorts[fmt.Sprintf("%d/%s", p.ContainerPort+i, p.Protocol)] = struct{}{}
		}
	}
	if volumes {
		var dests []string
		for _, v := range append(append([]string{}, s.Volumes...), s.Mounts...) {
			if d := volumeDest(v); d != "" {
				dests = append(dests, d)
			}
		}
		sort.Strings(dests)
		for _, d := range dests {
			if cfg.Volumes == nil {
				cfg.Volumes = map[string]struct{}{}
			}
			cfg.Volumes[d] = struct{}{}
		}
	}
}

// volumeDest is the container path of a -v or --mount argument.
func volumeDest(v string) string {
	if strings.Contains(v, "type=") {
		for _, kv := range strings.Split(v, ",") {
			k, val, _ := strings.Cut(kv, "=")
			if k == "dst" || k == "destination" || k == "target" {
				return val
			}
		}
		return ""
	}
	parts := strings.Split(v, ":")
	switch {
	case len(parts) == 1:
		return parts[0]
	case strings.HasPrefix(parts[1], "/"):
		return parts[1]
	}
	return parts[0]
}

package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/containerd/platforms"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagestore"
)

// RunFlags are the create options of Podman's run/create flags that are
// not part of the spec: files pod writes, containers this one needs, the
// platform the image must have.
type RunFlags struct {
	CIDFile       string   // --cidfile: the new container's ID is written here; it must not exist
	PidFile       string   // --pidfile: the container's pid, written when it starts
	ConmonPidFile string   // --conmon-pidfile: the monitor's pid, written when it starts
	Requires      []string // --requires: containers (names or IDs) started before this one
	Replace       bool     // --replace: remove a container of the same name first
	// Platform the image must be for (--platform OS/ARCH[/VARIANT], --os,
	// --arch, --variant); empty fields match anything.
	OS, Arch, Variant string
	// PullFlags are pod-image pull flags for the image (--tls-verify, --authfile).
	PullFlags []string
}

// checkRunFlags checks what can be checked before anything is created.
func (r *Runtime) checkRunFlags(o *CreateOptions) error {
	for flag, p := range map[string]string{"--cidfile": o.CIDFile, "--pidfile": o.PidFile, "--conmon-pidfile": o.ConmonPidFile} {
		if p != "" && strings.IndexByte(p, 0) >= 0 {
			return fmt.Errorf("%s %q: the path contains a NUL byte: %w", flag, p, errdefs.ErrInvalidArgument)
		}
	}
	if o.CIDFile != "" {
		if _, err := os.Stat(o.CIDFile); err == nil {
			return fmt.Errorf("container id file exists. Ensure another container is not using it or delete %s: %w", o.CIDFile, errdefs.ErrAlreadyExists)
		}
	}
	if o.Replace && o.Spec.Name == "" {
		return fmt.Errorf("cannot replace container without --name being set: %w", errdefs.ErrInvalidArgument)
	}
	if (o.OS != "" || o.Arch != "" || o.Variant != "") && o.Image == "" {
		return fmt.Errorf("--platform, --os, --arch and --variant select an image; they cannot be used with --rootfs: %w", errdefs.ErrInvalidArgument)
	}
	return nil
}

// applyRunFlags records the files and dependencies, checks the image's
// platform and, with --replace, removes the container holding the name.
func (r *Runtime) applyRunFlags(ctx context.Context, cfg *ContainerConfig, o *CreateOptions) error {
	abs := func(p string) (string, error) {
		if p == "" {
			return "", nil
		}
		return filepath.Abs(p)
	}
	var err error
	if cfg.CIDFile, err = abs(o.CIDFile); err != nil {
		return err
	}
	if cfg.PidFile, err = abs(o.PidFile); err != nil {
		return err
	}
	if cfg.ConmonPidFile, err = abs(o.ConmonPidFile); err != nil {
		return err
	}
	if cfg.Secrets, err = r.resolveSecrets(o.Secrets); err != nil {
		return err
	}
	for _, dep := range o.Requires {
		for _, name := range strings.Split(dep, ",") {
			c, err := r.LookupContainer(name)
			if err != nil {
				return fmt.Errorf("%q is not a valid container, cannot be used as a dependency: %w", name, err)
			}
			cfg.Requires = append(cfg.Requires, c.ID())
		}
	}
	if err := r.checkPlatform(ctx, cfg, o); err != nil {
		return err
	}
	if o.Replace {
		old, err := r.LookupContainer(o.Spec.Name)
		switch {
		case errors.Is(err, errdefs.ErrNotFound):
		case err != nil:
			return err
		case old.Name() != o.Spec.Name:
			// The name is another container's ID prefix: nothing to replace.
		default:
			if err := old.Remove(ctx, RemoveOptions{Force: true}); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
				return fmt.Errorf("replacing container %s: %w", o.Spec.Name, err)
			}
		}
	}
	return nil
}

// checkPlatform makes sure the image is for the platform asked for. A local
// image of another platform is pulled again for it unless --pull=never.
func (r *Runtime) checkPlatform(ctx context.Context, cfg *ContainerConfig, o *CreateOptions) error {
	if o.OS == "" && o.Arch == "" && o.Variant == "" || o.Image == "" {
		return nil
	}
	store, err := r.images()
	if err != nil {
		return err
	}
	img, err := store.LookupImage(cfg.ImageID)
	if err != nil {
		return err
	}
	want := platformString(o.OS, o.Arch, o.Variant)
	if platformMatches(img, o) {
		return nil
	}
	have := platformString(img.OS, img.Architecture, img.Variant)
	if o.Pull == "never" {
		return fmt.Errorf("image %s is for %s, not %s, and --pull=never forbids pulling it for %s: %w", o.Image, have, want, want, errdefs.ErrNoSuchImage)
	}
	again := *o
	again.Pull = "always"
	if err := r.resolveImage(ctx, cfg, &again); err != nil {
		return fmt.Errorf("image %s is for %s, not %s: %w", o.Image, have, want, err)
	}
	if img, err = store.LookupImage(cfg.ImageID); err != nil {
		return err
	}
	if !platformMatches(img, o) {
		return fmt.Errorf("image %s is for %s after pulling, not %s: %w", o.Image, platformString(img.OS, img.Architecture, img.Variant), want, errdefs.ErrNoSuchImage)
	}
	return nil
}

// platformMatches is libimage's matchesPlatform (Podman 4.3): both sides
// filled with this host's OS and architecture where unset, normalized and
// compared by containerd's matcher, so arm64 is arm64/v8, --variant v7 does
// not take an arm64 image, and a variant asked for needs an image of it.
func platformMatches(img *imagestore.Image, o *CreateOptions) bool {
	want, err := platforms.Parse(platformString(o.OS, o.Arch, o.Variant))
	if err != nil {
		return false
	}
	have, err := platforms.Parse(platformString(img.OS, img.Architecture, img.Variant))
	if err != nil {
		return false
	}
	return platforms.NewMatcher(want).Match(have)
}

func platformString(os, arch, variant string) string {
	if os == "" {
		os = runtime.GOOS
	}
	if arch == "" {
		arch = runtime.GOARCH
	}
	s := os + "/" + arch
	if variant != "" {
		s += "/" + variant
	}
	return s
}

// PlatformPullFlags are pod-image pull's flags for the platform asked for,
// after PullFlags.
func (f *RunFlags) PlatformPullFlags() []string {
	out := append([]string(nil), f.PullFlags...)
	for flag, v := range map[string]string{"--os": f.OS, "--arch": f.Arch, "--variant": f.Variant} {
		if v != "" {
			out = append(out, flag+"="+v)
		}
	}
	return out
}

// writeCIDFile writes the container's ID to its --cidfile, which must not
// exist (Podman's check, made again here against a race).
func (c *Container) writeCIDFile() error {
	p := c.config.CIDFile
	if p == "" {
		return nil
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if os.IsExist(err) {
			return fmt.Errorf("container id file exists. Ensure another container is not using it or delete %s: %w", p, errdefs.ErrAlreadyExists)
		}
		return fmt.Errorf("opening --cidfile %s: %w", p, err)
	}
	_, err = f.WriteString(c.config.ID)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing --cidfile %s: %w", p, err)
	}
	return nil
}

// writePidFiles writes --pidfile and --conmon-pidfile after the runtime
// created the container.
func (c *Container) writePidFiles() error {
	for _, f := range []struct {
		path string
		pid  int
	}{{c.config.PidFile, c.state.Task.Pid}, {c.config.ConmonPidFile, c.state.Task.MonitorPid}} {
		if f.path == "" || f.pid <= 0 {
			continue
		}
		tmp := f.path + ".tmp"
		if err := os.WriteFile(tmp, []byte(strconv.Itoa(f.pid)), 0o644); err != nil {
			return fmt.Errorf("container %s: writing pid file: %w", c.config.Name, err)
		}
		if err := os.Rename(tmp, f.path); err != nil {
			return fmt.Errorf("container %s: writing pid file: %w", c.config.Name, err)
		}
	}
	return nil
}

// removeRunFiles removes the --cidfile when the container goes, as Podman does.
func (c *Container) removeRunFiles() error {
	if p := c.config.CIDFile; p != "" {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// startRequirements starts the containers of --requires that do not run.
func (c *Container) startRequirements(ctx context.Context) error {
	for _, id := range c.config.Requires {
		dep, err := c.rt.LookupContainer(id)
		if err != nil {
			return fmt.Errorf("container %s requires container %s: %w", c.config.Name, id, err)
		}
		if dep.Status() == StatusRunning {
			continue
		}
		if err := dep.Start(ctx, nil); err != nil && dep.Status() != StatusRunning {
			return fmt.Errorf("container %s requires container %s, which could not be started: %w", c.config.Name, dep.Name(), err)
		}
	}
	return nil
}

// ParseLabelFile parses a --label-file's content (KEY=VALUE lines, '#'
// comments) into KEY=VALUE entries.
func ParseLabelFile(name string, data []byte) ([]string, error) {
	return specgen.ParseLabelFile(name, data)
}

// PreserveFDs hands files of the calling process to the container: they are
// its fds 3, 4, … when this handle starts it (run --preserve-fds).
func (c *Container) PreserveFDs(files []*os.File) { c.preserveFDs = files }

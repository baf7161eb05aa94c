package libpod

import (
	"context"
	"fmt"
	"io"

	"go.podman.io/storage"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/imagehelper"
)

// RootfsRun is one command run with a directory as its root filesystem: a
// RUN step of `pod build` on its working container's mount.
type RootfsRun struct {
	Rootfs  string
	Args    []string // the whole argv (no image entrypoint applies)
	Env     []string // KEY=VALUE
	User    string
	WorkDir string
	Runtime string    // --runtime of the build; empty = the default
	Network string    // none, host…; empty = the default (private, loopback only)
	Mounts  []string  // --mount values (the build's RUN --mount)
	Stdin   io.Reader // pod build --stdin; nil = none
	Stdout  io.Writer
	Stderr  io.Writer
	// Base holds the build's RUN container flags (pod build --cap-add,
	// --device, --ulimit, --volume, …): its Spec is the starting point of
	// every step's container; the fields above replace its own.
	Base *CreateOptions
}

// ValidateBuildRun checks the build's RUN container flags (o.Spec) before
// anything is built: errors name the flag and value (exit 125).
func ValidateBuildRun(o *CreateOptions) error {
	return specgen.Validate(&o.Spec)
}

// RunInRootfs runs o.Args in a new container on o.Rootfs with the runtime
// the build names, waits for it and removes it. It returns the command's
// exit code.
func (r *Runtime) RunInRootfs(ctx context.Context, o RootfsRun) (int, error) {
	empty := []string{}
	zero := uint(0) // an interrupted build kills its step at once
	var spec specgen.Options
	if o.Base != nil {
		spec = o.Base.Spec
	}
	spec.Rootfs, spec.Command, spec.Entrypoint, spec.Env = o.Rootfs, o.Args, &empty, o.Env
	spec.User, spec.WorkDir, spec.Network = o.User, o.WorkDir, o.Network
	spec.Mounts = append(append([]string(nil), spec.Mounts...), o.Mounts...)
	spec.Stdin = o.Stdin != nil
	c, err := r.CreateContainer(ctx, &CreateOptions{
		StopTimeout: &zero,
		Spec:        spec,
		Runtime:     o.Runtime,
		Remove:      true,
	})
	if err != nil {
		return -1, fmt.Errorf("creating the build container: %w", err)
	}
	code, err := c.Run(ctx, &Attach{Options: AttachOptions{Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr}})
	if err != nil {
		_ = c.Remove(context.WithoutCancel(ctx), RemoveOptions{Force: true, Timeout: &zero})
		return code, err
	}
	return code, nil
}

// BuildImage finds the image name for a build's FROM or COPY --from,
// pulling it as pull says (missing, always, never), and returns its ID.
// flags are pod-image pull flags (--tls-verify, --authfile, --arch…).
func (r *Runtime) BuildImage(ctx context.Context, name, pull string, flags []string) (string, error) {
	var cfg ContainerConfig
	if err := r.resolveImage(ctx, &cfg, &CreateOptions{Image: name, Pull: pull, RunFlags: RunFlags{PullFlags: flags}}); err != nil {
		return "", err
	}
	return cfg.ImageID, nil
}

// PullBuildCache pulls ref (pod build --cache-from REPO:KEY) quietly when
// the registry's differs from a local one, and returns its ID. flags are
// pod-image registry flags.
func (r *Runtime) PullBuildCache(ctx context.Context, ref string, flags []string) (string, error) {
	return imagehelper.Pull(ctx, ref, imagehelper.PullOptions{PodBinary: r.exe, Global: r.helperFlags(), Policy: "newer",
		Quiet: true, Progress: io.Discard, Extra: flags})
}

// PushBuildCache pushes image id to ref (pod build --cache-to REPO:KEY).
func (r *Runtime) PushBuildCache(ctx context.Context, id, ref string, flags []string) error {
	return imagehelper.Push(ctx, r.exe, r.helperFlags(), id, ref, flags...)
}

// ImageStorage is the runtime's go.podman.io/storage store (opened on
// first use), for the build and commit code that writes images.
func (r *Runtime) ImageStorage() (storage.Store, error) {
	s, err := r.images()
	if err != nil {
		return nil, err
	}
	return s.Storage(), nil
}

// AddToManifestList adds image id to the manifest list named list, made
// when missing, through pod-image (pod build --manifest).
func (r *Runtime) AddToManifestList(ctx context.Context, list, id string) error {
	return imagehelper.ManifestAdd(ctx, r.exe, r.helperFlags(), list, id)
}

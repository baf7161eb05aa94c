package libpod

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/pod-engine/pod/pkg/checkpoint"
	"github.com/pod-engine/pod/pkg/imagecommit"
)

// checkpointImageName resolves the name of `checkpoint --create-image` as
// Podman does (libimage's ResolveName): the full name of an image it
// already names, else the normalised name (localhost/NAME:latest), which
// moves to the new image. It is checked before anything is checkpointed.
func (r *Runtime) checkpointImageName(o CheckpointOptions) (string, error) {
	store, err := r.images()
	if err != nil {
		return "", err
	}
	if img, err := store.LookupImage(o.CreateImage); err == nil && !strings.HasPrefix(img.ID, o.CreateImage) {
		return img.ResolvedName, nil
	}
	name, err := imagecommit.NormalizeName(o.CreateImage)
	if err != nil {
		return "", fmt.Errorf("--create-image: %w", err)
	}
	return name, nil
}

// createCheckpointImage commits the checkpoint as the image name: one layer
// with what --export's archive holds (criu's images, config.dump,
// spec.dump, the rootfs diff…), no run config, and Podman's
// io.podman.annotations.checkpoint.* annotations in its manifest, which
// `restore IMAGE` reads.
func (c *Container) createCheckpointImage(ctx context.Context, name, engineVersion string) error {
	if err := c.writeRootfsDiff(); err != nil {
		return err
	}
	store, err := c.rt.images()
	if err != nil {
		return err
	}
	layer := filepath.Join(c.staticDir(), "checkpoint-image.tar")
	defer os.Remove(layer)
	if err := checkpoint.Export(c.staticDir(), checkpoint.ImageFiles, checkpoint.Uncompressed, layer); err != nil {
		return fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	f, err := os.Open(layer)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = imagecommit.Commit(store.Storage(), imagecommit.Options{
		Layer: f, Names: []string{name}, Annotations: c.checkpointAnnotations(ctx, engineVersion),
		History: imagecommit.History{CreatedBy: "/bin/sh"}, // as Podman's (buildah's) history says
	})
	if err != nil {
		return fmt.Errorf("creating checkpoint image %s of container %s: %w", name, c.config.Name, err)
	}
	return nil
}

// checkpointAnnotations describe the container and the host, as Podman's
// do, so that a restore can tell what the checkpoint needs. The runtime is
// the container's own (Podman records its default runtime instead).
func (c *Container) checkpointAnnotations(ctx context.Context, engineVersion string) map[string]string {
	rtVersion := ""
	if info, err := c.rt.registry.Inspect(ctx, c.config.Runtime.Name); err == nil {
		rtVersion = info.Version
	}
	monitor := c.config.Runtime.Monitor
	if monitor == "" {
		monitor, _ = c.rt.monitorPath()
	}
	monVersion := ""
	if monitor != "" {
		monVersion = firstLine(commandOutput(ctx, monitor, "--version"))
	}
	kernel := ""
	var u syscall.Utsname
	if syscall.Uname(&u) == nil {
		kernel = utsString(u.Release[:])
	}
	cgroups, _ := cgroupInfo()
	dist := osRelease("/etc/os-release")
	return map[string]string{
		checkpoint.AnnotationName:                c.config.Name,
		checkpoint.AnnotationRawImageName:        c.config.Image,
		checkpoint.AnnotationRootfsImageID:       c.config.ImageID,
		checkpoint.AnnotationRootfsImageName:     c.config.ImageName,
		checkpoint.AnnotationEngineVersion:       engineVersion,
		checkpoint.AnnotationCriuVersion:         strconv.Itoa(checkpoint.Version(ctx)),
		checkpoint.AnnotationRuntimeName:         c.config.Runtime.Name,
		checkpoint.AnnotationRuntimeVersion:      rtVersion,
		checkpoint.AnnotationConmonVersion:       monVersion,
		checkpoint.AnnotationHostArch:            runtime.GOARCH,
		checkpoint.AnnotationHostKernel:          kernel,
		checkpoint.AnnotationCgroupVersion:       cgroups,
		checkpoint.AnnotationDistributionName:    dist.Distribution,
		checkpoint.AnnotationDistributionVersion: dist.Version,
	}
}

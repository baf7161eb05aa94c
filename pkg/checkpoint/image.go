package checkpoint

import (
	"fmt"

	"go.podman.io/storage/pkg/archive"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// The annotations of a checkpoint image (`checkpoint --create-image`), in
// its OCI manifest: Podman 4.3.1's keys. AnnotationRuntimeName is the one
// that makes an image a checkpoint image.
const (
	annotationPrefix              = "io.podman.annotations.checkpoint."
	AnnotationName                = annotationPrefix + "name"
	AnnotationRawImageName        = annotationPrefix + "rawImageName"
	AnnotationRootfsImageID       = annotationPrefix + "rootfsImageID"
	AnnotationRootfsImageName     = annotationPrefix + "rootfsImageName"
	AnnotationEngineVersion       = annotationPrefix + "podman.version"
	AnnotationCriuVersion         = annotationPrefix + "criu.version"
	AnnotationRuntimeName         = annotationPrefix + "runtime.name"
	AnnotationRuntimeVersion      = annotationPrefix + "runtime.version"
	AnnotationConmonVersion       = annotationPrefix + "conmon.version"
	AnnotationHostArch            = annotationPrefix + "host.arch"
	AnnotationHostKernel          = annotationPrefix + "host.kernel"
	AnnotationCgroupVersion       = annotationPrefix + "cgroups.version"
	AnnotationDistributionName    = annotationPrefix + "distribution.name"
	AnnotationDistributionVersion = annotationPrefix + "distribution.version"
)

// ImageFiles are the archive names a checkpoint image's layer holds (those
// that exist): what --export writes, uncompressed.
var ImageFiles = []string{ImagesDir, ConfigDump, SpecDump, RootfsDiff, DeletedFiles, StatsDump, DumpLog}

// NotCheckpointImage is the refusal of an image without the checkpoint
// annotations (Podman's words), of class ErrInvalidArgument.
func NotCheckpointImage(annotations map[string]string, id string) error {
	if _, ok := annotations[AnnotationRuntimeName]; ok {
		return nil
	}
	return errdefs.WithClass(fmt.Errorf("image is not a checkpoint: %s", id), errdefs.ErrInvalidArgument)
}

// Copy copies the files of src named in names (those that exist) into dst,
// as Export and Import would through an archive, without one.
func Copy(src string, names []string, dst string) error {
	rd, err := archive.TarWithOptions(src, &archive.TarOptions{Compression: archive.Uncompressed, IncludeFiles: existing(src, names), IncludeSourceDir: true})
	if err != nil {
		return fmt.Errorf("reading the checkpoint in %s: %w", src, err)
	}
	defer rd.Close()
	if err := archive.Untar(rd, dst, &archive.TarOptions{NoLchown: true}); err != nil {
		return fmt.Errorf("copying the checkpoint from %s: %w", src, err)
	}
	return nil
}

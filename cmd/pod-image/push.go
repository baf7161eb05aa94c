package main

import (
	"fmt"
	"os"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/pkg/compression"
)

type pushFlags struct {
	registryFlags
	compress          bool
	compressionFormat string
	compressionLevel  int
	forceCompression  bool
	digestFile        string
	format            string
	removeSignatures  bool
}

func pushCmd(a *app, use string) *cobra.Command {
	f := &pushFlags{}
	cmd := &cobra.Command{
		Use:   use + " [options] IMAGE [DESTINATION]",
		Short: "Push an image to a specified destination",
		Long:  "Pushes a source image to a specified destination.\n\nThe destination defaults to the image name; without a transport it is a registry (docker://).",
		Args:  cobra.RangeArgs(1, 2),
		RunE:  func(cmd *cobra.Command, args []string) error { return runPush(cmd, a, f, args) },
		Example: `pod push 127.0.0.1:5000/busybox
  pod push --tls-verify=false localhost/busybox 127.0.0.1:5000/busybox:1`,
	}
	fs := cmd.Flags()
	f.register(fs)
	fs.BoolVar(&f.compress, "compress", false, "Compress tarball image layers when pushing to a directory using the 'dir' transport. (default is same compression type as source)")
	fs.StringVar(&f.compressionFormat, "compression-format", "", "compression format to use (gzip, zstd, zstd:chunked)")
	fs.IntVar(&f.compressionLevel, "compression-level", 0, "compression level to use")
	fs.BoolVar(&f.forceCompression, "force-compression", false, "Use the specified compression algorithm even if the destination contains a differently-compressed variant already")
	fs.StringVar(&f.digestFile, "digestfile", "", "Write the digest of the pushed image to the specified file")
	fs.StringVarP(&f.format, "format", "f", "", "Manifest type (oci, v2s2, or v2s1) to use in the destination (default is manifest type of source, with fallbacks)")
	fs.BoolVar(&f.removeSignatures, "remove-signatures", false, "Discard any pre-existing signatures in the image")
	return cmd
}

func runPush(cmd *cobra.Command, a *app, f *pushFlags, args []string) error {
	src := args[0]
	dst := src
	if len(args) == 2 {
		dst = args[1]
	}
	opts := &libimage.PushOptions{}
	if err := f.apply(cmd, &opts.CopyOptions); err != nil {
		return err
	}
	switch f.format {
	case "":
	case "oci":
		opts.ManifestMIMEType = imgspecv1.MediaTypeImageManifest
	case "v2s1":
		opts.ManifestMIMEType = manifest.DockerV2Schema1SignedMediaType
	case "v2s2", "docker":
		opts.ManifestMIMEType = manifest.DockerV2Schema2MediaType
	default:
		return invalid("unknown format %q. Choose on of the supported formats: 'oci', 'v2s1', or 'v2s2'", f.format)
	}
	opts.DirForceCompress = f.compress
	opts.RemoveSignatures = f.removeSignatures
	opts.ForceCompressionFormat = f.forceCompression
	if f.compressionFormat != "" {
		algo, err := compression.AlgorithmByName(f.compressionFormat)
		if err != nil {
			return classify(err, errdefs.ErrInvalidArgument)
		}
		opts.CompressionFormat = &algo
	}
	if cmd.Flags().Changed("compression-level") {
		lvl := f.compressionLevel
		opts.CompressionLevel = &lvl
	}
	rt, err := a.Runtime()
	if err != nil {
		return err
	}
	raw, err := rt.Push(cmd.Context(), src, dst, opts)
	if err != nil {
		return err
	}
	if f.digestFile != "" {
		d, err := manifest.Digest(raw)
		if err != nil {
			return fmt.Errorf("computing digest of the pushed manifest: %w", err)
		}
		if err := os.WriteFile(f.digestFile, []byte(d.String()), 0o644); err != nil {
			return fmt.Errorf("writing digest file %s: %w", f.digestFile, err)
		}
	}
	return nil
}

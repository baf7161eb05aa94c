package libpod

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"go.podman.io/storage/pkg/idtools"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/rootfs"
)

// CopyEndpoint is one side of `pod cp`: a path in a container, a path on
// the host (Container nil), or "-" on the host: a tar archive read from
// CopyOptions.Stdin or written to CopyOptions.Stdout.
type CopyEndpoint struct {
	Container *Container
	Path      string
}

// stream reports whether the endpoint is a tar archive on stdin/stdout.
func (e CopyEndpoint) stream() bool { return e.Container == nil && e.Path == "-" }

// CopyOptions are `pod cp`'s arguments and flags.
type CopyOptions struct {
	Src, Dst CopyEndpoint
	Stdin    io.Reader // the archive when Src is "-"
	Stdout   io.Writer // where the archive goes when Dst is "-"
	// Archive owns files copied into a container by the container's
	// primary user (--archive, Podman's default); otherwise they keep the
	// owners they had.
	Archive bool
	// Overwrite lets a directory replace a non-directory and the other way
	// round.
	Overwrite bool
}

// Copy copies files between a container and the host, or between two
// containers, as a tar stream. Paths in a container are resolved inside its
// root filesystem, symlinks included, and never reach the host's files.
func (r *Runtime) Copy(ctx context.Context, o CopyOptions) error {
	if o.Src.stream() && o.Dst.stream() {
		return fmt.Errorf("cannot copy from stdin to stdout: one side must be CONTAINER:PATH: %w", errdefs.ErrInvalidArgument)
	}
	if o.Src.Container == nil && o.Dst.Container == nil {
		return fmt.Errorf("copying between two host paths is not supported: write one of them as CONTAINER:PATH: %w", errdefs.ErrInvalidArgument)
	}
	return withEndpointRoot(o.Src, func(src rootfs.Location) error {
		return withEndpointRoot(o.Dst, func(dst rootfs.Location) error {
			return copyBetween(ctx, o, src, dst)
		})
	})
}

// withEndpointRoot calls fn with the endpoint as a location, its
// container's root filesystem mounted meanwhile.
func withEndpointRoot(e CopyEndpoint, fn func(rootfs.Location) error) error {
	if e.Container == nil {
		return fn(rootfs.Location{Root: "/", Path: e.Path, Where: "the host"})
	}
	c := e.Container
	return c.withRootfs(func(root string) error {
		return fn(rootfs.Location{Root: root, Path: e.Path, Where: "container " + c.config.Name})
	})
}

func copyBetween(_ context.Context, o CopyOptions, srcLoc, dstLoc rootfs.Location) error {
	var chown *idtools.IDPair
	if o.Archive && o.Dst.Container != nil {
		u, err := o.Dst.Container.primaryUser(dstLoc.Root)
		if err != nil {
			return err
		}
		chown = &idtools.IDPair{UID: int(u.UID), GID: int(u.GID)}
	}
	xo := rootfs.ExtractOptions{Overwrite: o.Overwrite, Chown: chown}
	if o.Src.stream() {
		dst, err := rootfs.StatDest(dstLoc)
		if err != nil {
			return err
		}
		dir, err := dst.ExtractDir()
		if err != nil {
			return err
		}
		return dst.Extract(o.Stdin, dir, xo)
	}
	src, err := rootfs.StatSource(srcLoc)
	if err != nil {
		return err
	}
	if o.Dst.stream() {
		name := "."
		if !src.Contents {
			name = baseName(srcLoc.Path)
		}
		tr, err := src.Tar(name)
		if err != nil {
			return err
		}
		_, err = io.Copy(o.Stdout, tr)
		return errors.Join(err, tr.Close())
	}
	dst, err := rootfs.StatDest(dstLoc)
	if err != nil {
		return err
	}
	dir, name, err := dst.Target(src, o.Overwrite)
	if err != nil {
		return err
	}
	tr, err := src.Tar(name)
	if err != nil {
		return err
	}
	err = dst.Extract(tr, dir, xo)
	return errors.Join(err, tr.Close())
}

// primaryUser is the uid/gid the container's process runs as, resolved in
// its root filesystem at root.
func (c *Container) primaryUser(root string) (specs.User, error) {
	u := c.config.Spec.User
	if u == "" {
		u = c.config.ImageConfig.User
	}
	if u == "" {
		u = "0"
	}
	return specgen.ResolveUser(root, u)
}

// baseName is the name a copied path gets in an archive: its last element,
// "." for the root.
func baseName(p string) string {
	b := filepath.Base(filepath.Clean("/" + p))
	if b == "/" {
		return "."
	}
	return b
}

// Package rootfs copies files into and out of a container's root filesystem
// from the host, the way `pod cp` and `pod export` need it: every path is
// resolved inside the root as the container would see it (symlinks, "..")
// and can never reach the host's own files. Archives are read and written
// by a helper process chrooted into the root (go.podman.io/storage's
// chrootarchive), so a symlink swapped in by the container while a copy
// runs cannot redirect it either.
//
// A host path is a Root of "/": the same code copies host to container,
// container to host and container to container, always as a tar stream.
package rootfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	securejoin "github.com/cyphar/filepath-securejoin"
	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/chrootarchive"
	"go.podman.io/storage/pkg/idtools"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Location is a path inside a root filesystem.
type Location struct {
	Root string // host directory of the root ("/" for the host itself)
	Path string // the path as the user wrote it, inside Root
	// Where names the root in errors: "container NAME" or "the host".
	Where string
}

// host reports whether the location is on the host (no chroot needed).
func (l Location) host() bool { return l.Root == "/" || l.Root == "" }

// Resolve returns the host path of l.Path: symlinks and ".." are resolved
// inside Root, as the container would resolve them.
func (l Location) Resolve() (string, error) {
	if l.host() {
		p, err := filepath.Abs(l.Path)
		if err != nil {
			return "", err
		}
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return real, nil
		}
		return p, nil
	}
	p, err := securejoin.SecureJoin(l.Root, l.Path)
	if err != nil {
		return "", fmt.Errorf("resolving %q in %s: %w", l.Path, l.Where, err)
	}
	return p, nil
}

// notFound is Podman's message for a missing path.
func (l Location) notFound() error {
	return fmt.Errorf("%q could not be found on %s: no such file or directory: %w", l.Path, l.Where, errdefs.ErrNotFound)
}

// contentsOnly reports whether a source path asks for a directory's
// contents rather than the directory ("dir/.").
func contentsOnly(p string) bool {
	return p == "." || strings.HasSuffix(p, "/.")
}

// Source is a resolved copy source.
type Source struct {
	Loc      Location
	hostPath string
	Info     fs.FileInfo
	Contents bool // "dir/.": copy the contents, not the directory
}

// StatSource resolves and stats a copy source. A missing one is Podman's
// "could not be found" error (errdefs.ErrNotFound).
func StatSource(l Location) (*Source, error) {
	p, err := l.Resolve()
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil, l.notFound()
		}
		return nil, fmt.Errorf("%q on %s: %w", l.Path, l.Where, err)
	}
	return &Source{Loc: l, hostPath: p, Info: fi, Contents: fi.IsDir() && contentsOnly(l.Path)}, nil
}

// Tar writes the source as a tar stream whose top entry is named name
// ("." for a directory's contents).
func (s *Source) Tar(name string) (io.ReadCloser, error) {
	parent, base := filepath.Dir(s.hostPath), filepath.Base(s.hostPath)
	root := s.Loc.Root
	if s.Loc.host() {
		root = "/"
	}
	o := &archive.TarOptions{Compression: archive.Uncompressed}
	if filepath.Clean(s.hostPath) == filepath.Clean(root) {
		// The whole root: "." is the only include.
		parent, base = s.hostPath, "."
		o.IncludeSourceDir = true
	}
	o.IncludeFiles = []string{base}
	if name != base {
		o.RebaseNames = map[string]string{base: name}
	}
	if s.Loc.host() {
		return archive.TarWithOptions(parent, o)
	}
	return chrootarchive.Tar(parent, o, root)
}

// Dest is a resolved copy destination.
type Dest struct {
	Loc      Location
	hostPath string
	Info     fs.FileInfo // nil when the destination does not exist yet
}

// StatDest resolves a destination. It may be missing, but its parent
// directory must exist.
func StatDest(l Location) (*Dest, error) {
	p, err := l.Resolve()
	if err != nil {
		return nil, err
	}
	d := &Dest{Loc: l, hostPath: p}
	fi, err := os.Stat(p)
	switch {
	case err == nil:
		d.Info = fi
	case errors.Is(err, fs.ErrNotExist) && !strings.HasSuffix(l.Path, "/"):
		pfi, perr := os.Stat(filepath.Dir(p))
		if perr != nil || !pfi.IsDir() {
			return nil, l.notFound()
		}
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return nil, l.notFound()
	default:
		return nil, fmt.Errorf("%q on %s: %w", l.Path, l.Where, err)
	}
	return d, nil
}

// IsDir reports whether the destination is an existing directory.
func (d *Dest) IsDir() bool { return d.Info != nil && d.Info.IsDir() }

// Target says where a source lands: the directory to extract into and the
// name its top entry gets there, with Docker's and Podman's rules: into an
// existing directory under the source's name (its contents for "dir/."),
// otherwise as the destination's own name. A directory replaces a file only
// with overwrite.
func (d *Dest) Target(src *Source, overwrite bool) (dir, name string, err error) {
	srcDir := src.Info.IsDir()
	switch {
	case d.IsDir():
		if src.Contents {
			return d.hostPath, ".", nil
		}
		return d.hostPath, filepath.Base(src.hostPath), nil
	case d.Info != nil && srcDir && !overwrite:
		return "", "", fmt.Errorf("cannot copy directory %q to %q on %s: it is not a directory: %w", src.Loc.Path, d.Loc.Path, d.Loc.Where, errdefs.ErrInvalidArgument)
	}
	return filepath.Dir(d.hostPath), filepath.Base(d.hostPath), nil
}

// ExtractOptions control how an archive lands in the destination.
type ExtractOptions struct {
	// Overwrite lets a directory replace a non-directory and the other way
	// round (otherwise that is an error, as in Podman).
	Overwrite bool
	// Chown, when set, owns every extracted file by this uid/gid (cp
	// --archive into a container: its primary user).
	Chown *idtools.IDPair
}

// Extract unpacks the tar stream r (compressed or not) into dir, a
// resolved directory of the destination's root. For a container it runs
// chrooted into the root with the entries renamed to their full path under
// it, so the archive's symlinks may point anywhere in the container (as
// they do when a tool in the container writes them) but nothing reaches
// outside it.
func (d *Dest) Extract(r io.Reader, dir string, o ExtractOptions) error {
	opts := &archive.TarOptions{NoOverwriteDirNonDir: !o.Overwrite, ChownOpts: o.Chown}
	root := d.Loc.Root
	if d.Loc.host() {
		root = "/"
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return fmt.Errorf("copying to %q on %s: %s is outside the root: %w", d.Loc.Path, d.Loc.Where, dir, errdefs.ErrInvalidArgument)
	}
	plain, err := archive.DecompressStream(r)
	if err != nil {
		return fmt.Errorf("copying to %q on %s: %w", d.Loc.Path, d.Loc.Where, err)
	}
	defer plain.Close()
	renamed := prefixNames(plain, rel)
	defer renamed.Close()
	if d.Loc.host() {
		err = archive.Untar(renamed, root, opts)
	} else {
		err = chrootarchive.UntarWithRoot(renamed, root, opts, root)
	}
	if err != nil {
		return fmt.Errorf("copying to %q on %s: %w", d.Loc.Path, d.Loc.Where, err)
	}
	return nil
}

// ExtractDir is the directory a tar stream given as the source ("-") is
// unpacked into: the destination itself, which must be a directory.
func (d *Dest) ExtractDir() (string, error) {
	if !d.IsDir() {
		if d.Info == nil {
			return "", d.Loc.notFound()
		}
		return "", fmt.Errorf("destination %q on %s must be a directory when copying from stdin: %w", d.Loc.Path, d.Loc.Where, errdefs.ErrInvalidArgument)
	}
	return d.hostPath, nil
}

// Export writes the whole root filesystem at root as a tar stream to w,
// with names relative to the root ("bin/", "bin/sh"), as `podman export`.
func Export(root string, w io.Writer) error {
	rc, err := chrootarchive.Tar(root, &archive.TarOptions{Compression: archive.Uncompressed}, root)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, rc)
	return errors.Join(err, rc.Close())
}

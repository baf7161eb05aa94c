package checkpoint

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	securejoin "github.com/cyphar/filepath-securejoin"
	"go.podman.io/storage/pkg/archive"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// The names of Podman's export archive, all at its top level.
const (
	ImagesDir    = "checkpoint"     // criu's images
	PreImagesDir = "pre-checkpoint" // a pre-checkpoint's images (--with-previous)
	ConfigDump   = "config.dump"    // the engine's container record
	SpecDump     = "spec.dump"      // the OCI spec the container ran with
	RootfsDiff   = "rootfs-diff.tar"
	DeletedFiles = "deleted.files" // JSON list of the paths the container removed
	StatsDump    = "stats-dump"    // criu's statistics
	DumpLog      = "dump.log"      // criu's log of the checkpoint
	RestoreLog   = "restore.log"   // criu's log of the restore
	compressNone = "none"
	compressGzip = "gzip"
	compressZstd = "zstd"
)

// Format is an archive's compression.
type Format = archive.Compression

// Uncompressed is the Format of a checkpoint image's layer.
const Uncompressed = archive.Uncompressed

// Compression parses --compress (gzip, none, zstd; "" is zstd, Podman's default).
func Compression(s string) (Format, error) {
	switch s {
	case "", compressZstd:
		return archive.Zstd, nil
	case compressGzip:
		return archive.Gzip, nil
	case compressNone:
		return archive.Uncompressed, nil
	}
	return 0, fmt.Errorf("selected compression algorithm (%q) not supported. Please select one from: gzip, none, zstd: %w", s, errdefs.ErrInvalidArgument)
}

// Export writes the files of dir named in names (those that exist) to the
// archive dst, compressed with c.
func Export(dir string, names []string, c Format, dst string) error {
	rd, err := archive.TarWithOptions(dir, &archive.TarOptions{Compression: c, IncludeFiles: existing(dir, names), IncludeSourceDir: true})
	if err != nil {
		return fmt.Errorf("creating checkpoint archive: %w", err)
	}
	defer rd.Close()
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("creating checkpoint archive %s: %w", dst, err)
	}
	if _, err := io.Copy(f, rd); err != nil {
		f.Close()
		return fmt.Errorf("writing checkpoint archive %s: %w", dst, err)
	}
	return f.Close()
}

// existing returns the names of dir's files that exist.
func existing(dir string, names []string) []string {
	var out []string
	for _, n := range names {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// Import unpacks the archive src (any compression) into dir.
func Import(src, dir string) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("failed to open checkpoint archive %s for import: %w", src, err) // Podman's words, no class
	}
	defer f.Close()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := archive.Untar(f, dir, &archive.TarOptions{NoLchown: true}); err != nil {
		return fmt.Errorf("unpacking of checkpoint archive %s failed: %w", src, errors.Unwrap(err))
	}
	return nil
}

// ReadConfig decodes the JSON file name of dir (config.dump, spec.dump)
// into v.
func ReadConfig(dir, name string, v any) error {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return fmt.Errorf("the checkpoint has no %s: %w", name, errdefs.ErrInvalidArgument)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("the checkpoint's %s is not valid JSON: %w", name, errdefs.ErrInvalidArgument)
	}
	return nil
}

// WriteConfig writes v as the JSON file name of dir.
func WriteConfig(dir, name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), data, 0o600)
}

// WriteRootfsDiff writes the container's own changes into dir: the added
// and changed paths of rootfs as rootfs-diff.tar, the deleted ones as
// deleted.files (Podman's two files).
func WriteRootfsDiff(rootfs, dir string, changed, deleted []string) error {
	if len(changed) > 0 {
		rel := make([]string, len(changed))
		for i, p := range changed {
			rel[i] = filepath.Clean(p)[1:]
		}
		rd, err := archive.TarWithOptions(rootfs, &archive.TarOptions{Compression: archive.Uncompressed, IncludeFiles: rel, IncludeSourceDir: true})
		if err != nil {
			return fmt.Errorf("exporting root file-system diff: %w", err)
		}
		defer rd.Close()
		f, err := os.OpenFile(filepath.Join(dir, RootfsDiff), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, rd); err != nil {
			f.Close()
			return fmt.Errorf("exporting root file-system diff: %w", err)
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if len(deleted) > 0 {
		return WriteConfig(dir, DeletedFiles, deleted)
	}
	return nil
}

// ApplyRootfsDiff applies what WriteRootfsDiff wrote in dir to rootfs.
func ApplyRootfsDiff(dir, rootfs string) error {
	if f, err := os.Open(filepath.Join(dir, RootfsDiff)); err == nil {
		err = archive.Untar(f, rootfs, &archive.TarOptions{NoLchown: false})
		f.Close()
		if err != nil {
			return fmt.Errorf("failed to apply root file-system diff: %w", err)
		}
	}
	var deleted []string
	if _, err := os.Stat(filepath.Join(dir, DeletedFiles)); err != nil {
		return nil
	}
	if err := ReadConfig(dir, DeletedFiles, &deleted); err != nil {
		return err
	}
	for _, p := range deleted {
		full, err := securejoin.SecureJoin(rootfs, p)
		if err != nil {
			return err
		}
		if err := os.RemoveAll(full); err != nil {
			return fmt.Errorf("removing %s deleted in the checkpoint: %w", p, err)
		}
	}
	return nil
}

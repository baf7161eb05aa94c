package volume

import (
	"fmt"
	"io"
	"os"

	securejoin "github.com/cyphar/filepath-securejoin"
	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/chrootarchive"
)

// Export writes the volume's data as an uncompressed tar to w (read in a
// chroot, so links in the volume cannot point outside it).
func Export(root string, c *Config, w io.Writer) error {
	data := DataDir(root, c.Name)
	rc, err := chrootarchive.Tar(data, &archive.TarOptions{Compression: archive.Uncompressed}, data)
	if err != nil {
		return fmt.Errorf("exporting volume %s: %w", c.Name, err)
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("exporting volume %s: %w", c.Name, err)
	}
	return nil
}

// Import unpacks the tar (optionally compressed) from r into the volume's
// data, chrooted in it.
func Import(root string, c *Config, r io.Reader) error {
	data := DataDir(root, c.Name)
	if err := chrootarchive.Untar(r, data, &archive.TarOptions{}); err != nil {
		return fmt.Errorf("importing into volume %s: %w", c.Name, err)
	}
	return nil
}

// CopyUp copies what the container's root filesystem has at dest into the
// volume's data directory, as Podman does for a new volume: only when the
// path is a directory with content. The source is resolved inside rootfs.
func CopyUp(root string, c *Config, rootfs, dest string) error {
	src, err := securejoin.SecureJoin(rootfs, dest)
	if err != nil {
		return fmt.Errorf("copying %s into volume %s: %w", dest, c.Name, err)
	}
	fi, err := os.Stat(src)
	if err != nil || !fi.IsDir() {
		return nil
	}
	ents, err := os.ReadDir(src)
	if err != nil || len(ents) == 0 {
		return nil
	}
	data := DataDir(root, c.Name)
	have, err := os.ReadDir(data)
	if err != nil {
		return fmt.Errorf("copying %s into volume %s: %w", dest, c.Name, err)
	}
	if len(have) > 0 {
		return nil // Podman copies only into an empty volume
	}
	rc, err := chrootarchive.Tar(src, &archive.TarOptions{Compression: archive.Uncompressed}, src)
	if err != nil {
		return fmt.Errorf("copying %s into volume %s: %w", dest, c.Name, err)
	}
	defer rc.Close()
	if err := chrootarchive.Untar(rc, data, &archive.TarOptions{}); err != nil {
		return fmt.Errorf("copying %s into volume %s: %w", dest, c.Name, err)
	}
	return nil
}

// Chown gives the data directory the owner and mode of the directory at
// dest in rootfs (Podman's NeedsChown for a new volume), when there is one;
// else, with owner non-nil (a container with its own user namespace), the
// host ids of the container's user, so that it can write there.
func Chown(root string, c *Config, rootfs, dest string, owner *[2]int) error {
	src, err := securejoin.SecureJoin(rootfs, dest)
	if err != nil {
		return nil
	}
	fi, err := os.Stat(src)
	if err != nil || !fi.IsDir() {
		if owner == nil {
			return nil
		}
		if err := os.Chown(DataDir(root, c.Name), owner[0], owner[1]); err != nil {
			return fmt.Errorf("volume %s: %w", c.Name, err)
		}
		return nil
	}
	st, ok := statOwner(fi)
	if !ok {
		return nil
	}
	data := DataDir(root, c.Name)
	if err := os.Chown(data, st[0], st[1]); err != nil {
		return fmt.Errorf("volume %s: %w", c.Name, err)
	}
	return os.Chmod(data, fi.Mode().Perm())
}

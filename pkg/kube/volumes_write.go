package kube

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"
)

// WriteFiles writes a ConfigMap volume's files into dir (the volume's data
// directory), replacing what is there under the same names, as Podman
// rewrites a reused ConfigMap volume. Paths resolve inside dir (a symlink
// a container left in a reused volume cannot lead out of it), and an
// existing file or symlink at a file's place is replaced, not followed.
func WriteFiles(dir string, cv ConfigMapVolume) error {
	names := make([]string, 0, len(cv.Items))
	for n := range cv.Items {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !safeRelPath(n) {
			return invalid("ConfigMap %s: file %q must be a relative path without ..", cv.Name, n)
		}
		parent, err := securejoin.SecureJoin(dir, filepath.Dir(n))
		if err != nil {
			return err
		}
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return fmt.Errorf("ConfigMap %s: %w", cv.Name, err)
		}
		p := filepath.Join(parent, filepath.Base(n))
		if fi, err := os.Lstat(p); err == nil && !fi.Mode().IsRegular() {
			if err := os.RemoveAll(p); err != nil {
				return fmt.Errorf("ConfigMap %s: replacing %s: %w", cv.Name, n, err)
			}
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|unix.O_NOFOLLOW, os.FileMode(cv.Mode))
		if err != nil {
			return fmt.Errorf("ConfigMap %s: writing %s: %w", cv.Name, n, err)
		}
		_, werr := f.Write(cv.Items[n])
		if err := f.Close(); werr == nil {
			werr = err
		}
		if werr == nil {
			werr = os.Chmod(p, os.FileMode(cv.Mode))
		}
		if werr != nil {
			return fmt.Errorf("ConfigMap %s: writing %s: %w", cv.Name, n, werr)
		}
	}
	return nil
}

// Package ovlmount owns the host side of overlay volumes (-v SRC:DST:O):
// the per-start upper and work directories pod makes for each overlay
// under the container's directory, the overlay it mounts on the host for
// a runtime that cannot mount one itself (gVisor ignores OCI mounts of type
// overlay), and their removal at cleanup, so that the container's changes
// are discarded and nothing stays mounted or on disk.
//
// It is written by hand: go.podman.io/storage/pkg/overlay would do the same
// with fuse-overlayfs fallbacks and mount-program probing pod does not need
// (kernel overlayfs works in a user namespace since Linux 5.11).
package ovlmount

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Layer is one overlay to prepare.
type Layer struct {
	Lower, Upper, Work string
	Temp               bool   // Upper and Work are pod's: made here (and removed by Cleanup)
	Merge              string // "" = the runtime mounts it; else mount it here
	UserXattr          bool   // mounted in a user namespace: overlayfs' userxattr
}

// Options is the overlayfs option string of l.
func (l Layer) Options() string {
	o := "lowerdir=" + l.Lower + ",upperdir=" + l.Upper + ",workdir=" + l.Work
	if l.UserXattr {
		o += ",userxattr"
	}
	return o
}

// Prepare makes l's directories (Upper and Work owned by uid:gid, the
// container's root on the host, when they are pod's) and mounts it at Merge
// when set. The lower directory must exist.
func Prepare(l Layer, uid, gid int) error {
	st, err := os.Stat(l.Lower)
	if err != nil {
		return fmt.Errorf("overlay: lower directory: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("overlay: lower %s is not a directory (O needs a directory)", l.Lower)
	}
	if l.Temp {
		for _, d := range []string{l.Upper, l.Work} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return fmt.Errorf("overlay: %w", err)
			}
			if err := os.Chown(d, uid, gid); err != nil {
				return fmt.Errorf("overlay: %w", err)
			}
		}
		// the upper directory is the root of the merged tree: it takes
		// the lower's mode, as Podman's does
		if err := os.Chmod(l.Upper, st.Mode().Perm()); err != nil {
			return fmt.Errorf("overlay: %w", err)
		}
	} else {
		for _, d := range []string{l.Upper, l.Work} {
			if st, err := os.Stat(d); err != nil {
				return fmt.Errorf("overlay: %w", err)
			} else if !st.IsDir() {
				return fmt.Errorf("overlay: %s is not a directory", d)
			}
		}
	}
	if l.Merge == "" {
		return nil
	}
	if err := os.MkdirAll(l.Merge, 0o755); err != nil {
		return fmt.Errorf("overlay: %w", err)
	}
	if err := unix.Mount("overlay", l.Merge, "overlay", unix.MS_NODEV|unix.MS_NOSUID, l.Options()); err != nil {
		return fmt.Errorf("overlay: mounting %s on %s: %w", l.Lower, l.Merge, err)
	}
	return nil
}

// Cleanup unmounts every merge directory under dir (the container's
// overlay directory) and removes dir with the upper layers in it. It
// removes nothing while something there stays mounted: the lower layer
// (a user's directory, a volume) is seen through a mounted merge.
func Cleanup(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("overlay: %w", err)
	}
	var errs []error
	for _, e := range entries {
		merge := filepath.Join(dir, e.Name(), "merge")
		if err := unmount(merge); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("overlay: not removing %s: %w", dir, errors.Join(errs...))
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("overlay: %w", err)
	}
	return nil
}

// Unmount detaches whatever is mounted at p (nothing mounted, or no p, is
// not an error).
func Unmount(p string) error { return unmount(p) }

// unmount detaches whatever is mounted at p (several times over, bounded)
// and says whether p is free.
func unmount(p string) error {
	for i := 0; i < 8; i++ {
		err := unix.Unmount(p, unix.MNT_DETACH)
		switch {
		case err == nil:
			continue
		case errors.Is(err, unix.ENOENT):
			return nil
		case errors.Is(err, unix.EINVAL):
			if mounted, merr := isMountpoint(p); merr == nil && !mounted {
				return nil
			}
			return fmt.Errorf("unmounting %s: %w", p, err)
		default:
			return fmt.Errorf("unmounting %s: %w", p, err)
		}
	}
	return fmt.Errorf("unmounting %s: still mounted", p)
}

// isMountpoint reads /proc/self/mountinfo for p.
func isMountpoint(p string) (bool, error) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && unescape(f[4]) == p {
			return true, nil
		}
	}
	return false, nil
}

// unescape undoes mountinfo's octal escapes (\040 for a space…).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOct(s[i+1]) && isOct(s[i+2]) && isOct(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOct(c byte) bool { return c >= '0' && c <= '7' }

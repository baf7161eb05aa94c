package lock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// openError turns a failure to open the lock file path into an error that
// names the path, says what is wrong with it and how to fix it: a directory
// where the file should be, a lock directory that is not one, or a file or
// directory pod's user cannot open (another owner, a mode without rw, an
// immutable attribute). Lock files hold no data: pod creates them as it
// needs them, so removing a damaged one is always a fix.
func openError(dir, path string, err error) error {
	uid := hostUID(os.Getuid())
	switch {
	case errors.Is(err, syscall.EISDIR):
		return fmt.Errorf("lock file %s is a directory: remove it (rm -r %s); pod creates its lock files as it needs them: %w", path, path, err)
	case errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("lock directory %s is not a directory: remove it (rm %s); pod creates it again: %w", dir, dir, err)
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EROFS):
		what, target, mode := "lock file", path, "0600"
		fi, serr := os.Lstat(path)
		if serr != nil {
			// The file does not exist: the directory refuses its creation.
			what, target, mode = "lock directory", dir, "0700"
			fi, serr = os.Lstat(dir)
		}
		if serr != nil {
			break
		}
		owner := "uid ?"
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			owner = ownerName(int(st.Uid))
		}
		return fmt.Errorf("cannot open %s %s (owner %s, mode %04o; pod runs as uid %d): make it uid %d's own with mode %s "+
			"(chown %d %s && chmod %s %s; an immutable one needs chattr -i first) or remove it, pod creates it again: %w",
			what, target, owner, fi.Mode().Perm(), uid, uid, mode, uid, target, mode, target, err)
	}
	return fmt.Errorf("opening lock file %s: %w", path, err)
}

// dirError explains a lock directory that cannot be created.
func dirError(dir string, err error) error {
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EEXIST) {
		return fmt.Errorf("lock directory %s is not a directory (or a parent of it is not): remove it (rm %s); pod creates it again: %w",
			dir, dir, err)
	}
	if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) {
		return fmt.Errorf("creating lock directory %s: %w: make %s writable by uid %d (chown/chmod), or choose another --runroot",
			dir, err, filepath.Dir(dir), os.Getuid())
	}
	return fmt.Errorf("creating lock directory %s: %w", dir, err)
}

// hostUID maps uid of pod's user namespace to the host's (rootless pod runs
// as uid 0 inside its namespace; the fix is the user's on the host).
func hostUID(uid int) int {
	data, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return uid
	}
	for _, line := range strings.Split(string(data), "\n") {
		var in, out, n int
		if _, err := fmt.Sscan(line, &in, &out, &n); err == nil && uid >= in && uid-in < n {
			return out + uid - in
		}
	}
	return uid
}

// ownerName describes a file owner as the host sees it: an owner that is
// not mapped into pod's user namespace shows as the overflow uid.
func ownerName(uid int) string {
	if data, err := os.ReadFile("/proc/sys/kernel/overflowuid"); err == nil && strings.TrimSpace(string(data)) == strconv.Itoa(uid) &&
		hostUID(0) != 0 {
		return "a user outside pod's user namespace, such as root"
	}
	return "uid " + strconv.Itoa(hostUID(uid))
}

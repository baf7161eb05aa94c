package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"
)

// withHint adds the fix to errors whose cause is the machine's, not the
// command's: a read-only file system under pod's directories (the runroot
// of a read-only /run, a store on a read-only mount) fails every write
// with the library's bare EROFS; the user needs to know which mount to fix.
func withHint(err error) error {
	if !errors.Is(err, syscall.EROFS) {
		return err
	}
	var pe *fs.PathError
	where := "pod's directories"
	if errors.As(err, &pe) {
		where = mountPoint(pe.Path)
	}
	return fmt.Errorf("%w (the file system under %s is mounted read-only: remount it read-write, or point --root, --runroot and --tmpdir at writable directories, and retry; reading commands such as ps, inspect and logs still work)", err, where)
}

// mountPoint is the mount point of the file system holding path (or its
// nearest existing parent): the directory whose parent is on another
// device.
func mountPoint(path string) string {
	var st syscall.Stat_t
	for syscall.Stat(path, &st) != nil {
		parent := filepath.Dir(path)
		if parent == path {
			return path
		}
		path = parent
	}
	for path != "/" {
		var up syscall.Stat_t
		if syscall.Stat(filepath.Dir(path), &up) != nil || up.Dev != st.Dev {
			return path
		}
		path = filepath.Dir(path)
	}
	return path
}

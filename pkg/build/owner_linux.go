package build

import (
	"io/fs"
	"syscall"
)

// sysOwner is a file's uid and gid.
func sysOwner(fi fs.FileInfo) ([2]int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return [2]int{}, false
	}
	return [2]int{int(st.Uid), int(st.Gid)}, true
}

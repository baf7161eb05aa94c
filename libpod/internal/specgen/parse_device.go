package specgen

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

const flagDevice = "--device"

// deviceReq is one parsed --device HOST[:CONTAINER[:PERMISSIONS]].
type deviceReq struct {
	value     string
	Host, Ctr string
	Perms     string // subset of "rwm"
	flag      string // for errors
}

// isDevicePerms reports whether s is a non-empty, duplicate-free subset of "rwm".
func isDevicePerms(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	seen := 0
	for i := 0; i < len(s); i++ {
		bit := strings.IndexByte("rwm", s[i])
		if bit < 0 || seen&(1<<bit) != 0 {
			return false
		}
		seen |= 1 << bit
	}
	return true
}

func parseDevice(flag, v string) (deviceReq, error) {
	d := deviceReq{value: v, Perms: "rwm", flag: flag}
	if strings.Contains(v, "=") && !strings.HasPrefix(v, "/") {
		return d, flagError(flag, v, "CDI device names are not supported yet; give a host device path")
	}
	parts := strings.Split(v, ":")
	switch len(parts) {
	case 1:
		d.Host, d.Ctr = parts[0], parts[0]
	case 2:
		d.Host = parts[0]
		if isDevicePerms(parts[1]) {
			d.Ctr, d.Perms = parts[0], parts[1]
		} else {
			d.Ctr = parts[1]
		}
	case 3:
		d.Host, d.Ctr, d.Perms = parts[0], parts[1], parts[2]
		if !isDevicePerms(d.Perms) {
			return d, flagError(flag, v, "invalid permissions %q: want a combination of r, w and m", d.Perms)
		}
	default:
		return d, flagError(flag, v, "too many ':'; the format is HOST[:CONTAINER[:PERMISSIONS]]")
	}
	var err error
	if d.Host, err = checkHostPath(d.Host); err != nil {
		return d, flagError(flag, v, "%v", err)
	}
	if d.Ctr, err = checkContainerPath(d.Ctr); err != nil {
		return d, flagError(flag, v, "%v", err)
	}
	if d.Ctr == "/" {
		return d, flagError(flag, v, "container path cannot be /")
	}
	return d, nil
}

// deviceFromInfo builds the OCI device for a host device node.
func deviceFromInfo(ctrPath string, fi fs.FileInfo) (specs.LinuxDevice, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return specs.LinuxDevice{}, false
	}
	var typ string
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFCHR:
		typ = "c"
	case unix.S_IFBLK:
		typ = "b"
	default:
		return specs.LinuxDevice{}, false
	}
	mode := fs.FileMode(st.Mode & 0o7777)
	uid, gid := st.Uid, st.Gid
	return specs.LinuxDevice{
		Path:     ctrPath,
		Type:     typ,
		Major:    int64(unix.Major(st.Rdev)),
		Minor:    int64(unix.Minor(st.Rdev)),
		FileMode: &mode,
		UID:      &uid,
		GID:      &gid,
	}, true
}

// resolve stats the host device (following symlinks). A directory adds every
// device below it, at the same relative path under the container path.
func (d deviceReq) resolve() ([]specs.LinuxDevice, error) {
	fi, err := os.Stat(d.Host)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, flagError(d.flag, d.value, "device %q does not exist on the host", d.Host)
		}
		return nil, flagError(d.flag, d.value, "%v", err)
	}
	if !fi.IsDir() {
		dev, ok := deviceFromInfo(d.Ctr, fi)
		if !ok {
			return nil, flagError(d.flag, d.value, "%q is not a character or block device", d.Host)
		}
		return []specs.LinuxDevice{dev}, nil
	}
	var out []specs.LinuxDevice
	err = filepath.WalkDir(d.Host, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() || e.Type()&(fs.ModeDevice|fs.ModeCharDevice) == 0 {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(d.Host, p)
		if dev, ok := deviceFromInfo(path.Join(d.Ctr, rel), info); ok {
			out = append(out, dev)
		}
		return nil
	})
	if err != nil {
		return nil, flagError(d.flag, d.value, "reading device directory: %v", err)
	}
	if len(out) == 0 {
		return nil, flagError(d.flag, d.value, "directory %q contains no devices", d.Host)
	}
	return out, nil
}

// hostDevices lists every device node of the host's /dev for --privileged,
// skipping what the runtime mounts itself (pts, shm, mqueue) and /dev/console.
func hostDevices() ([]specs.LinuxDevice, error) {
	var out []specs.LinuxDevice
	err := filepath.WalkDir("/dev", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p != "/dev" && os.IsPermission(err) {
				return nil
			}
			return err
		}
		if e.IsDir() {
			switch e.Name() {
			case "pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev":
				return filepath.SkipDir
			}
			return nil
		}
		if e.Name() == "console" || e.Type()&(fs.ModeDevice|fs.ModeCharDevice) == 0 {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return nil // vanished
		}
		if dev, ok := deviceFromInfo(p, info); ok {
			out = append(out, dev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing host devices for --privileged: %w", err)
	}
	return out, nil
}

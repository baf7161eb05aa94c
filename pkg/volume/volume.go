// Package volume owns named volumes on disk, in Podman's layout: a volume
// NAME lives in <volume_path>/NAME, its data in <volume_path>/NAME/_data
// (volume_path defaults to <graphroot>/volumes), so Podman and pod see the
// same directories. It validates names and the `local` driver's options
// (type=, device=, o=, uid=, gid=…), mounts and unmounts volumes that need a
// mount (tmpfs, a device, o=bind) with mount(8) as Podman does, copies an
// image's content into a new volume (copy-up) and exports and imports a
// volume's data as tar.
//
// The records of volumes (config, labels, who mounts them) are libpod's
// (its state database); this package keeps no state of its own beyond the
// directories, so it needs no locking: libpod holds the volume's lock.
package volume

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	units "github.com/docker/go-units"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// DriverLocal is the only driver pod has (Podman's default).
const DriverLocal = "local"

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// ValidateName checks a volume name as Podman does; names become paths.
func ValidateName(name string) error {
	if !nameRE.MatchString(name) || len(name) > 253 {
		return fmt.Errorf("volume name %q is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: %w", name, errdefs.ErrInvalidArgument)
	}
	return nil
}

// Config is what a volume was created with (Podman's inspect fields).
type Config struct {
	Name      string            `json:"name"`
	Driver    string            `json:"driver"`
	Labels    map[string]string `json:"labels"`
	Options   map[string]string `json:"options"` // as Podman records them: type, device, o, UID, GID
	CreatedAt time.Time         `json:"createdAt"`
	Anonymous bool              `json:"anonymous,omitempty"`
	UID       *int              `json:"uid,omitempty"`
	GID       *int              `json:"gid,omitempty"`
	NoCopy    bool              `json:"noCopy,omitempty"` // nocopy at create: never copy an image's content in
}

// State is what changes while a volume lives.
type State struct {
	// NeedsCopyUp: the image's content at the first mount path is still to
	// be copied in (cleared once a container mounted the volume).
	NeedsCopyUp bool `json:"needsCopyUp"`
	// NeedsChown: the data directory still takes the owner of the first
	// container's mount point.
	NeedsChown bool `json:"needsChown,omitempty"`
	// MountedBy are the containers that have the volume mounted (running):
	// a set, so a cleanup that runs twice unmounts once.
	MountedBy []string `json:"mountedBy,omitempty"`
}

// ParseOptions validates --opt KEY=VALUE options of the local driver and
// returns them as Podman records them, with the uid and gid they set.
// size= and inodes= need a project quota on the volume path, which pod does
// not set up: they are refused, as Podman refuses them without quota
// support.
func ParseOptions(opts map[string]string) (rec map[string]string, uid, gid *int, noCopy bool, err error) {
	rec = map[string]string{}
	setID := func(k, v string) (*int, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("volume option %s=%q: want a non-negative number: %w", k, v, errdefs.ErrInvalidArgument)
		}
		rec[strings.ToUpper(k)] = strconv.Itoa(n)
		return &n, nil
	}
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		v := opts[key]
		switch k := strings.ToLower(key); k {
		case "type", "device":
			if strings.ContainsAny(v, "\x00\n") {
				return nil, nil, nil, false, fmt.Errorf("volume option %s=%q: invalid characters: %w", k, v, errdefs.ErrInvalidArgument)
			}
			rec[k] = v
		case "uid":
			if uid, err = setID(k, v); err != nil {
				return nil, nil, nil, false, err
			}
		case "gid":
			if gid, err = setID(k, v); err != nil {
				return nil, nil, nil, false, err
			}
		case "nocopy":
			noCopy = true
		case "size", "inodes":
			if _, err := units.FromHumanSize(v); err != nil {
				return nil, nil, nil, false, fmt.Errorf("volume option %s=%q: %v: %w", k, v, err, errdefs.ErrInvalidArgument)
			}
			return nil, nil, nil, false, fmt.Errorf("volume options size and inodes not supported: pod sets up no project quota on the volume path: %w", errdefs.ErrNotImplemented)
		case "o":
			var keep []string
			for _, o := range strings.Split(v, ",") {
				ok, ov, _ := strings.Cut(o, "=")
				switch strings.ToLower(ok) {
				case "uid":
					if uid, err = setID(ok, ov); err != nil {
						return nil, nil, nil, false, err
					}
				case "gid":
					if gid, err = setID(ok, ov); err != nil {
						return nil, nil, nil, false, err
					}
				case "size", "inodes":
					if rec["type"] == "tmpfs" || opts["type"] == "tmpfs" {
						keep = append(keep, o) // tmpfs's own size=/nr_inodes
						continue
					}
					return nil, nil, nil, false, fmt.Errorf("volume options size and inodes not supported: pod sets up no project quota on the volume path (use type=tmpfs with o=size=): %w", errdefs.ErrNotImplemented)
				default:
					keep = append(keep, o)
				}
			}
			if strings.ContainsAny(v, "\x00\n") {
				return nil, nil, nil, false, fmt.Errorf("volume option o=%q: invalid characters: %w", v, errdefs.ErrInvalidArgument)
			}
			if len(keep) > 0 {
				rec["o"] = strings.Join(keep, ",")
			}
			if uid != nil || gid != nil {
				rec["o"] = v // Podman keeps o= as given next to UID/GID
			}
		default:
			return nil, nil, nil, false, fmt.Errorf("invalid mount option %s for driver 'local': %w", key, errdefs.ErrInvalidArgument)
		}
	}
	return rec, uid, gid, noCopy, nil
}

// Dir is where volume name lives under root.
func Dir(root, name string) string { return filepath.Join(root, name) }

// DataDir is the volume's data directory (its mount point).
func DataDir(root, name string) string { return filepath.Join(root, name, "_data") }

// Create makes the volume's directories (0700 and 0755, as Podman) owned by
// uid/gid when given. It fails when the directory exists already.
func Create(root string, c *Config) error {
	if err := ValidateName(c.Name); err != nil {
		return err
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return fmt.Errorf("creating volume directory %s: %w", root, err)
	}
	dir := Dir(root, c.Name)
	if err := os.Mkdir(dir, 0o700); err != nil {
		if os.IsExist(err) {
			return fmt.Errorf("volume directory %s exists already: %w", dir, errdefs.ErrAlreadyExists)
		}
		return fmt.Errorf("creating volume %s: %w", c.Name, err)
	}
	data := DataDir(root, c.Name)
	if err := os.Mkdir(data, 0o755); err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("creating volume %s: %w", c.Name, err)
	}
	if c.UID != nil || c.GID != nil {
		u, g := -1, -1
		if c.UID != nil {
			u = *c.UID
		}
		if c.GID != nil {
			g = *c.GID
		}
		if err := os.Chown(data, u, g); err != nil {
			os.RemoveAll(dir)
			return fmt.Errorf("creating volume %s: %w", c.Name, err)
		}
	}
	return nil
}

// Remove deletes the volume's directories (unmounting first if mounted).
func Remove(root string, c *Config) error {
	if err := Unmount(root, c); err != nil {
		return err
	}
	if err := os.RemoveAll(Dir(root, c.Name)); err != nil {
		return fmt.Errorf("removing volume %s: %w", c.Name, err)
	}
	return nil
}

package specgen

import (
	"fmt"
	"regexp"
	"strings"
)

// volumeNameRE is Podman's volume (and container) name syntax; names
// become paths, so nothing else gets through.
var volumeNameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

func checkVolumeName(name string) error {
	if !volumeNameRE.MatchString(name) || len(name) > 253 {
		return fmt.Errorf("volume name %q is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*", name)
	}
	return nil
}

// parseAnonVolume parses -v /DST: a new anonymous volume at DST.
func parseAnonVolume(v string) (mountReq, error) {
	m := mountReq{flag: flagVolume, value: v, Type: "volume"}
	var err error
	if m.Destination, err = checkMountDest(v); err != nil {
		return m, flagError(flagVolume, v, "%v", err)
	}
	m.Options, _, _, _, _ = volumeOptions(nil)
	return m, nil
}

// parseNamedVolume parses -v NAME:DST[:OPTIONS].
func parseNamedVolume(v string, parts []string) (mountReq, error) {
	m := mountReq{flag: flagVolume, value: v, Type: "volume", Source: parts[0]}
	if err := checkVolumeName(parts[0]); err != nil {
		return m, flagError(flagVolume, v, "%v", err)
	}
	var err error
	if m.Destination, err = checkMountDest(parts[1]); err != nil {
		return m, flagError(flagVolume, v, "%v", err)
	}
	var opts []string
	if len(parts) == 3 {
		opts = strings.Split(parts[2], ",")
	}
	x, err := splitExtOptions(opts)
	if err != nil {
		return m, flagError(flagVolume, v, "%v", err)
	}
	if x.overlay {
		// the volume is the lower layer: the container's changes go to
		// the upper one (a first use still copies the image's content in)
		m.Options, m.Chown = x.overlayOptions(), x.chown
		return m, nil
	}
	if m.Options, m.Relabel, m.NoCopy, m.Chown, err = volumeOptions(x.rest); err != nil {
		return m, flagError(flagVolume, v, "%v", err)
	}
	m.Given = x.rest
	if x.idmap {
		m.Options = append(m.Options, optIDMap)
	}
	return m, nil
}

// volumeOptions turns -v options of a volume into OCI options as Podman
// writes them: ro|rw, the propagation (rprivate), nosuid|suid (nosuid),
// nodev|dev (nodev), exec/noexec when given, then bind|rbind (rbind).
func volumeOptions(opts []string) (spec []string, relabel string, noCopy, chown bool, err error) {
	var set optSet
	for _, o := range opts {
		if o == "" {
			return nil, "", false, false, fmt.Errorf("empty option")
		}
		if o != "copy" && o != "nocopy" {
			if err := unsupportedBindOption(o); err != nil {
				return nil, "", false, false, err
			}
		}
		if err := set.add(o, optRW, optPropagation, optBind, optSuid, optDev, optExec, optRelabel, optCopy, optChown); err != nil {
			return nil, "", false, false, err
		}
	}
	return finishVolumeOptions(&set), set.get(optRelabel), set.get(optCopy) == "nocopy", set.get(optChown) != "", nil
}

// addChown reads --mount's U or chown[=true|false].
func addChown(set *optSet, k, val string) error {
	on, err := boolValue(k, val)
	if err != nil || !on {
		return err
	}
	return set.add("U", optChown)
}

func finishVolumeOptions(set *optSet) []string {
	def := func(g []string, d string) string {
		if v := set.get(g); v != "" {
			return v
		}
		return d
	}
	spec := []string{def(optRW, "rw"), def(optPropagation, "rprivate"), def(optSuid, "nosuid"), def(optDev, "nodev")}
	if v := set.get(optExec); v != "" {
		spec = append(spec, v)
	}
	return append(spec, def(optBind, "rbind"))
}

// volumeMountKeys reads --mount type=volume keys: source (a name; none for
// an anonymous volume), ro/rw, volume-nocopy, z/Z, the suid/dev/exec pairs.
func (m *mountReq) volumeMountKeys(kv map[string]string, keys []string) error {
	var set optSet
	idmap := false
	for _, k := range keys {
		val := kv[k]
		switch k {
		case "type", "destination", "consistency":
		case "source":
			if val == "\x00" || val == "" {
				return fmt.Errorf("source= needs a value (a volume name; leave it out for an anonymous volume)")
			}
			if err := checkVolumeName(val); err != nil {
				return err
			}
			m.Source = val
		case "ro", "rw":
			if err := set.addRW(k, val); err != nil {
				return err
			}
		case "volume-nocopy", "nocopy":
			on, err := boolValue(k, val)
			if err != nil {
				return err
			}
			opt := "copy"
			if on {
				opt = "nocopy"
			}
			if err := set.add(opt, optCopy); err != nil {
				return err
			}
		case "z", "Z", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "copy":
			if val != "\x00" {
				return fmt.Errorf("option %q takes no value", k)
			}
			if err := set.add(k, optRelabel, optSuid, optDev, optExec, optCopy); err != nil {
				return err
			}
		case "U", "chown":
			if err := addChown(&set, k, val); err != nil {
				return err
			}
		case optIDMap:
			if val != "\x00" {
				return fmt.Errorf("option %q: custom mappings (idmap=uids=…;gids=…) are not supported; use idmap, which maps the mount with the container's --uidmap/--gidmap or --userns", k+"="+val)
			}
			idmap = true
		case "volume-label", "volume-driver", "volume-opt":
			return fmt.Errorf("option %q is not supported: create the volume first with `pod volume create`", k)
		default:
			if err := unsupportedBindOption(k); err != nil {
				return err
			}
			return fmt.Errorf("unknown option %q for type=volume", k)
		}
	}
	m.Options = finishVolumeOptions(&set)
	if idmap {
		m.Options = append(m.Options, optIDMap)
	}
	m.Given = set.order
	m.Relabel = set.get(optRelabel)
	m.NoCopy = set.get(optCopy) == "nocopy"
	m.Chown = set.get(optChown) != ""
	return nil
}

// VolumeRequest is a volume that -v or --mount type=volume asks for.
type VolumeRequest struct {
	Name        string   // empty: a new anonymous volume
	Destination string   // clean absolute path in the container
	Options     []string // OCI mount options
	NoCopy      bool     // nocopy: no copy-up of the image's content
	Chown       bool     // U: give it to the container's user at start
}

// VolumeRequests returns the volumes o's -v and --mount values ask for, in
// order (libpod creates and records them at create time).
func VolumeRequests(o *Options) ([]VolumeRequest, error) {
	p, err := parse(o, nil)
	if err != nil {
		return nil, err
	}
	var out []VolumeRequest
	for _, m := range p.Mounts {
		if m.Type == "volume" {
			out = append(out, VolumeRequest{Name: m.Source, Destination: m.Destination, Options: m.Options, NoCopy: m.NoCopy, Chown: m.Chown})
		}
	}
	return out, nil
}

// MountDests returns every destination o's -v, --mount and --tmpfs use
// (an image's VOLUME yields to them).
func MountDests(o *Options) (map[string]bool, error) {
	p, err := parse(o, nil)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, m := range p.Mounts {
		out[m.Destination] = true
	}
	return out, nil
}

// VolumeMount is a volume resolved by libpod to its host directory.
type VolumeMount struct {
	Source      string   // the volume's data directory
	Destination string   // path in the container
	Options     []string // OCI mount options
	Chown       bool     // U: Generate lists Source in Result.Chown
}

// imageOptions are the OCI options of a --mount type=image (read-only).
var imageOptions = []string{"ro", "rprivate", "nosuid", "nodev", "rbind"}

// imageMountKeys reads --mount type=image keys: source (an image), ro.
// A writable image mount (rw=true, an overlay in Podman) is refused.
func (m *mountReq) imageMountKeys(kv map[string]string, keys []string) error {
	for _, k := range keys {
		val := kv[k]
		switch k {
		case "type", "destination", "consistency":
		case "source":
			if val == "\x00" || val == "" {
				return fmt.Errorf("source= needs a value (an image)")
			}
			m.Source = val
		case "ro", "rw":
			on, err := boolValue(k, val)
			if err != nil {
				return err
			}
			if (k == "rw") == on {
				return fmt.Errorf("a writable image mount (%s) is not supported yet: image mounts are read-only", k+"="+strings.TrimPrefix(val, "\x00"))
			}
		default:
			return fmt.Errorf("unknown option %q for type=image", k)
		}
	}
	if m.Source == "" {
		return fmt.Errorf("source= (or src=) is required for type=image")
	}
	m.Options = append([]string(nil), imageOptions...)
	return nil
}

// ImageMountRequest is an image that --mount type=image mounts.
type ImageMountRequest struct {
	Image       string // as the user gave it
	Destination string
}

// ImageMountRequests returns o's --mount type=image requests.
func ImageMountRequests(o *Options) ([]ImageMountRequest, error) {
	p, err := parse(o, nil)
	if err != nil {
		return nil, err
	}
	var out []ImageMountRequest
	for _, m := range p.Mounts {
		if m.Type == "image" {
			out = append(out, ImageMountRequest{Image: m.Source, Destination: m.Destination})
		}
	}
	return out, nil
}

// ImageMountOptions are the OCI options libpod gives an image mount.
func ImageMountOptions() []string { return append([]string(nil), imageOptions...) }

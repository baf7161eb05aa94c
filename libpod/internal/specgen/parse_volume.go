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
	if m.Options, m.Relabel, m.NoCopy, m.Chown, err = volumeOptions(opts); err != nil {
		return m, flagError(flagVolume, v, "%v", err)
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

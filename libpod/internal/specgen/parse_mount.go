package specgen

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	units "github.com/docker/go-units"
)

// Flag names used in error messages.
const (
	flagVolume = "--volume"
	flagMount  = "--mount"
	flagTmpfs  = "--tmpfs"
)

// mountReq is one parsed -v, --mount or --tmpfs value (or a default mount).
type mountReq struct {
	flag, value string // as the user wrote them, for error messages

	Type        string   // "bind", "tmpfs", "devpts", "ramfs" or "volume"
	Source      string   // host path for bind mounts; the name of a volume ("" = anonymous)
	Destination string   // clean absolute container path
	Options     []string // OCI mount options, in order
	Relabel     string   // "z", "Z" or "" (bind mounts only)
	Given       []string // bind and volume options as given, in Podman's spelling (inspect's Binds)
	NoCopy      bool     // volumes: nocopy (no copy-up of the image's content)
	Chown       bool     // U: give the source to the container's user at start
}

// Option groups: at most one member of each may be given.
var (
	optRW          = []string{"ro", "rw"}
	optPropagation = []string{"private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"}
	optBind        = []string{"bind", "rbind"}
	optSuid        = []string{"nosuid", "suid"}
	optDev         = []string{"nodev", "dev"}
	optExec        = []string{"noexec", "exec"}
	optRelabel     = []string{"z", "Z"}
	optCopyUp      = []string{"tmpcopyup", "notmpcopyup"}
	optAtime       = []string{"atime", "noatime", "relatime", "norelatime", "strictatime", "nostrictatime"}
	optCopy        = []string{"copy", "nocopy"}
	optChown       = []string{"U"}
)

func groupOf(opt string, groups ...[]string) []string {
	for _, g := range groups {
		for _, o := range g {
			if o == opt {
				return g
			}
		}
	}
	return nil
}

// optSet collects options and refuses a second member of the same group.
type optSet struct {
	chosen map[string]string // group leader -> option
	order  []string          // options as given
}

// addRW adds ro or rw from a --mount key with an optional boolean value
// ("ro", "ro=false", "rw=true"…).
func (s *optSet) addRW(k, val string) error {
	on, err := boolValue(k, val)
	if err != nil {
		return err
	}
	if (k == "ro") == on {
		return s.add("ro", optRW)
	}
	return s.add("rw", optRW)
}

func (s *optSet) add(opt string, groups ...[]string) error {
	g := groupOf(opt, groups...)
	if g == nil {
		return fmt.Errorf("unknown option %q", opt)
	}
	if s.chosen == nil {
		s.chosen = map[string]string{}
	}
	if prev, ok := s.chosen[g[0]]; ok {
		return fmt.Errorf("option %q conflicts with %q: only one of %s may be given", opt, prev, strings.Join(g, ", "))
	}
	s.chosen[g[0]] = opt
	s.order = append(s.order, opt)
	return nil
}

func (s *optSet) get(group []string) string { return s.chosen[group[0]] }

// unsupportedBindOption explains options Podman has that pod does not.
func unsupportedBindOption(opt string) error {
	name, _, _ := strings.Cut(opt, "=")
	switch name {
	case "O", "upperdir", "workdir":
		return fmt.Errorf("option %q (overlay) is not available with --mount, as in Podman 4.3.1: use -v SRC:DST:O", opt)
	case "copy", "nocopy":
		return fmt.Errorf("option %q only applies to named and anonymous volumes", opt)
	}
	return nil
}

// bindOptions turns -v/--mount bind options into OCI options: ro|rw first,
// then the propagation (default rprivate), then bind|rbind (default rbind),
// then the others in the order given.
func bindOptions(opts []string) (spec []string, relabel string, chown bool, err error) {
	var set optSet
	for _, o := range opts {
		if o == "" {
			return nil, "", false, fmt.Errorf("empty option")
		}
		if err := unsupportedBindOption(o); err != nil {
			return nil, "", false, err
		}
		if err := set.add(o, optRW, optPropagation, optBind, optSuid, optDev, optExec, optRelabel, optChown); err != nil {
			return nil, "", false, err
		}
	}
	return finishBindOptions(&set), set.get(optRelabel), set.get(optChown) != "", nil
}

func finishBindOptions(set *optSet) []string {
	rw := set.get(optRW)
	if rw == "" {
		rw = "rw"
	}
	prop := set.get(optPropagation)
	if prop == "" {
		prop = "rprivate"
	}
	bind := set.get(optBind)
	if bind == "" {
		bind = "rbind"
	}
	spec := []string{rw, prop, bind}
	for _, o := range set.order {
		if groupOf(o, optSuid, optDev, optExec) != nil {
			spec = append(spec, o)
		}
	}
	return spec
}

// parseVolume parses -v SRC:DST[:OPTIONS]. Only host directories and files
// are supported as SRC.
func parseVolume(v string) (mountReq, error) {
	m := mountReq{flag: flagVolume, value: v, Type: "bind"}
	parts := strings.Split(v, ":")
	switch {
	case v == "":
		return m, flagError(flagVolume, v, "empty value; the format is SRC:DST[:OPTIONS]")
	case len(parts) == 1:
		return parseAnonVolume(v)
	case len(parts) > 3:
		return m, flagError(flagVolume, v, "too many ':'; the format is SRC:DST[:OPTIONS]")
	}
	src := parts[0]
	switch {
	case src == "":
		return m, flagError(flagVolume, v, "empty source")
	case strings.HasPrefix(src, "."):
		return m, flagError(flagVolume, v, "relative source path %q; use an absolute host path", src)
	case !strings.HasPrefix(src, "/"):
		return parseNamedVolume(v, parts)
	}
	var err error
	if m.Source, err = checkHostPath(src); err != nil {
		return m, flagError(flagVolume, v, "%v", err)
	}
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
		if err := checkOverlayPath(m.Source); err != nil {
			return m, flagError(flagVolume, v, "overlay (O): %v", err)
		}
		m.Options, m.Chown = x.overlayOptions(), x.chown
		return m, nil
	}
	if m.Options, m.Relabel, m.Chown, err = bindOptions(x.rest); err != nil {
		return m, flagError(flagVolume, v, "%v", err)
	}
	m.Given = x.rest
	if x.idmap {
		m.Options = append(m.Options, optIDMap)
	}
	return m, nil
}

func checkMountDest(p string) (string, error) {
	d, err := checkContainerPath(p)
	if err != nil {
		return "", err
	}
	if d == "/" {
		return "", fmt.Errorf("cannot mount over the container's root directory")
	}
	return d, nil
}

// parseMount parses --mount type=bind|tmpfs,KEY[=VALUE],….
func parseMount(v string) (mountReq, error) {
	m := mountReq{flag: flagMount, value: v}
	if v == "" {
		return m, flagError(flagMount, v, "empty value; the format is type=bind|tmpfs,destination=PATH,…")
	}
	fields := strings.Split(v, ",")
	kv := map[string]string{}
	var keys []string
	for _, f := range fields {
		k, val, hasVal := strings.Cut(f, "=")
		if k == "" {
			return m, flagError(flagMount, v, "empty option")
		}
		switch k {
		case "src":
			k = "source"
		case "dst", "target":
			k = "destination"
		case "readonly":
			k = "ro"
		}
		if _, dup := kv[k]; dup {
			return m, flagError(flagMount, v, "option %q given more than once", k)
		}
		if !hasVal {
			val = "\x00" // flag without a value
		}
		kv[k] = val
		keys = append(keys, k)
	}
	typ, ok := kv["type"]
	if !ok || typ == "\x00" || typ == "" {
		return m, flagError(flagMount, v, "type= is required (bind, volume, tmpfs, devpts or ramfs)")
	}
	switch typ {
	case "bind", "tmpfs", "devpts", "ramfs":
	case "volume", "image":
	case "glob", "artifact":
		return m, flagError(flagMount, v, "type=%s is not supported yet", typ)
	default:
		return m, flagError(flagMount, v, "unknown mount type %q (use bind, volume, tmpfs, devpts or ramfs)", typ)
	}
	m.Type = typ
	dst, ok := kv["destination"]
	if !ok || dst == "\x00" {
		return m, flagError(flagMount, v, "destination= (or target=, dst=) is required")
	}
	var err error
	if m.Destination, err = checkMountDest(dst); err != nil {
		return m, flagError(flagMount, v, "%v", err)
	}
	switch typ {
	case "bind":
		err = m.bindMountKeys(kv, keys)
	case "tmpfs":
		err = m.tmpfsMountKeys(kv, keys)
	case "volume":
		err = m.volumeMountKeys(kv, keys)
	case "image":
		err = m.imageMountKeys(kv, keys)
	default:
		err = m.specialMountKeys(kv, keys)
	}
	if err != nil {
		return m, flagError(flagMount, v, "%v", err)
	}
	return m, nil
}

// boolValue reads KEY, KEY=true or KEY=false.
func boolValue(k, val string) (bool, error) {
	if val == "\x00" {
		return true, nil
	}
	b, err := strconv.ParseBool(val)
	if err != nil {
		return false, fmt.Errorf("option %s=%q: want true or false", k, val)
	}
	return b, nil
}

func (m *mountReq) bindMountKeys(kv map[string]string, keys []string) error {
	var set optSet
	idmap := false
	for _, k := range keys {
		val := kv[k]
		switch k {
		case "type", "destination", "consistency":
		case "source":
			if val == "\x00" {
				return fmt.Errorf("source= needs a value")
			}
			src, err := checkHostPath(val)
			if err != nil {
				return err
			}
			m.Source = src
		case "ro", "rw":
			if err := set.addRW(k, val); err != nil {
				return err
			}
		case "bind-propagation":
			if groupOf(val, optPropagation) == nil {
				return fmt.Errorf("bind-propagation=%q: want one of %s", val, strings.Join(optPropagation, ", "))
			}
			if err := set.add(val, optPropagation); err != nil {
				return err
			}
		case "bind-nonrecursive":
			on, err := boolValue(k, val)
			if err != nil {
				return err
			}
			opt := "rbind"
			if on {
				opt = "bind"
			}
			if err := set.add(opt, optBind); err != nil {
				return err
			}
		case "relabel":
			switch val {
			case "shared":
				val = "z"
			case "private":
				val = "Z"
			default:
				return fmt.Errorf("relabel=%q: want shared or private", val)
			}
			if err := set.add(val, optRelabel); err != nil {
				return err
			}
		case "z", "Z", "nosuid", "suid", "nodev", "dev", "noexec", "exec":
			if val != "\x00" {
				return fmt.Errorf("option %q takes no value", k)
			}
			if err := set.add(k, optRelabel, optSuid, optDev, optExec); err != nil {
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
		default:
			if err := unsupportedBindOption(k); err != nil {
				return err
			}
			return fmt.Errorf("unknown option %q for type=bind", k)
		}
	}
	if m.Source == "" {
		return fmt.Errorf("source= (or src=) is required for type=bind")
	}
	m.Options = finishBindOptions(&set)
	if idmap {
		m.Options = append(m.Options, optIDMap)
	}
	m.Given = set.order
	m.Relabel = set.get(optRelabel)
	m.Chown = set.get(optChown) != ""
	return nil
}

func (m *mountReq) tmpfsMountKeys(kv map[string]string, keys []string) error {
	var user []string
	for _, k := range keys {
		val := kv[k]
		switch k {
		case "type", "destination", "consistency":
		case "source":
			return fmt.Errorf("source= is not allowed for type=tmpfs")
		case "tmpfs-size":
			if err := checkTmpfsSize(val); err != nil {
				return err
			}
			user = append(user, "size="+val)
		case "tmpfs-mode":
			if err := checkOctalMode(val, 07777); err != nil {
				return fmt.Errorf("tmpfs-mode=%q: %v", val, err)
			}
			user = append(user, "mode="+val)
		case "ro", "rw":
			on, err := boolValue(k, val)
			if err != nil {
				return err
			}
			if (k == "ro") != on {
				k = "rw"
			} else {
				k = "ro"
			}
			user = append(user, k)
		case "tmpcopyup", "notmpcopyup", "nosuid", "suid", "nodev", "dev", "noexec", "exec":
			if val != "\x00" {
				return fmt.Errorf("option %q takes no value", k)
			}
			user = append(user, k)
		default:
			return fmt.Errorf("unknown option %q for type=tmpfs", k)
		}
	}
	opts, err := tmpfsOptions(user)
	if err != nil {
		return err
	}
	m.Options = opts
	return nil
}

// parseTmpfs parses --tmpfs DST[:OPTIONS].
func parseTmpfs(v string) (mountReq, error) {
	m := mountReq{flag: flagTmpfs, value: v, Type: "tmpfs", Source: "tmpfs"}
	dst, opts, hasOpts := strings.Cut(v, ":")
	var err error
	if m.Destination, err = checkMountDest(dst); err != nil {
		return m, flagError(flagTmpfs, v, "%v", err)
	}
	var user []string
	if hasOpts {
		user = strings.Split(opts, ",")
	}
	if m.Options, err = tmpfsOptions(user); err != nil {
		return m, flagError(flagTmpfs, v, "%v", err)
	}
	return m, nil
}

// tmpfsDefaults are Podman's options for a user tmpfs; a user option of the
// same group replaces the default.
var tmpfsDefaults = []string{"rw", "rprivate", "nosuid", "nodev", "tmpcopyup"}

// tmpfsOptions validates tmpfs options and appends the defaults the user did
// not override: user options first, in order, as Podman does.
func tmpfsOptions(user []string) ([]string, error) {
	var set optSet
	seenKey := map[string]bool{}
	var out []string
	for _, o := range user {
		if o == "" {
			return nil, fmt.Errorf("empty option")
		}
		k, val, hasVal := strings.Cut(o, "=")
		if hasVal {
			if seenKey[k] {
				return nil, fmt.Errorf("option %q given more than once", k)
			}
			seenKey[k] = true
			if err := checkTmpfsKeyValue(k, val); err != nil {
				return nil, err
			}
			out = append(out, o)
			continue
		}
		if err := set.add(o, optRW, optPropagation, optSuid, optDev, optExec, optCopyUp, optAtime); err != nil {
			return nil, err
		}
		if o != "notmpcopyup" {
			out = append(out, o)
		}
	}
	for _, d := range tmpfsDefaults {
		g := groupOf(d, optRW, optPropagation, optSuid, optDev, optCopyUp)
		if set.get(g) == "" {
			out = append(out, d)
		}
	}
	return out, nil
}

func checkTmpfsKeyValue(k, val string) error {
	switch k {
	case "size":
		return checkTmpfsSize(val)
	case "mode":
		if err := checkOctalMode(val, 07777); err != nil {
			return fmt.Errorf("mode=%q: %v", val, err)
		}
	case "uid", "gid":
		if _, err := strconv.ParseUint(val, 10, 32); err != nil {
			return fmt.Errorf("%s=%q: want a number", k, val)
		}
	case "nr_inodes", "nr_blocks":
		if _, ok := memparse(val); !ok {
			return fmt.Errorf("%s=%q: want a number with an optional k, m or g suffix", k, val)
		}
	default:
		return fmt.Errorf("unknown tmpfs option %q", k+"=")
	}
	return nil
}

// checkTmpfsSize accepts what the kernel's tmpfs size= accepts: a whole
// number with an optional k, m, g, t, p or e suffix, or a percentage of RAM.
func checkTmpfsSize(val string) error {
	if pct, ok := strings.CutSuffix(val, "%"); ok {
		n, err := strconv.ParseUint(pct, 10, 32)
		if err != nil || n == 0 || n > 100000 {
			return fmt.Errorf("size=%q: want a positive percentage", val)
		}
		return nil
	}
	if n, ok := memparse(val); !ok || n == 0 {
		return fmt.Errorf("size=%q: want a positive whole size like 64m", val)
	}
	return nil
}

// memparse parses the kernel's memparse() syntax (decimal digits and an
// optional binary suffix) without overflow.
func memparse(s string) (uint64, bool) {
	num := strings.TrimRight(s, "kKmMgGtTpPeE")
	suffix := s[len(num):]
	if len(suffix) > 1 || num == "" || strings.TrimLeft(num, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		return 0, false
	}
	shift := 0
	if suffix != "" {
		shift = 10 * (strings.IndexByte("kmgtpe", suffix[0]|0x20) + 1)
	}
	if n > math.MaxUint64>>shift {
		return 0, false
	}
	return n << shift, true
}

// parseBytes is units.RAMInBytes with overflow and sign checked.
func parseBytes(val string) (int64, error) {
	if val == "" || strings.TrimSpace(val) != val {
		return 0, fmt.Errorf("invalid size %q", val)
	}
	n, err := units.RAMInBytes(val)
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, fmt.Errorf("size %q is out of range", val)
	}
	return n, nil
}

// checkOctalMode parses an octal permission value no larger than max.
func checkOctalMode(val string, max uint64) error {
	n, err := strconv.ParseUint(val, 8, 32)
	if err != nil {
		return fmt.Errorf("want an octal mode")
	}
	if n > max {
		return fmt.Errorf("mode above %#o", max)
	}
	return nil
}

// checkBindSource makes sure a bind source exists on the host.
func checkBindSource(m *mountReq) error {
	if m.Type != "bind" {
		return nil
	}
	st, err := os.Stat(m.Source)
	if err != nil {
		if os.IsNotExist(err) {
			return flagError(m.flag, m.value, "source %q does not exist on the host", m.Source)
		}
		return flagError(m.flag, m.value, "source: %v", err)
	}
	if ovl, _, _ := OverlayOf(m.Options); ovl && !st.IsDir() {
		return flagError(m.flag, m.value, "source %q is not a directory: an overlay (O) needs a directory", m.Source)
	}
	return nil
}

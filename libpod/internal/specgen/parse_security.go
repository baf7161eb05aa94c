package specgen

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

const (
	flagSecurityOpt = "--security-opt"
	flagCapAdd      = "--cap-add"
	flagCapDrop     = "--cap-drop"
)

// allCaps are the capabilities specgen knows, by number (CAP_CHOWN = 0 …
// CAP_CHECKPOINT_RESTORE = 40).
var allCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
	"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
	"CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

var capIndex = func() map[string]int {
	m := make(map[string]int, len(allCaps))
	for i, c := range allCaps {
		m[c] = i
	}
	return m
}()

// defaultCaps is Podman's built-in default capability set.
var defaultCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID",
	"CAP_SYS_CHROOT",
}

// normalizeCap turns "net_admin", "CAP_NET_ADMIN", "cap_net_admin" into
// "CAP_NET_ADMIN" and "all" into "ALL".
func normalizeCap(name string) (string, error) {
	u := strings.ToUpper(name)
	if u == "ALL" {
		return u, nil
	}
	if !strings.HasPrefix(u, "CAP_") {
		u = "CAP_" + u
	}
	if _, ok := capIndex[u]; !ok {
		return "", fmt.Errorf("unknown capability")
	}
	return u, nil
}

func normalizeCaps(flag string, names []string) ([]string, error) {
	out := make([]string, 0, len(names))
	for _, n := range names {
		c, err := normalizeCap(n)
		if err != nil {
			return nil, flagError(flag, n, "%v", err)
		}
		out = append(out, c)
	}
	return out, nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sortCaps sorts capability names alphabetically, as Podman prints them.
func sortCaps(caps []string) []string {
	sort.Strings(caps)
	return caps
}

// securityOpts is the parsed --security-opt list.
type securityOpts struct {
	NoNewPrivs     *bool
	Seccomp        string   // "" = default profile, "unconfined", or a host path
	LabelOpts      []string // go-selinux InitLabels options: "disable", "type:T", …
	LabelDisabled  bool
	AppArmor       string
	Mask           []string
	Unmask         []string // container paths or globs; "ALL" = everything
	seccompFromOpt string   // the --security-opt value that set Seccomp
}

// maxSeccompProfile bounds how much of a seccomp profile file is read.
const maxSeccompProfile = 16 << 20

func parseSecurityOpts(opts []string) (*securityOpts, error) {
	s := &securityOpts{}
	for _, opt := range opts {
		if err := s.add(opt); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *securityOpts) add(opt string) error {
	bad := func(format string, a ...any) error { return flagError(flagSecurityOpt, opt, format, a...) }
	key, val, ok := strings.Cut(opt, "=")
	if !ok && key != "no-new-privileges" && key != "no-new-privs" {
		// Docker's old KEY:VALUE form (label:disable, seccomp:unconfined).
		key, val, ok = strings.Cut(opt, ":")
		if !ok {
			return bad("unknown option; want no-new-privileges, seccomp=, label=, apparmor=, mask= or unmask=")
		}
	}
	switch key {
	case "no-new-privileges", "no-new-privs":
		b := true
		if ok {
			var err error
			if b, err = strconv.ParseBool(val); err != nil {
				return bad("want no-new-privileges, no-new-privileges=true or no-new-privileges=false")
			}
		}
		s.NoNewPrivs = &b
	case "seccomp":
		switch {
		case val == "unconfined":
		case val == "":
			return bad("empty seccomp profile; give unconfined or a profile path")
		default:
			p, err := checkHostPath(val)
			if err != nil {
				return bad("seccomp profile: %v", err)
			}
			val = p
		}
		s.Seccomp, s.seccompFromOpt = val, opt
	case "label":
		return s.addLabel(opt, val)
	case "apparmor":
		if val == "" || strings.ContainsAny(val, "\x00\n") {
			return bad("want apparmor=unconfined or apparmor=PROFILE")
		}
		s.AppArmor = val
	case "mask":
		paths, err := splitPaths(val, false)
		if err != nil {
			return bad("%v", err)
		}
		s.Mask = append(s.Mask, paths...)
	case "unmask":
		paths, err := splitPaths(val, true)
		if err != nil {
			return bad("%v", err)
		}
		s.Unmask = append(s.Unmask, paths...)
	case "systempaths":
		if val != "unconfined" {
			return bad("only systempaths=unconfined is supported")
		}
		s.Unmask = append(s.Unmask, "ALL")
	case "proc-opts":
		return bad("proc-opts is not supported yet")
	default:
		return bad("unknown option %q; want no-new-privileges, seccomp=, label=, apparmor=, mask= or unmask=", key)
	}
	return nil
}

func (s *securityOpts) addLabel(opt, val string) error {
	bad := func(format string, a ...any) error { return flagError(flagSecurityOpt, opt, format, a...) }
	switch val {
	case "disable":
		s.LabelDisabled = true
		s.LabelOpts = append(s.LabelOpts, "disable")
		return nil
	case "nested":
		s.LabelOpts = append(s.LabelOpts, "nested")
		return nil
	}
	k, v, ok := strings.Cut(val, ":")
	if !ok {
		return bad("want label=disable, label=nested or label=user:|role:|type:|level:|filetype:VALUE")
	}
	switch k {
	case "user", "role", "type", "level", "filetype":
	default:
		return bad("unknown label field %q; want user, role, type, level or filetype", k)
	}
	if v == "" || strings.ContainsAny(v, " \t\n\x00") {
		return bad("invalid %s value %q", k, v)
	}
	s.LabelOpts = append(s.LabelOpts, k+":"+v)
	return nil
}

// splitPaths splits mask=/unmask= values: ':'-separated absolute container
// paths; unmask also takes ALL and glob patterns.
func splitPaths(val string, unmask bool) ([]string, error) {
	if unmask && val == "ALL" {
		return []string{"ALL"}, nil
	}
	if val == "" {
		return nil, fmt.Errorf("empty path list")
	}
	var out []string
	for _, p := range strings.Split(val, ":") {
		if !strings.HasPrefix(p, "/") || strings.IndexByte(p, 0) >= 0 {
			return nil, fmt.Errorf("path %q is not absolute", p)
		}
		if unmask {
			if _, err := filepath.Match(p, ""); err != nil {
				return nil, fmt.Errorf("bad pattern %q", p)
			}
		} else {
			p = filepath.Clean(p)
		}
		out = append(out, p)
	}
	return out, nil
}

// checkSeccompFile checks that a seccomp profile is a regular file of a sane
// size, without reading it (Validate must not block on a FIFO or a device).
func checkSeccompFile(flag, value, p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		if os.IsNotExist(err) {
			return flagError(flag, value, "seccomp profile %q does not exist", p)
		}
		return flagError(flag, value, "seccomp profile: %v", err)
	}
	if !fi.Mode().IsRegular() {
		return flagError(flag, value, "seccomp profile %q is not a regular file", p)
	}
	if fi.Size() > maxSeccompProfile {
		return flagError(flag, value, "seccomp profile %q is larger than %d bytes", p, maxSeccompProfile)
	}
	return nil
}

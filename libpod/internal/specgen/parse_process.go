package specgen

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

const (
	flagUser       = "--user"
	flagGroupAdd   = "--group-add"
	flagEnv        = "--env"
	flagWorkDir    = "--workdir"
	flagEntrypoint = "--entrypoint"
	flagStopSignal = "--stop-signal"
	flagUmask      = "--umask"
	flagHostname   = "--hostname"
	flagLabel      = "--label"
	flagAnnotation = "--annotation"
	flagNetwork    = "--network"
	flagPID        = "--pid"
	flagIPC        = "--ipc"
	flagUTS        = "--uts"
	flagInitPath   = "--init-path"
	flagRootfs     = "--rootfs"
)

// keepGroups is the --group-add value that keeps pod's own supplementary groups.
const keepGroups = "keep-groups"

// checkIDName validates a user or group name or number as it may appear in
// /etc/passwd or /etc/group.
func checkIDName(s string) error {
	if s == "" {
		return fmt.Errorf("empty name")
	}
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		if n >= math32 {
			return fmt.Errorf("id %s is out of range (0 to %d)", s, uint64(math32-1))
		}
		return nil
	}
	if strings.ContainsAny(s, ":/ \t\n\x00,") {
		return fmt.Errorf("invalid name %q", s)
	}
	return nil
}

// math32 is one past the largest usable id (4294967295 is (uid_t)-1).
const math32 = 1<<32 - 1

// parseUserSpec splits -u USER[:GROUP].
func parseUserSpec(flag, v string) (user, group string, err error) {
	user, group, hasGroup := strings.Cut(v, ":")
	if err := checkIDName(user); err != nil {
		return "", "", flagError(flag, v, "user: %v; the format is USER[:GROUP]", err)
	}
	if hasGroup {
		if err := checkIDName(group); err != nil {
			return "", "", flagError(flag, v, "group: %v; the format is USER[:GROUP]", err)
		}
	}
	return user, group, nil
}

func checkGroupAdd(groups []string) error {
	for _, g := range groups {
		if g == keepGroups {
			if len(groups) > 1 {
				return flagError(flagGroupAdd, g, "the '--group-add keep-groups' option is not allowed with any other --group-add options")
			}
			continue
		}
		if err := checkIDName(g); err != nil {
			return flagError(flagGroupAdd, g, "%v", err)
		}
	}
	return nil
}

// checkEnv validates -e KEY=VALUE, KEY (copy from pod's environment) and
// KEY* (copy every variable with that prefix).
func checkEnv(flag, e string) error {
	k, _, _ := strings.Cut(e, "=")
	if k == "" {
		return flagError(flag, e, "empty variable name")
	}
	if strings.IndexByte(e, 0) >= 0 {
		return flagError(flag, e, "contains a NUL byte")
	}
	if strings.ContainsAny(k, " \t\n") {
		return flagError(flag, e, "variable name contains whitespace")
	}
	return nil
}

// parseEntrypoint decodes the stored --entrypoint: nil = the image's; a
// single "" or a JSON array "[…]" as one element is Podman's CLI form.
func parseEntrypoint(ep *[]string) ([]string, bool, error) {
	if ep == nil {
		return nil, false, nil
	}
	if len(*ep) != 1 {
		return *ep, true, nil
	}
	v := (*ep)[0]
	if v == "" {
		return []string{}, true, nil
	}
	if strings.HasPrefix(strings.TrimSpace(v), "[") {
		var list []string
		if err := json.Unmarshal([]byte(v), &list); err == nil {
			return list, true, nil
		}
	}
	return []string{v}, true, nil
}

// parseSignal accepts a signal number, a name with or without SIG, in any
// case, and RTMIN+n / RTMAX-n.
func parseSignal(s string) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("empty signal")
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > sigRTMax {
			return 0, fmt.Errorf("signal number %d out of range 1-%d", n, sigRTMax)
		}
		return n, nil
	}
	name := strings.ToUpper(s)
	name = strings.TrimPrefix(name, "SIG")
	if rest, ok := strings.CutPrefix(name, "RTMIN"); ok {
		return rtSignal(sigRTMin, rest, 1)
	}
	if rest, ok := strings.CutPrefix(name, "RTMAX"); ok {
		return rtSignal(sigRTMax, rest, -1)
	}
	if sig := unix.SignalNum("SIG" + name); sig != 0 {
		return int(sig), nil
	}
	switch name {
	case "IOT":
		return int(unix.SIGABRT), nil
	case "CLD":
		return int(unix.SIGCHLD), nil
	case "POLL":
		return int(unix.SIGIO), nil
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}

// Linux real-time signal range as seen by programs (glibc reserves 32, 33).
const (
	sigRTMin = 34
	sigRTMax = 64
)

func rtSignal(base int, rest string, dir int) (int, error) {
	if rest == "" {
		return base, nil
	}
	sign := "+"
	if dir < 0 {
		sign = "-"
	}
	num, ok := strings.CutPrefix(rest, sign)
	if !ok {
		return 0, fmt.Errorf("bad real-time signal %q", rest)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > sigRTMax-sigRTMin {
		return 0, fmt.Errorf("bad real-time signal offset %q", num)
	}
	return base + dir*n, nil
}

func parseUmask(flag, v string) (uint32, error) {
	n, err := strconv.ParseUint(v, 8, 32)
	if err != nil || n > 0o777 {
		return 0, flagError(flag, v, "want an octal mask from 0000 to 0777")
	}
	return uint32(n), nil
}

func checkHostname(v string) error {
	if len(v) > 64 {
		return flagError(flagHostname, v, "longer than 64 bytes")
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c == '/' || c == 0x7f {
			return flagError(flagHostname, v, "invalid character %q", c)
		}
	}
	return nil
}

// Namespace modes.
const (
	nsPrivate = "private"
	nsHost    = "host"
	nsPath    = "path"
	nsNone    = "none" // --ipc none: private, without /dev/shm
	// nsContainer is container:ID of --pid/--ipc/--uts: valid when the
	// container is created; libpod turns it into ns:PATH of the running
	// container at each start, so Generate never sees it.
	nsContainer = "container"
)

type nsMode struct {
	Kind string
	Path string
}

type namespaces struct {
	Net, PID, IPC, UTS nsMode
}

// parseNS parses --network/--pid/--ipc/--uts; extra lists values accepted as
// private for that flag.
func parseNS(flag, v string, extra ...string) (nsMode, error) {
	switch v {
	case "", "private":
		return nsMode{Kind: nsPrivate}, nil
	case "host":
		return nsMode{Kind: nsHost}, nil
	}
	for _, e := range extra {
		if v == e {
			if e == "none" && flag == flagIPC {
				return nsMode{Kind: nsNone}, nil
			}
			return nsMode{Kind: nsPrivate}, nil
		}
	}
	if flag == flagNetwork && !strings.HasPrefix(v, "ns:") {
		// bridge, a network name, container:ID: libpod (pkg/network) checked
		// the value and hands over the namespace it made as ns:PATH.
		return nsMode{Kind: nsPrivate}, nil
	}
	if p, ok := strings.CutPrefix(v, "ns:"); ok {
		clean, err := checkHostPath(p)
		if err != nil {
			return nsMode{}, flagError(flag, v, "namespace path: %v", err)
		}
		return nsMode{Kind: nsPath, Path: clean}, nil
	}
	want := "host, private, container:NAME or ns:PATH"
	if flag == flagNetwork {
		want = "none, host or ns:PATH"
	}
	if id, ok := strings.CutPrefix(v, "container:"); ok {
		if id == "" || strings.ContainsAny(id, "/\x00") {
			return nsMode{}, flagError(flag, v, "want container:NAME or container:ID")
		}
		return nsMode{Kind: nsContainer, Path: id}, nil
	}
	return nsMode{}, flagError(flag, v, "not supported (yet); use %s", want)
}

func parseNamespaces(o *Options, d *Defaults) (*namespaces, error) {
	var ns namespaces
	var err error
	pick := func(user, def string, ok func(string) bool) string {
		if user != "" {
			return user
		}
		if ok(def) {
			return def
		}
		return ""
	}
	is := func(vals ...string) func(string) bool {
		return func(s string) bool { return containsStr(vals, s) }
	}
	var dNet, dPID, dIPC, dUTS string
	if d != nil {
		dNet, dPID, dIPC, dUTS = d.NetNS, d.PIDNS, d.IPCNS, d.UTSNS
	}
	if ns.Net, err = parseNS(flagNetwork, pick(o.Network, dNet, is("none", "host", "private")), "none"); err != nil {
		return nil, err
	}
	if ns.PID, err = parseNS(flagPID, pick(o.PID, dPID, is("host", "private"))); err != nil {
		return nil, err
	}
	if ns.IPC, err = parseNS(flagIPC, pick(o.IPC, dIPC, is("host", "private", "shareable", "none")), "shareable", "none"); err != nil {
		return nil, err
	}
	if ns.UTS, err = parseNS(flagUTS, pick(o.UTS, dUTS, is("host", "private"))); err != nil {
		return nil, err
	}
	return &ns, nil
}

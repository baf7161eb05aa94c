package conmon

import (
	"errors"
	"strings"
)

// ParseError is a command line conmon's option parser (GLib) would reject.
// Its text matches GLib's ("Unknown option --x", "Missing argument for -c",
// "Cannot parse integer value “x” for -T").
type ParseError struct{ Msg string }

func (e *ParseError) Error() string { return e.Msg }

type optKind uint8

const (
	optBool optKind = iota
	optString
	optStrings
	optInt
	optInt64
)

// option is one conmon 2.1.6 command line option.
type option struct {
	long  string
	short byte
	kind  optKind
	set   func(a *Args, s string, n int64)
}

func boolOpt(long string, short byte, f func(a *Args)) option {
	return option{long, short, optBool, func(a *Args, _ string, _ int64) { f(a) }}
}

func strOpt(long string, short byte, f func(a *Args, s string)) option {
	return option{long, short, optString, func(a *Args, s string, _ int64) { f(a, s) }}
}

func strsOpt(long string, short byte, f func(a *Args, s string)) option {
	return option{long, short, optStrings, func(a *Args, s string, _ int64) { f(a, s) }}
}

func intOpt(long string, short byte, f func(a *Args, n int64)) option {
	return option{long, short, optInt, func(a *Args, _ string, n int64) { f(a, n) }}
}

// options lists every flag of conmon 2.1.6 (see `conmon --help`), including
// the deprecated aliases --pidfile and --restore-arg, plus pod-conmon's --run.
var options = []option{
	boolOpt("api-version", 0, func(a *Args) { a.APIVersion = true }),
	strOpt("bundle", 'b', func(a *Args, s string) { a.Bundle = s }),
	strOpt("cid", 'c', func(a *Args, s string) { a.CID = s }),
	strOpt("conmon-pidfile", 'P', func(a *Args, s string) { a.ConmonPidFile = s }),
	strOpt("container-pidfile", 'p', func(a *Args, s string) { a.ContainerPidFile = s }),
	strOpt("pidfile", 0, func(a *Args, s string) { a.ContainerPidFile = s }),
	strOpt("cuuid", 'u', func(a *Args, s string) { a.CUUID = s }),
	boolOpt("exec", 'e', func(a *Args) { a.Exec = true }),
	boolOpt("exec-attach", 0, func(a *Args) { a.ExecAttach = true }),
	strOpt("exec-process-spec", 0, func(a *Args, s string) { a.ExecProcessSpec = s }),
	strOpt("exit-command", 0, func(a *Args, s string) { a.ExitCommand = s }),
	strsOpt("exit-command-arg", 0, func(a *Args, s string) { a.ExitCommandArgs = append(a.ExitCommandArgs, s) }),
	intOpt("exit-delay", 0, func(a *Args, n int64) { a.ExitDelay = int(n) }),
	strOpt("periodic-command", 0, func(a *Args, s string) { a.PeriodicCommand = s }),                                         // pod-conmon only
	strsOpt("periodic-command-arg", 0, func(a *Args, s string) { a.PeriodicCommandArgs = append(a.PeriodicCommandArgs, s) }), // pod-conmon only
	{"periodic-interval", 0, optInt64, func(a *Args, _ string, n int64) { a.PeriodicInterval = n }},                          // pod-conmon only
	intOpt("periodic-pid", 0, func(a *Args, n int64) { a.PeriodicPid = int(n) }),                                             // pod-conmon only
	strOpt("exit-dir", 0, func(a *Args, s string) { a.ExitDir = s }),
	boolOpt("leave-stdin-open", 0, func(a *Args) { a.LeaveStdinOpen = true }),
	strOpt("log-level", 0, func(a *Args, s string) { a.LogLevel = s }),
	strsOpt("log-path", 'l', func(a *Args, s string) { a.LogPaths = append(a.LogPaths, s) }),
	{"log-size-max", 0, optInt64, func(a *Args, _ string, n int64) { a.LogSizeMax = n }},
	{"log-global-size-max", 0, optInt64, func(a *Args, _ string, n int64) { a.LogGlobalSizeMax = n }},
	strOpt("log-tag", 0, func(a *Args, s string) { a.LogTag = s }),
	strOpt("name", 'n', func(a *Args, s string) { a.Name = s }),
	boolOpt("no-new-keyring", 0, func(a *Args) { a.NoNewKeyring = true }),
	boolOpt("no-pivot", 0, func(a *Args) { a.NoPivot = true }),
	boolOpt("no-sync-log", 0, func(a *Args) { a.NoSyncLog = true }),
	strOpt("persist-dir", '0', func(a *Args, s string) { a.PersistDir = s }),
	boolOpt("replace-listen-pid", 0, func(a *Args) { a.ReplaceListenPid = true }),
	strOpt("restore", 0, func(a *Args, s string) { a.Restore = s }),
	boolOpt("run", 0, func(a *Args) { a.Run = true }),                      // pod-conmon only
	boolOpt("sealed-runtime", 0, func(a *Args) { a.SealedRuntime = true }), // pod-conmon only
	strOpt("runtime", 'r', func(a *Args, s string) { a.Runtime = s }),
	strsOpt("runtime-arg", 0, func(a *Args, s string) { a.RuntimeArgs = append(a.RuntimeArgs, s) }),
	strsOpt("runtime-opt", 0, func(a *Args, s string) { a.RuntimeOpts = append(a.RuntimeOpts, s) }),
	strsOpt("restore-arg", 0, func(a *Args, s string) { a.RuntimeOpts = append(a.RuntimeOpts, s) }),
	strOpt("sdnotify-socket", 0, func(a *Args, s string) { a.SdNotifySocket = s }),
	strOpt("socket-dir-path", 0, func(a *Args, s string) { a.SocketDirPath = s }),
	boolOpt("stdin", 'i', func(a *Args) { a.Stdin = true }),
	boolOpt("sync", 0, func(a *Args) { a.Sync = true }),
	boolOpt("syslog", 0, func(a *Args) { a.Syslog = true }),
	boolOpt("systemd-cgroup", 's', func(a *Args) { a.SystemdCgroup = true }),
	boolOpt("terminal", 't', func(a *Args) { a.Terminal = true }),
	intOpt("timeout", 'T', func(a *Args, n int64) { a.Timeout = int(n) }),
	boolOpt("version", 0, func(a *Args) { a.Version = true }),
	boolOpt("full-attach", 0, func(a *Args) { a.FullAttach = true }),
	strOpt("seccomp-notify-socket", 0, func(a *Args, s string) { a.SeccompNotifySocket = s }),
	strOpt("seccomp-notify-plugins", 0, func(a *Args, s string) { a.SeccompNotifyPlugins = s }),
	boolOpt("help", 'h', func(a *Args) { a.Help = true }),
	boolOpt("help-all", 0, func(a *Args) { a.Help = true }),
}

func findLong(name string) *option {
	for i := range options {
		if options[i].long == name {
			return &options[i]
		}
	}
	return nil
}

func findShort(c byte) *option {
	if c == '?' {
		return findLong("help")
	}
	for i := range options {
		if options[i].short == c {
			return &options[i]
		}
	}
	return nil
}

// ParseArgs parses a conmon command line (without argv[0]) the way conmon
// 2.1.6's GLib option parser does: "--flag value" and "--flag=value",
// grouped short flags ("-ti"; a short flag that takes a value consumes the
// next argument, even one starting with "-"), "--" ends the options, and
// other non-option arguments are ignored (so "--api-version 1" works).
// Integers accept C's base prefixes (0x.., 0..). Unknown options are errors.
// It does not check that required flags are present; see the monitor.
func ParseArgs(argv []string) (*Args, error) {
	a := &Args{}
	for i := 0; i < len(argv); i++ {
		arg := argv[i]
		switch {
		case arg == "--":
			return a, nil
		case strings.HasPrefix(arg, "--"):
			name, val, hasVal := strings.Cut(arg[2:], "=")
			o := findLong(name)
			if o == nil {
				return nil, &ParseError{"Unknown option " + "--" + name}
			}
			if o.kind == optBool {
				o.set(a, "", 0) // GLib ignores "=value" on a flag
				continue
			}
			if !hasVal {
				if i+1 >= len(argv) {
					return nil, &ParseError{"Missing argument for --" + name}
				}
				i++
				val = argv[i]
			}
			if err := apply(a, o, "--"+name, val); err != nil {
				return nil, err
			}
		case len(arg) > 1 && arg[0] == '-':
			for j := 1; j < len(arg); j++ {
				o := findShort(arg[j])
				flag := "-" + string(arg[j])
				if o == nil {
					return nil, &ParseError{"Unknown option " + flag}
				}
				if o.kind == optBool {
					o.set(a, "", 0)
					continue
				}
				if i+1 >= len(argv) {
					return nil, &ParseError{"Missing argument for " + flag}
				}
				i++
				if err := apply(a, o, flag, argv[i]); err != nil {
					return nil, err
				}
			}
		}
	}
	return a, nil
}

func apply(a *Args, o *option, flag, val string) error {
	switch o.kind {
	case optInt, optInt64:
		bits := 32
		if o.kind == optInt64 {
			bits = 64
		}
		n, err := parseCInt(val, bits)
		if err != nil {
			if errors.Is(err, errRange) {
				return &ParseError{"Integer value “" + val + "” for " + flag + " out of range"}
			}
			return &ParseError{"Cannot parse integer value “" + val + "” for " + flag}
		}
		o.set(a, "", n)
	default:
		o.set(a, val, 0)
	}
	return nil
}

var (
	errSyntax = errors.New("syntax")
	errRange  = errors.New("range")
)

// parseCInt parses like C's strtol(s, &end, 0) and requires the whole
// string to be used: leading blanks, a sign, 0x/0X hex, 0 octal, decimal.
func parseCInt(s string, bits int) (int64, error) {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := uint64(10)
	if i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && i+2 < len(s) && hexDigit(s[i+2]) >= 0 {
		base = 16
		i += 2
	} else if i < len(s) && s[i] == '0' {
		base = 8
	}
	if i >= len(s) {
		return 0, errSyntax
	}
	limit := uint64(1) << (bits - 1) // magnitude of the most negative value
	var n uint64
	overflow := false
	for ; i < len(s); i++ {
		d := hexDigit(s[i])
		if d < 0 || uint64(d) >= base {
			return 0, errSyntax
		}
		if overflow || n > limit/base+1 {
			overflow = true
			continue
		}
		if n = n*base + uint64(d); n > limit {
			overflow = true
		}
	}
	if overflow || (!neg && n > limit-1) || (neg && n > limit) {
		return 0, errRange
	}
	if neg {
		return -int64(n), nil
	}
	return int64(n), nil
}

func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

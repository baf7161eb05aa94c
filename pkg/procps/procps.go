// Package procps describes processes with ps(1)-style format descriptors,
// the ones `podman top` accepts (those of github.com/containers/psgo): user,
// pid, ppid, pcpu, etime, tty, time, args, comm and the rest, with the same
// headers and value formats. It reads the host's /proc: PIDs are shown as
// the innermost PID namespace sees them (a container's init is 1), user and
// group names come from a caller-supplied lookup (the container's
// /etc/passwd and /etc/group), the h* descriptors show the host's view.
package procps

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// ErrUnknownDescriptor is returned for a descriptor this package does not
// know; `top` then runs ps(1) in the container instead, as Podman does.
var ErrUnknownDescriptor = errors.New("unknown descriptor")

// DefaultDescriptors are what `podman top CTR` shows.
var DefaultDescriptors = []string{"user", "pid", "ppid", "pcpu", "etime", "tty", "time", "args"}

// Names maps IDs to names; nil functions, or "" results, show the number.
type Names struct {
	User  func(uid int) string
	Group func(gid int) string
	// HostUser and HostGroup name IDs for huser and hgroup.
	HostUser  func(uid int) string
	HostGroup func(gid int) string
}

// descriptor is one column: its header and how to render a process.
type descriptor struct {
	header string
	value  func(p *process, n *Names) string
}

// aixCodes are the AIX format codes ps(1) and psgo accept.
var aixCodes = map[string]string{
	"%C": "pcpu", "%G": "group", "%P": "ppid", "%U": "user", "%a": "args", "%c": "comm",
	"%g": "rgroup", "%n": "nice", "%p": "pid", "%r": "pgid", "%t": "etime", "%u": "ruser",
	"%x": "time", "%y": "tty", "%z": "vsz",
}

var descriptors = map[string]descriptor{
	"args":    {"COMMAND", func(p *process, _ *Names) string { return p.args() }},
	"comm":    {"COMMAND", func(p *process, _ *Names) string { return p.comm }},
	"capamb":  {"AMBIENT CAPS", func(p *process, _ *Names) string { return capNames(p.status["CapAmb"]) }},
	"capbnd":  {"BOUNDING CAPS", func(p *process, _ *Names) string { return capNames(p.status["CapBnd"]) }},
	"capeff":  {"EFFECTIVE CAPS", func(p *process, _ *Names) string { return capNames(p.status["CapEff"]) }},
	"capinh":  {"INHERITED CAPS", func(p *process, _ *Names) string { return capNames(p.status["CapInh"]) }},
	"capprm":  {"PERMITTED CAPS", func(p *process, _ *Names) string { return capNames(p.status["CapPrm"]) }},
	"etime":   {"ELAPSED", func(p *process, _ *Names) string { return p.elapsed().String() }},
	"group":   {"GROUP", func(p *process, n *Names) string { return name(n.Group, p.id("Gid", 1)) }},
	"hgroup":  {"HGROUP", func(p *process, n *Names) string { return name(n.HostGroup, p.id("Gid", 1)) }},
	"hpid":    {"HPID", func(p *process, _ *Names) string { return strconv.Itoa(p.pid) }},
	"huser":   {"HUSER", func(p *process, n *Names) string { return name(n.HostUser, p.id("Uid", 1)) }},
	"label":   {"LABEL", func(p *process, _ *Names) string { return p.label() }},
	"nice":    {"NI", func(p *process, _ *Names) string { return p.stat(16) }},
	"pcpu":    {"%CPU", func(p *process, _ *Names) string { return p.pcpu() }},
	"pgid":    {"PGID", func(p *process, _ *Names) string { return strconv.Itoa(nsPid(p.statInt(2))) }},
	"pid":     {"PID", func(p *process, _ *Names) string { return strconv.Itoa(p.nsPid()) }},
	"ppid":    {"PPID", func(p *process, _ *Names) string { return strconv.Itoa(p.nsPPid()) }},
	"rgroup":  {"RGROUP", func(p *process, n *Names) string { return name(n.Group, p.id("Gid", 0)) }},
	"rss":     {"RSS", func(p *process, _ *Names) string { return strconv.Itoa(p.statInt(21) * os.Getpagesize() / 1024) }},
	"ruser":   {"RUSER", func(p *process, n *Names) string { return name(n.User, p.id("Uid", 0)) }},
	"seccomp": {"SECCOMP", func(p *process, _ *Names) string { return seccompMode(p.status["Seccomp"]) }},
	"state":   {"STATE", func(p *process, _ *Names) string { return p.stat(0) }},
	"stime":   {"STIME", func(p *process, _ *Names) string { return p.started().Truncate(time.Second).String() }},
	"time":    {"TIME", func(p *process, _ *Names) string { return p.cpuTime().String() }},
	"tty":     {"TTY", func(p *process, _ *Names) string { return ttyName(p.statInt(4)) }},
	"user":    {"USER", func(p *process, n *Names) string { return name(n.User, p.id("Uid", 1)) }},
	"vsz":     {"VSZ", func(p *process, _ *Names) string { return strconv.Itoa(p.statInt(20) / 1024) }},
}

// Known lists the descriptors this package understands, sorted.
func Known() []string {
	out := make([]string, 0, len(descriptors))
	for k := range descriptors {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

// Table describes the processes pids (host PIDs) with the descriptors
// (comma-separated lists are split; none means DefaultDescriptors): a header
// row, then one row per process that still exists, each as cells.
func Table(pids []int, descs []string, n Names) ([][]string, error) {
	var ds []descriptor
	for _, d := range descs {
		for _, f := range strings.Split(d, ",") {
			if f == "" {
				continue
			}
			if code, ok := aixCodes[f]; ok {
				f = code
			}
			desc, ok := descriptors[f]
			if !ok {
				return nil, fmt.Errorf("%q: %w", f, ErrUnknownDescriptor)
			}
			ds = append(ds, desc)
		}
	}
	if len(ds) == 0 {
		for _, f := range DefaultDescriptors {
			ds = append(ds, descriptors[f])
		}
	}
	header := make([]string, len(ds))
	for i, d := range ds {
		header[i] = d.header
	}
	rows := [][]string{header}
	for _, pid := range pids {
		p, err := readProcess(pid)
		if err != nil {
			continue // it exited meanwhile
		}
		row := make([]string, len(ds))
		for i, d := range ds {
			row[i] = d.value(p, &n)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func name(lookup func(int) string, id int) string {
	if id < 0 {
		return "?"
	}
	if lookup != nil {
		if s := lookup(id); s != "" {
			return s
		}
	}
	return strconv.Itoa(id)
}

// ttyName turns a tty_nr into its name under /dev, "?" for none.
func ttyName(nr int) string {
	if nr == 0 {
		return "?"
	}
	major := (nr >> 8) & 0xfff
	minor := (nr & 0xff) | ((nr >> 12) & 0xfff00)
	switch {
	case major >= 136 && major <= 143:
		return "pts/" + strconv.Itoa(minor+(major-136)*256)
	case major == 4 && minor < 64:
		return "tty" + strconv.Itoa(minor)
	case major == 4:
		return "ttyS" + strconv.Itoa(minor-64)
	case major == 5 && minor == 1:
		return "console"
	}
	return "?"
}

func seccompMode(s string) string {
	switch strings.TrimSpace(s) {
	case "0":
		return "disabled"
	case "1":
		return "strict"
	case "2":
		return "filter"
	}
	return "?"
}

// now is time.Now, replaceable in tests.
var now = time.Now

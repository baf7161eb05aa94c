package specgen

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	units "github.com/docker/go-units"
	"golang.org/x/sys/unix"
)

// Flags of Podman 4.3's run and create that parse_run.go checks.
const (
	flagTZ                = "--tz"
	flagUnsetEnv          = "--unsetenv"
	flagDeviceCgroupRule  = "--device-cgroup-rule"
	flagDeviceReadBps     = "--device-read-bps"
	flagDeviceWriteBps    = "--device-write-bps"
	flagDeviceReadIOps    = "--device-read-iops"
	flagDeviceWriteIOps   = "--device-write-iops"
	flagBlkioWeight       = "--blkio-weight"
	flagBlkioWeightDevice = "--blkio-weight-device"
	flagPersonality       = "--personality"
	flagSystemd           = "--systemd"
	flagPasswdEntry       = "--passwd-entry"
	flagGroupEntry        = "--group-entry"
	flagChrootDirs        = "--chrootdirs"
	flagAddHost           = "--add-host"
	flagDNS               = "--dns"
	flagDNSSearch         = "--dns-search"
	flagDNSOption         = "--dns-option"
)

// ParseAddHost splits --add-host NAME:IP (the IP may be IPv6: the name
// ends at the first colon), as Podman does.
func ParseAddHost(v string) (name, ip string, err error) {
	name, ip, ok := strings.Cut(v, ":")
	if !ok || name == "" || strings.ContainsAny(name, " \t\n\x00") {
		return "", "", flagError(flagAddHost, v, "bad format: want HOST:IP")
	}
	if net.ParseIP(ip) == nil {
		return "", "", flagError(flagAddHost, v, "%q is not an IP address", ip)
	}
	return name, ip, nil
}

// checkDNS checks --dns, --dns-search and --dns-option and their conflicts.
func checkDNS(o *Options) error {
	for _, ip := range o.DNS {
		if net.ParseIP(ip) == nil {
			return flagError(flagDNS, ip, "not an IP address")
		}
	}
	for _, d := range o.DNSSearch {
		if d == "" || strings.ContainsAny(d, " \t\n\x00") {
			return flagError(flagDNSSearch, d, "want a domain name (or . for none)")
		}
	}
	for _, opt := range o.DNSOptions {
		if opt == "" || strings.ContainsAny(opt, " \t\n\x00") {
			return flagError(flagDNSOption, opt, "want one resolv.conf option such as ndots:2")
		}
	}
	if o.Network == "none" {
		for flag, vals := range map[string][]string{flagDNS: o.DNS, flagDNSSearch: o.DNSSearch, flagDNSOption: o.DNSOptions} {
			if len(vals) > 0 {
				return flagError(flag, vals[0], "conflicting options: %s and the network mode: none", strings.TrimPrefix(flag, "--"))
			}
		}
	}
	return nil
}

// zoneinfoDir is where --tz ZONE is looked up on the host, as Podman does.
const zoneinfoDir = "/usr/share/zoneinfo"

// checkTimezone checks the syntax of --tz: "local" or a relative zone name
// without ".." (Europe/Berlin, UTC, Etc/GMT+5).
func checkTimezone(v string) error {
	if v == "local" {
		return nil
	}
	if v == "" || strings.HasPrefix(v, "/") || strings.IndexByte(v, 0) >= 0 || strings.ContainsAny(v, "\n") {
		return flagError(flagTZ, v, "want local or a time zone name such as Europe/Berlin")
	}
	for _, part := range strings.Split(v, "/") {
		if part == "" || part == "." || part == ".." {
			return flagError(flagTZ, v, "want local or a time zone name such as Europe/Berlin")
		}
	}
	return nil
}

// timezoneFile returns the host file --tz (or containers.conf tz) puts at
// the container's /etc/localtime: the host's own for "local", else the zone's
// file under /usr/share/zoneinfo, which must exist.
func timezoneFile(flag, v string) (string, error) {
	if err := checkTimezone(v); err != nil {
		return "", err
	}
	p := path.Join(zoneinfoDir, v)
	if v == "local" {
		resolved, err := filepath.EvalSymlinks("/etc/localtime")
		if err != nil {
			return "", flagError(flag, v, "the host's /etc/localtime: %v", err)
		}
		p = resolved
	}
	fi, err := os.Stat(p)
	if err != nil {
		return "", flagError(flag, v, "no such time zone: %s does not exist (give local or a zone such as Europe/Berlin)", p)
	}
	if !fi.Mode().IsRegular() {
		return "", flagError(flag, v, "%s is not a time zone file", p)
	}
	return p, nil
}

// checkEnvName checks a variable name given to --unsetenv.
func checkEnvName(flag, name string) error {
	if name == "" || strings.ContainsAny(name, "=\x00") {
		return flagError(flag, name, "want a variable name without '='")
	}
	return nil
}

var deviceCgroupRuleRE = regexp.MustCompile(`^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$`)

// deviceRule is one parsed --device-cgroup-rule.
type deviceRule struct {
	Type         string
	Major, Minor *int64 // nil = any (*)
	Access       string
}

// parseDeviceCgroupRule parses "TYPE MAJOR:MINOR ACCESS" (type a, b or c;
// major and minor numbers or *; access a subset of rwm), as Podman does.
func parseDeviceCgroupRule(v string) (deviceRule, error) {
	m := deviceCgroupRuleRE.FindStringSubmatch(v)
	if m == nil || !isDevicePerms(m[4]) {
		return deviceRule{}, flagError(flagDeviceCgroupRule, v, "want TYPE MAJOR:MINOR ACCESS, e.g. 'c 1:3 rwm' (type a, b or c; * for any number; access from rwm)")
	}
	r := deviceRule{Type: m[1], Access: m[4]}
	num := func(s string) (*int64, error) {
		if s == "*" {
			return nil, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > 1<<32-1 {
			return nil, flagError(flagDeviceCgroupRule, v, "device number %s is out of range", s)
		}
		return &n, nil
	}
	var err error
	if r.Major, err = num(m[2]); err != nil {
		return r, err
	}
	if r.Minor, err = num(m[3]); err != nil {
		return r, err
	}
	return r, nil
}

// throttleReq is one parsed --device-{read,write}-{bps,iops} or
// --blkio-weight-device PATH:VALUE.
type throttleReq struct {
	flag, value string
	Path        string
	Rate        uint64
}

// parseThrottle parses PATH:RATE; bps rates take a size unit (1mb, 512k),
// iops and weights are plain numbers. The path must be under /dev.
func parseThrottle(flag, v string) (throttleReq, error) {
	t := throttleReq{flag: flag, value: v}
	i := strings.LastIndexByte(v, ':')
	if i < 0 {
		if flag == flagBlkioWeightDevice {
			return t, flagError(flag, v, "want DEVICE:WEIGHT, e.g. /dev/sda:300")
		}
		return t, flagError(flag, v, "want DEVICE:RATE, e.g. /dev/sda:1mb")
	}
	t.Path, _ = checkHostPath(v[:i])
	if !strings.HasPrefix(t.Path, "/dev/") {
		return t, flagError(flag, v, "the device %q is not a path under /dev", v[:i])
	}
	rate := v[i+1:]
	switch flag {
	case flagDeviceReadBps, flagDeviceWriteBps:
		n, err := units.RAMInBytes(rate)
		if err != nil || n < 0 || rate == "" || rate[0] < '0' || rate[0] > '9' {
			return t, flagError(flag, v, "invalid rate %q: want a positive number with an optional unit (kb, mb, gb)", rate)
		}
		t.Rate = uint64(n)
	case flagBlkioWeightDevice:
		n, err := strconv.ParseUint(rate, 10, 16)
		if err != nil || n < 10 || n > 1000 {
			return t, flagError(flag, v, "invalid weight %q: want a number from 10 to 1000", rate)
		}
		t.Rate = n
	default:
		n, err := strconv.ParseUint(rate, 10, 64)
		if err != nil {
			return t, flagError(flag, v, "invalid rate %q: want a positive number of operations per second", rate)
		}
		t.Rate = n
	}
	return t, nil
}

// blockDevice returns the major and minor numbers of the throttled device.
func (t throttleReq) blockDevice() (major, minor int64, err error) {
	var st unix.Stat_t
	if err := unix.Stat(t.Path, &st); err != nil {
		return 0, 0, flagError(t.flag, t.value, "device %s: %v", t.Path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFBLK {
		return 0, 0, flagError(t.flag, t.value, "%s is not a block device", t.Path)
	}
	return int64(unix.Major(st.Rdev)), int64(unix.Minor(st.Rdev)), nil
}

// checkPersonality accepts the execution domains of the OCI spec.
func checkPersonality(v string) error {
	switch v {
	case "LINUX", "LINUX32":
		return nil
	}
	return flagError(flagPersonality, v, "want LINUX or LINUX32")
}

// checkSystemd accepts --systemd true, false or always.
func checkSystemd(v string) error {
	switch v {
	case "", "true", "false", "always":
		return nil
	}
	return flagError(flagSystemd, v, "want true, false or always")
}

// systemdCommands start systemd mode with --systemd=true, as in Podman.
var systemdCommands = map[string]bool{"/sbin/init": true, "/usr/sbin/init": true, "/usr/local/sbin/init": true}

// SystemdMode reports whether a container with options o running command
// (entrypoint + cmd) runs in Podman's systemd mode: --systemd=always, or
// true (the default) with init or systemd as the command.
func SystemdMode(o *Options, command []string) bool {
	switch o.Systemd {
	case "always":
		return true
	case "false":
		return false
	}
	return len(command) > 0 && (systemdCommands[command[0]] || path.Base(command[0]) == "systemd")
}

// checkEntryTemplate checks a --passwd-entry/--group-entry template: one
// line of colon-separated fields.
func checkEntryTemplate(flag, v string, fields int) error {
	if strings.ContainsAny(v, "\n\x00") {
		return flagError(flag, v, "the entry must be one line")
	}
	if n := strings.Count(v, ":") + 1; n != fields {
		return flagError(flag, v, "want %d colon-separated fields, got %d", fields, n)
	}
	return nil
}

// ParseLabelFile parses a --label-file: KEY=VALUE (or KEY) per line; blank
// lines and lines starting with '#' are skipped. It returns the entries in
// order, for the caller to put before --label values.
func ParseLabelFile(name string, data []byte) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasPrefix(l, "=") || strings.IndexByte(l, 0) >= 0 {
			return nil, flagError("--label-file", name, "line %d: %q has no label name", line, l)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, flagError("--label-file", name, "%v", err)
	}
	return out, nil
}

// parseRunFlags checks the run/create flags of parse_run.go.
func (p *parsed) parseRunFlags(o *Options) error {
	if o.Timezone != "" {
		if err := checkTimezone(o.Timezone); err != nil {
			return err
		}
	}
	for _, n := range o.UnsetEnv {
		if err := checkEnvName(flagUnsetEnv, n); err != nil {
			return err
		}
	}
	for _, v := range o.DeviceCgroupRules {
		r, err := parseDeviceCgroupRule(v)
		if err != nil {
			return err
		}
		p.DeviceRules = append(p.DeviceRules, r)
	}
	for _, f := range []struct {
		flag string
		vals []string
		dst  *[]throttleReq
	}{
		{flagDeviceReadBps, o.DeviceReadBps, &p.Throttle.ReadBps},
		{flagDeviceWriteBps, o.DeviceWriteBps, &p.Throttle.WriteBps},
		{flagDeviceReadIOps, o.DeviceReadIOps, &p.Throttle.ReadIOps},
		{flagDeviceWriteIOps, o.DeviceWriteIOps, &p.Throttle.WriteIOps},
		{flagBlkioWeightDevice, o.BlkioWeightDevice, &p.Throttle.WeightDevice},
	} {
		for _, v := range f.vals {
			t, err := parseThrottle(f.flag, v)
			if err != nil {
				return err
			}
			*f.dst = append(*f.dst, t)
		}
	}
	if o.BlkioWeight != 0 && (o.BlkioWeight < 10 || o.BlkioWeight > 1000) {
		return flagError(flagBlkioWeight, strconv.Itoa(int(o.BlkioWeight)), "want a weight from 10 to 1000")
	}
	if o.Personality != "" {
		if err := checkPersonality(o.Personality); err != nil {
			return err
		}
	}
	if err := checkSystemd(o.Systemd); err != nil {
		return err
	}
	if o.PasswdEntry != "" {
		if err := checkEntryTemplate(flagPasswdEntry, o.PasswdEntry, 7); err != nil {
			return err
		}
	}
	if o.GroupEntry != "" {
		if err := checkEntryTemplate(flagGroupEntry, o.GroupEntry, 4); err != nil {
			return err
		}
	}
	for _, v := range o.EnvMerge {
		if k, _, ok := strings.Cut(v, "="); !ok || k == "" || strings.IndexByte(v, 0) >= 0 {
			return flagError("--env-merge", v, "want KEY=VALUE, e.g. PATH=${PATH}:/opt/bin")
		}
	}
	for _, u := range o.HostUsers {
		if u == "" || strings.ContainsAny(u, ":\n\x00") {
			return flagError("--hostuser", u, "want a host user name or UID")
		}
	}
	for _, h := range o.AddHosts {
		if _, _, err := ParseAddHost(h); err != nil {
			return err
		}
	}
	if o.NoHosts && len(o.AddHosts) > 0 {
		return flagError(flagAddHost, o.AddHosts[0], "--no-hosts and --add-host cannot be set together")
	}
	if err := checkDNS(o); err != nil {
		return err
	}
	for _, d := range o.ChrootDirs {
		if _, err := checkContainerPath(d); err != nil {
			return flagError(flagChrootDirs, d, "%v", err)
		}
	}
	return nil
}

// throttles are the parsed block I/O flags.
type throttles struct {
	ReadBps, WriteBps, ReadIOps, WriteIOps, WeightDevice []throttleReq
}

func (t throttles) all() []throttleReq {
	var out []throttleReq
	for _, l := range [][]throttleReq{t.ReadBps, t.WriteBps, t.ReadIOps, t.WriteIOps, t.WeightDevice} {
		out = append(out, l...)
	}
	return out
}

// checkRunHostPaths checks the host files the run flags name.
func (p *parsed) checkRunHostPaths(o *Options) error {
	for _, t := range p.Throttle.all() {
		if _, _, err := t.blockDevice(); err != nil {
			return err
		}
	}
	if o.Timezone != "" {
		if _, err := timezoneFile(flagTZ, o.Timezone); err != nil {
			return err
		}
	}
	return nil
}

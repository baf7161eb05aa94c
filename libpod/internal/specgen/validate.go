package specgen

import (
	"os"
	"strconv"
	"strings"
)

// parsed holds every option of Options in parsed form. Generate builds the
// spec from it; Validate only builds it.
type parsed struct {
	Entrypoint    []string
	EntrypointSet bool
	UserName      string // -u user part ("" = the image's)
	GroupName     string // -u group part
	Mounts        []mountReq
	Devices       []deviceReq
	Security      *securityOpts
	CapAdd        []string
	CapDrop       []string
	Ulimits       []ulimitReq
	UlimitHost    bool
	UserNS        UserNS
	Res           resources
	NS            *namespaces
	StopSignal    int // 0 = unset
	Umask         *uint32
	DeviceRules   []deviceRule // --device-cgroup-rule
	Throttle      throttles    // --device-*-bps|iops, --blkio-weight-device
	More          moreResources
}

// Validate checks every option and parses every flag syntax. Errors name the
// flag and the bad value and wrap errdefs.ErrInvalidArgument. It also checks
// that host paths the options name exist (bind sources, devices, seccomp
// profile, init binary), as Podman does at create time, but it reads nothing
// from the container's root filesystem.
func Validate(o *Options) error {
	p, err := parse(o, nil)
	if err != nil {
		return err
	}
	return p.checkHostPaths(o)
}

// parse parses o; d (may be nil) supplies the namespace defaults.
func parse(o *Options, d *Defaults) (*parsed, error) {
	p := &parsed{}
	var err error
	if o.Rootfs != "" {
		if _, err := checkHostPath(o.Rootfs); err != nil {
			return nil, flagError(flagRootfs, o.Rootfs, "%v", err)
		}
	}
	if p.Entrypoint, p.EntrypointSet, err = parseEntrypoint(o.Entrypoint); err != nil {
		return nil, err
	}
	for _, e := range o.Env {
		if err := checkEnv(flagEnv, e); err != nil {
			return nil, err
		}
	}
	if o.WorkDir != "" {
		if _, err := checkContainerPath(o.WorkDir); err != nil {
			return nil, flagError(flagWorkDir, o.WorkDir, "%v", err)
		}
	}
	if o.User != "" {
		if p.UserName, p.GroupName, err = parseUserSpec(flagUser, o.User); err != nil {
			return nil, err
		}
	}
	if err := checkGroupAdd(o.GroupAdd); err != nil {
		return nil, err
	}
	if o.InitPath != "" {
		if _, err := checkHostPath(o.InitPath); err != nil {
			return nil, flagError(flagInitPath, o.InitPath, "%v", err)
		}
	}
	if o.StopSignal != "" {
		if p.StopSignal, err = parseSignal(o.StopSignal); err != nil {
			return nil, flagError(flagStopSignal, o.StopSignal, "%v", err)
		}
	}
	if o.Umask != "" {
		u, err := parseUmask(flagUmask, o.Umask)
		if err != nil {
			return nil, err
		}
		p.Umask = &u
	}
	if o.Hostname != "" {
		if err := checkHostname(o.Hostname); err != nil {
			return nil, err
		}
	}
	if err := checkKeys(flagLabel, o.Labels); err != nil {
		return nil, err
	}
	if err := checkKeys(flagAnnotation, o.Annotations); err != nil {
		return nil, err
	}
	if err := p.parseStorage(o); err != nil {
		return nil, err
	}
	for _, v := range o.Devices {
		dev, err := parseDevice(flagDevice, v)
		if err != nil {
			return nil, err
		}
		p.Devices = append(p.Devices, dev)
	}
	if err := p.parseSecurity(o); err != nil {
		return nil, err
	}
	for _, v := range o.Ulimits {
		if v == "host" {
			p.UlimitHost = true
			continue
		}
		u, err := parseUlimit(flagUlimit, v)
		if err != nil {
			return nil, err
		}
		p.Ulimits = append(p.Ulimits, u)
	}
	if p.Res, err = parseResources(o); err != nil {
		return nil, err
	}
	if o.OOMScoreAdj != nil && (*o.OOMScoreAdj < -1000 || *o.OOMScoreAdj > 1000) {
		return nil, flagError(flagOOMScoreAdj, strconv.Itoa(*o.OOMScoreAdj), "want a value from -1000 to 1000")
	}
	if err := checkCgroupsMode(o.Cgroups); err != nil {
		return nil, err
	}
	if o.Cgroups == "disabled" {
		if flag, val := p.Res.limitsAsked(o); flag != "" {
			return nil, flagError(flag, val, "resource limits need cgroups; they cannot be used with --cgroups=disabled")
		}
	}
	if o.CgroupParent != "" {
		if err := checkCgroupParent(o.CgroupParent); err != nil {
			return nil, err
		}
	}
	if err := p.parseRunFlags(o); err != nil {
		return nil, err
	}
	if p.More, err = parseMoreResources(o); err != nil {
		return nil, err
	}
	if flag, val := p.More.asked(o); flag != "" && o.Cgroups == "disabled" {
		return nil, flagError(flag, val, "resource limits need cgroups; they cannot be used with --cgroups=disabled")
	}
	if o.Cgroups == "disabled" && (len(p.Throttle.all()) > 0 || o.BlkioWeight != 0) {
		return nil, flagError(flagCgroups, o.Cgroups, "block I/O limits need cgroups; they cannot be used with --cgroups=disabled")
	}
	if p.NS, err = parseNamespaces(o, d); err != nil {
		return nil, err
	}
	if p.UserNS, err = ParseUserNS(o.UserNS); err != nil {
		return nil, err
	}
	if o.Hostname != "" && p.NS.UTS.Kind == nsHost {
		return nil, flagError(flagHostname, o.Hostname, "cannot set the hostname with --uts host")
	}
	if o.ShmSize != "" && (p.NS.IPC.Kind == nsHost || p.NS.IPC.Kind == nsNone) {
		// As Podman: there is no /dev/shm of the container's own to size.
		return nil, flagError(flagShmSize, o.ShmSize, "cannot set the size of /dev/shm with --ipc %s", p.NS.IPC.Kind)
	}
	if o.Hostname != "" && p.NS.UTS.Kind == nsContainer {
		return nil, flagError(flagHostname, o.Hostname, "cannot set the hostname when joining the UTS namespace of container %s", p.NS.UTS.Path)
	}
	for k, v := range o.Sysctls {
		if err := checkSysctl(flagSysctl, k, v, p.NS); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func checkKeys(flag string, m map[string]string) error {
	for k, v := range m {
		if k == "" || strings.ContainsAny(k, "\x00\n") || strings.IndexByte(v, 0) >= 0 {
			return flagError(flag, k+"="+v, "want KEY=VALUE with a non-empty key")
		}
	}
	return nil
}

func (p *parsed) parseStorage(o *Options) error {
	seen := map[string]mountReq{}
	add := func(m mountReq) error {
		if prev, dup := seen[m.Destination]; dup {
			return flagError(m.flag, m.value, "destination %q is already used by %s %q", m.Destination, prev.flag, prev.value)
		}
		seen[m.Destination] = m
		p.Mounts = append(p.Mounts, m)
		return nil
	}
	for _, v := range o.Volumes {
		m, err := parseVolume(v)
		if err != nil {
			return err
		}
		if err := add(m); err != nil {
			return err
		}
	}
	for _, v := range o.Mounts {
		m, err := parseMount(v)
		if err != nil {
			return err
		}
		if err := add(m); err != nil {
			return err
		}
	}
	for _, v := range o.Tmpfs {
		m, err := parseTmpfs(v)
		if err != nil {
			return err
		}
		if err := add(m); err != nil {
			return err
		}
	}
	return nil
}

func (p *parsed) parseSecurity(o *Options) error {
	var err error
	if p.Security, err = parseSecurityOpts(o.SecurityOpt); err != nil {
		return err
	}
	if p.CapAdd, err = normalizeCaps(flagCapAdd, o.CapAdd); err != nil {
		return err
	}
	if p.CapDrop, err = normalizeCaps(flagCapDrop, o.CapDrop); err != nil {
		return err
	}
	for _, c := range p.CapAdd {
		if c != "ALL" && containsStr(p.CapDrop, c) {
			return flagError(flagCapAdd, c, "capability is both added and dropped")
		}
	}
	return nil
}

// checkHostPaths checks that the host files the options name exist.
func (p *parsed) checkHostPaths(o *Options) error {
	for i := range p.Mounts {
		if err := checkBindSource(&p.Mounts[i]); err != nil {
			return err
		}
	}
	for _, d := range p.Devices {
		if _, err := d.resolve(); err != nil {
			return err
		}
	}
	if s := p.Security.Seccomp; s != "" && s != "unconfined" {
		if err := checkSeccompFile(flagSecurityOpt, p.Security.seccompFromOpt, s); err != nil {
			return err
		}
	}
	if o.Init && o.InitPath != "" {
		if err := checkInitBinary(flagInitPath, o.InitPath); err != nil {
			return err
		}
	}
	if err := p.checkRunHostPaths(o); err != nil {
		return err
	}
	if o.Rootfs != "" {
		if fi, err := os.Stat(o.Rootfs); err != nil || !fi.IsDir() {
			return flagError(flagRootfs, o.Rootfs, "not a directory on the host")
		}
	}
	for _, ns := range []struct {
		flag string
		m    nsMode
	}{{flagNetwork, p.NS.Net}, {flagPID, p.NS.PID}, {flagIPC, p.NS.IPC}, {flagUTS, p.NS.UTS}} {
		if ns.m.Kind == nsPath {
			if _, err := os.Stat(ns.m.Path); err != nil {
				return flagError(ns.flag, "ns:"+ns.m.Path, "namespace path: %v", err)
			}
		}
	}
	return nil
}

func checkInitBinary(flag, p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		if os.IsNotExist(err) {
			return flagError(flag, p, "init binary %q does not exist", p)
		}
		return flagError(flag, p, "init binary: %v", err)
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return flagError(flag, p, "init binary %q is not an executable file", p)
	}
	return nil
}

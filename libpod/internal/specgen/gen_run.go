package specgen

import (
	"os"
	"sort"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// SystemdStopSignal is the stop signal of a container in systemd mode
// (SIGRTMIN+3), unless the user or the image set one.
const SystemdStopSignal = 37

// systemdTmpfsOptions are Podman's options for systemd mode's tmpfs mounts.
var systemdTmpfsOptions = []string{"rw", "rprivate", "nosuid", "nodev", "tmpcopyup"}

// runMounts adds the mounts of --tz and systemd mode where the user mounted
// nothing, and keeps the list ordered by depth.
func (g *gen) runMounts() error {
	have := map[string]int{}
	for i, m := range g.spec.Mounts {
		have[m.Destination] = i
	}
	add := func(m specs.Mount) {
		if _, ok := have[m.Destination]; !ok {
			have[m.Destination] = len(g.spec.Mounts)
			g.spec.Mounts = append(g.spec.Mounts, m)
		}
	}
	tz := g.o.Timezone
	if tz == "" {
		tz = g.d.Tz
	}
	if tz != "" {
		flag := flagTZ
		if g.o.Timezone == "" {
			flag = "containers.conf tz"
		}
		src, err := timezoneFile(flag, tz)
		if err != nil {
			return err
		}
		add(specs.Mount{Destination: "/etc/localtime", Type: "bind", Source: src, Options: []string{"bind", "ro", "rprivate"}})
	}
	if g.res.Systemd {
		for _, d := range []string{"/run", "/run/lock", "/tmp", "/var/log/journal"} {
			add(specs.Mount{Destination: d, Type: "tmpfs", Source: "tmpfs", Options: append([]string(nil), systemdTmpfsOptions...)})
		}
		if g.h.CgroupV2 {
			if i, ok := have["/sys/fs/cgroup"]; ok && g.spec.Mounts[i].Type == "cgroup" {
				g.spec.Mounts[i].Options = []string{"rprivate", "nosuid", "noexec", "nodev", "relatime", "rw"}
			}
		} else if fi, err := os.Stat("/sys/fs/cgroup/systemd"); err == nil && fi.IsDir() {
			add(specs.Mount{Destination: "/sys/fs/cgroup/systemd", Type: "bind", Source: "/sys/fs/cgroup/systemd",
				Options: []string{"bind", "nodev", "noexec", "nosuid", "rprivate"}})
			g.spec.Linux.MaskedPaths = append(g.spec.Linux.MaskedPaths, "/sys/fs/cgroup/systemd/release_agent")
		} else {
			g.warn("--systemd: the host has no /sys/fs/cgroup/systemd hierarchy to give the container")
		}
	}
	sort.SliceStable(g.spec.Mounts, func(i, j int) bool {
		return pathDepth(g.spec.Mounts[i].Destination) < pathDepth(g.spec.Mounts[j].Destination)
	})
	return nil
}

// runResources adds --device-cgroup-rule to the device rules and the block
// I/O weights and throttles.
func (g *gen) runResources() error {
	res := g.spec.Linux.Resources
	if res == nil { // --cgroups=disabled; parse refused limits already
		return nil
	}
	for _, r := range g.p.DeviceRules {
		res.Devices = append(res.Devices, specs.LinuxDeviceCgroup{Allow: true, Type: r.Type, Major: r.Major, Minor: r.Minor, Access: r.Access})
	}
	t := g.p.Throttle
	if len(t.all()) == 0 && g.o.BlkioWeight == 0 {
		return nil
	}
	if !g.hasController("blkio") && !g.hasController("io") {
		g.warn("block I/O limits are ignored: the blkio (io) cgroup controller is not available on this host")
		return nil
	}
	bio := &specs.LinuxBlockIO{}
	weights := g.o.BlkioWeight != 0 || len(t.WeightDevice) > 0
	if weights && g.h.NoBlkioWeight {
		// Podman's warning; runc and crun fail on the missing blkio.weight file otherwise.
		g.warn("Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.")
		t.WeightDevice = nil
	} else if w := g.o.BlkioWeight; w != 0 {
		bio.Weight = &w
	}
	throttle := func(list []throttleReq) ([]specs.LinuxThrottleDevice, error) {
		var out []specs.LinuxThrottleDevice
		for _, r := range list {
			major, minor, err := r.blockDevice()
			if err != nil {
				return nil, err
			}
			d := specs.LinuxThrottleDevice{Rate: r.Rate}
			d.Major, d.Minor = major, minor
			out = append(out, d)
		}
		return out, nil
	}
	var err error
	for _, f := range []struct {
		list []throttleReq
		dst  *[]specs.LinuxThrottleDevice
	}{
		{t.ReadBps, &bio.ThrottleReadBpsDevice}, {t.WriteBps, &bio.ThrottleWriteBpsDevice},
		{t.ReadIOps, &bio.ThrottleReadIOPSDevice}, {t.WriteIOps, &bio.ThrottleWriteIOPSDevice},
	} {
		if *f.dst, err = throttle(f.list); err != nil {
			return err
		}
	}
	for _, r := range t.WeightDevice {
		major, minor, err := r.blockDevice()
		if err != nil {
			return err
		}
		w := uint16(r.Rate)
		d := specs.LinuxWeightDevice{Weight: &w}
		d.Major, d.Minor = major, minor
		bio.WeightDevice = append(bio.WeightDevice, d)
	}
	res.BlockIO = bio
	return nil
}

// personality sets --personality's execution domain.
func (g *gen) personality() error {
	if g.o.Personality != "" {
		g.spec.Linux.Personality = &specs.LinuxPersonality{Domain: specs.LinuxPersonalityDomain(g.o.Personality)}
	}
	return nil
}

// passwdEntries computes the /etc/passwd and /etc/group lines for a numeric
// user or group the container's files do not know, from --passwd-entry and
// --group-entry or Podman's default entries.
func (g *gen) passwdEntries() error {
	if g.rootfs == "" || g.o.NoPasswd {
		return nil
	}
	if err := g.keepIDUserEntry(); err != nil {
		return err
	}
	if g.o.User == "" && g.img.User == "" {
		return nil
	}
	if ku := g.o.KeepIDUser; ku != nil && g.res.UserPasswdLine != "" && g.eu.UID == ku.UID {
		return nil // the user's own entry names it
	}
	uid, gid := strconv.FormatUint(uint64(g.eu.UID), 10), strconv.FormatUint(uint64(g.eu.GID), 10)
	if g.eu.UserMissing {
		tmpl := g.o.PasswdEntry
		if tmpl == "" {
			tmpl = "$USERNAME:*:$UID:$GID:$NAME:$HOME:/bin/sh"
		}
		g.res.PasswdLine = strings.NewReplacer("$USERNAME", uid, "$UID", uid, "$GID", gid, "$NAME", "container user", "$HOME", g.home).Replace(tmpl)
	}
	if g.eu.GroupMissing {
		tmpl := g.o.GroupEntry
		if tmpl == "" {
			tmpl = "$GROUPNAME:x:$GID:$USERNAME"
		}
		g.res.GroupLine = strings.NewReplacer("$GROUPNAME", gid, "$GID", gid, "$USERNAME", uid).Replace(tmpl)
	}
	return nil
}

// FileMount is a host file bound into a container (the managed /etc files).
type FileMount struct {
	Destination, Source string
	ReadOnly            bool // mounted read-only whatever the root filesystem is (secrets)
}

// MountDestinations returns the destinations spec mounts something on.
func MountDestinations(spec *specs.Spec) map[string]bool {
	m := make(map[string]bool, len(spec.Mounts))
	for _, mnt := range spec.Mounts {
		m[mnt.Destination] = true
	}
	return m
}

// AddFileMounts binds files into spec where nothing is mounted yet (read-only
// with a read-only root filesystem, as Podman does), keeping the mounts
// ordered by depth.
func AddFileMounts(spec *specs.Spec, files []FileMount) {
	have := MountDestinations(spec)
	for _, f := range files {
		if have[f.Destination] {
			continue
		}
		have[f.Destination] = true
		opts := []string{"bind", "rprivate"}
		if f.ReadOnly || (spec.Root != nil && spec.Root.Readonly) {
			opts = append(opts, "ro", "nosuid", "noexec", "nodev")
		}
		spec.Mounts = append(spec.Mounts, specs.Mount{Destination: f.Destination, Type: "bind", Source: f.Source, Options: opts})
	}
	sort.SliceStable(spec.Mounts, func(i, j int) bool {
		return pathDepth(spec.Mounts[i].Destination) < pathDepth(spec.Mounts[j].Destination)
	})
}

// keepIDUserEntry adds, for --userns keep-id, the host user's passwd entry
// (and a group of its own) when the image has no user of that name or uid,
// as Podman 4.3 does: home is the user's home when something is mounted
// there, else the working directory; --passwd-entry is the template if given.
func (g *gen) keepIDUserEntry() error {
	ku := g.o.KeepIDUser
	if ku == nil {
		return nil
	}
	f := &idFiles{rootfs: g.rootfs}
	users, err := f.users()
	if err != nil {
		return err
	}
	for _, e := range users {
		if e.Name == ku.Name || e.UID == ku.UID {
			return nil
		}
	}
	home := cleanPath(firstNonEmptyStr(g.o.WorkDir, g.img.WorkingDir, "/"))
	for _, v := range append(append([]string(nil), g.o.Volumes...), g.o.Mounts...) {
		if volumeDestination(v) == ku.Home {
			home = ku.Home
		}
	}
	uid, gid := strconv.FormatUint(uint64(ku.UID), 10), strconv.FormatUint(uint64(ku.GID), 10)
	tmpl := g.o.PasswdEntry
	if tmpl == "" {
		tmpl = "$USERNAME:*:$UID:$GID:$NAME:$HOME:/bin/sh"
	}
	g.res.UserPasswdLine = strings.NewReplacer("$USERNAME", ku.Name, "$UID", uid, "$GID", gid, "$NAME", ku.GECOS, "$HOME", home).Replace(tmpl)
	groups, err := f.groups()
	if err != nil {
		return err
	}
	for _, e := range groups {
		if e.GID == ku.GID {
			return nil
		}
	}
	g.res.UserGroupLine = ku.Name + ":x:" + gid + ":" + ku.Name
	return nil
}

func firstNonEmptyStr(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// volumeDestination is the container path of a -v SRC:DST[:OPTS] or a
// --mount …,destination=DST value ("" if none).
func volumeDestination(v string) string {
	if strings.Contains(v, "=") {
		for _, kv := range strings.Split(v, ",") {
			if k, val, ok := strings.Cut(kv, "="); ok && (k == "destination" || k == "dst" || k == "target") {
				return cleanPath(val)
			}
		}
		return ""
	}
	parts := strings.Split(v, ":")
	if len(parts) < 2 {
		return cleanPath(parts[0])
	}
	return cleanPath(parts[1])
}

package libpod

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/user"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.podman.io/storage/pkg/unshare"
)

// Host probes for `pod info`: each reads one file or asks one program, the
// way Podman computes the same key.

// cgroupInfo returns the cgroup version and the controllers available: on
// v2 the root's cgroup.controllers, on v1 the mounted hierarchies of
// /proc/cgroups in the kernel's order.
func cgroupInfo() (string, []string) {
	var st syscall.Statfs_t
	if syscall.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == 0x63677270 {
		data, _ := os.ReadFile("/sys/fs/cgroup/cgroup.controllers")
		return "v2", strings.Fields(string(data))
	}
	data, _ := os.ReadFile("/proc/cgroups")
	ctrls := []string{}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || strings.HasPrefix(f[0], "#") || f[1] == "0" || f[3] != "1" {
			continue
		}
		// As Podman: the controllers mounted on this host's cgroup tree
		// (a hierarchy mounted only in another mount namespace, e.g. by
		// a systemd in a container, is not this host's).
		if _, err := os.Stat("/sys/fs/cgroup/" + f[0]); err == nil {
			ctrls = append(ctrls, f[0])
		}
	}
	return "v1", ctrls
}

// osRelease reads the distribution from an os-release file.
func osRelease(path string) DistributionInfo {
	var d DistributionInfo
	data, err := os.ReadFile(path)
	if err != nil {
		return d
	}
	for _, l := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			continue
		}
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		} else {
			v = strings.Trim(v, `"'`)
		}
		switch k {
		case "ID":
			d.Distribution = v
		case "VARIANT_ID":
			d.Variant = v
		case "VERSION_ID":
			d.Version = v
		case "VERSION_CODENAME":
			d.Codename = v
		}
	}
	return d
}

// cpuUtilization is the user, system and idle share of CPU time since boot
// (the first line of /proc/stat), rounded to two decimals as Podman does.
func cpuUtilization() CPUUsage {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return CPUUsage{}
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return CPUUsage{}
	}
	return statToPercent(strings.Fields(sc.Text()))
}

func statToPercent(f []string) CPUUsage {
	if len(f) < 5 || f[0] != "cpu" {
		return CPUUsage{}
	}
	var v [3]float64
	for i, col := range []int{1, 3, 4} {
		v[i], _ = strconv.ParseFloat(f[col], 64)
	}
	total := v[0] + v[1] + v[2]
	if total == 0 {
		return CPUUsage{}
	}
	pct := func(x float64) float64 { return math.Round(x/total*100*100) / 100 }
	return CPUUsage{UserPercent: pct(v[0]), SystemPercent: pct(v[1]), IdlePercent: pct(v[2])}
}

// uptime formats /proc/uptime as Podman does: "1h 2m 3.00s", with the
// approximate days added past a day.
func uptime() string {
	data, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return ""
	}
	secs, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return ""
	}
	return formatUptime(time.Duration(secs * float64(time.Second)))
}

func formatUptime(d time.Duration) string {
	secs := d.Seconds()
	var hours, minutes float64
	if secs > 60 {
		minutes = math.Floor(secs / 60)
		secs -= minutes * 60
	}
	if minutes > 60 {
		hours = math.Floor(minutes / 60)
		minutes -= hours * 60
	}
	s := fmt.Sprintf("%.0fh %.0fm %.2fs", hours, minutes, secs)
	if hours > 24 {
		s += fmt.Sprintf(" (Approximately %.2f days)", hours/24)
	}
	return s
}

// idMappings are the user's subordinate ID ranges when rootless (container
// ID 0 is the user, 1… the /etc/subuid and /etc/subgid range); nil for root.
func idMappings() IDMappings {
	uid, gid := unshare.GetRootlessUID(), unshare.GetRootlessGID()
	if uid == 0 {
		return IDMappings{}
	}
	name := strconv.Itoa(uid)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	return IDMappings{
		UIDMap: subIDMap("/etc/subuid", name, uid),
		GIDMap: subIDMap("/etc/subgid", name, gid),
	}
}

func subIDMap(file, name string, id int) []IDMap {
	m := []IDMap{{ContainerID: 0, HostID: id, Size: 1}}
	data, _ := os.ReadFile(file)
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Split(strings.TrimSpace(l), ":")
		if len(f) != 3 || (f[0] != name && f[0] != strconv.Itoa(id)) {
			continue
		}
		start, err1 := strconv.Atoi(f[1])
		size, err2 := strconv.Atoi(f[2])
		if err1 == nil && err2 == nil {
			m = append(m, IDMap{ContainerID: 1, HostID: start, Size: size})
			break
		}
	}
	return m
}

func seccompEnabled() bool {
	data, err := os.ReadFile("/proc/self/status")
	return err == nil && strings.Contains(string(data), "Seccomp:")
}

func apparmorEnabled() bool {
	data, err := os.ReadFile("/sys/module/apparmor/parameters/enabled")
	return err == nil && strings.HasPrefix(string(data), "Y")
}

func selinuxEnabled() bool {
	var st syscall.Statfs_t
	return syscall.Statfs("/sys/fs/selinux", &st) == nil && uint32(st.Type) == 0xf97cff8c
}

// normalizeCaps upper-cases capability names, adds the CAP_ prefix and
// sorts them, as Podman prints containers.conf's default_capabilities.
func normalizeCaps(caps []string) []string {
	out := make([]string, 0, len(caps))
	for _, c := range caps {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		if !strings.HasPrefix(c, "CAP_") {
			c = "CAP_" + c
		}
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// linkmode says how the pod binary was linked, as Podman's linkmode key.
func linkmode() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, s := range bi.Settings {
		if s.Key == "CGO_ENABLED" && s.Value == "0" {
			return "static"
		}
		if s.Key == "-ldflags" && strings.Contains(s.Value, "-static") {
			return "static"
		}
	}
	return "dynamic"
}

// packageOf names the distribution package that owns path (rpm, dpkg,
// pacman or apk), or "Unknown" as Podman says.
func packageOf(ctx context.Context, path string) string {
	if _, err := os.Stat(path); err != nil {
		return "Unknown"
	}
	if _, err := os.Stat("/usr/bin/rpm"); err == nil {
		if out := commandOutput(ctx, "/usr/bin/rpm", "-q", "-f", path); out != "" {
			return firstLine(out)
		}
	}
	if _, err := os.Stat("/usr/bin/dpkg"); err == nil {
		if out := commandOutput(ctx, "/usr/bin/dpkg", "-S", path); out != "" {
			pkg, _, _ := strings.Cut(firstLine(out), ":")
			if v := commandOutput(ctx, "/usr/bin/dpkg-query", "-f", "${Package}_${Version}_${Architecture}", "-W", pkg); v != "" {
				return v
			}
			return pkg
		}
	}
	for _, q := range [][]string{{"/usr/bin/pacman", "-Qo"}, {"/sbin/apk", "info", "-W"}} {
		if _, err := os.Stat(q[0]); err == nil {
			if out := commandOutput(ctx, q[0], append(q[1:], path)...); out != "" {
				return firstLine(out)
			}
		}
	}
	return "Unknown"
}

func utsString(b []int8) string {
	var s []byte
	for _, c := range b {
		if c == 0 {
			break
		}
		s = append(s, byte(c))
	}
	return string(s)
}

// commandOutput runs a program briefly and returns its trimmed stdout.
func commandOutput(ctx context.Context, path string, args ...string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.WaitDelay = time.Second
	out, _ := cmd.Output()
	return strings.TrimSpace(string(out))
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// NewVersionInfo describes this pod binary: version is pod's version, the
// commit and build time come from the Go build's VCS stamp when present.
func NewVersionInfo(version string) VersionInfo {
	v := VersionInfo{APIVersion: version, Version: version, GoVersion: runtime.Version(), OsArch: runtime.GOOS + "/" + runtime.GOARCH, Os: runtime.GOOS}
	if bi, ok := debug.ReadBuildInfo(); ok {
		modified := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.GitCommit = s.Value
			case "vcs.time":
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					v.Built = t.Unix()
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && v.GitCommit != "" {
			v.GitCommit += "-dirty"
		}
	}
	v.BuiltTime = time.Unix(v.Built, 0).Format(time.ANSIC)
	return v
}

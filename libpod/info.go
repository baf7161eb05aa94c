package libpod

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/pod-engine/pod/pkg/ocirt"
)

// Info is `pod info`: the host, every runtime found, the monitor and the
// store, in Podman's layout (keys are Podman's where it has them).
type Info struct {
	Host    HostInfo    `json:"host" yaml:"host"`
	Store   StoreInfo   `json:"store" yaml:"store"`
	Version VersionInfo `json:"version" yaml:"version"`
}

// HostInfo describes the machine.
type HostInfo struct {
	Arch              string            `json:"arch" yaml:"arch"`
	CgroupManager     string            `json:"cgroupManager" yaml:"cgroupManager"`
	CgroupVersion     string            `json:"cgroupVersion" yaml:"cgroupVersion"`
	CgroupControllers []string          `json:"cgroupControllers" yaml:"cgroupControllers"`
	Conmon            ComponentInfo     `json:"conmon" yaml:"conmon"`
	CPUs              int               `json:"cpus" yaml:"cpus"`
	Distribution      map[string]string `json:"distribution" yaml:"distribution"`
	Hostname          string            `json:"hostname" yaml:"hostname"`
	Kernel            string            `json:"kernel" yaml:"kernel"`
	LogDriver         string            `json:"logDriver" yaml:"logDriver"`
	MemFree           int64             `json:"memFree" yaml:"memFree"`
	MemTotal          int64             `json:"memTotal" yaml:"memTotal"`
	OCIRuntime        ComponentInfo     `json:"ociRuntime" yaml:"ociRuntime"`
	OCIRuntimes       []RuntimeInfo     `json:"ociRuntimes" yaml:"ociRuntimes"`
	OS                string            `json:"os" yaml:"os"`
	Security          SecurityInfo      `json:"security" yaml:"security"`
	Uptime            string            `json:"uptime" yaml:"uptime"`
}

// ComponentInfo is a binary pod uses.
type ComponentInfo struct {
	Name    string `json:"name,omitempty" yaml:"name,omitempty"`
	Path    string `json:"path" yaml:"path"`
	Version string `json:"version" yaml:"version"`
}

// RuntimeInfo is one runtime as `pod info` and `pod runtime ls` show it.
type RuntimeInfo struct {
	Name      string          `json:"name" yaml:"name"`
	Kind      string          `json:"kind" yaml:"kind"`
	Path      string          `json:"path" yaml:"path"`
	Version   string          `json:"version" yaml:"version"`
	Features  []string        `json:"features" yaml:"features"`
	Default   bool            `json:"default" yaml:"default"`
	Available bool            `json:"available" yaml:"available"`
	Reason    string          `json:"reason,omitempty" yaml:"reason,omitempty"`
	Flags     []string        `json:"flags,omitempty" yaml:"flags,omitempty"`
	Raw       json.RawMessage `json:"featuresJSON,omitempty" yaml:"-"`
	// Capabilities says what the runtime can do, and where pod learnt it.
	Capabilities ocirt.Caps `json:"capabilities,omitempty" yaml:"capabilities,omitempty"`
}

// SecurityInfo is the host's security setup.
type SecurityInfo struct {
	Rootless       bool `json:"rootless" yaml:"rootless"`
	SELinuxEnabled bool `json:"selinuxEnabled" yaml:"selinuxEnabled"`
	SeccompEnabled bool `json:"seccompEnabled" yaml:"seccompEnabled"`
}

// StoreInfo describes pod's storage.
type StoreInfo struct {
	ConfigFile     string         `json:"configFile" yaml:"configFile"`
	ContainerStore ContainerCount `json:"containerStore" yaml:"containerStore"`
	GraphRoot      string         `json:"graphRoot" yaml:"graphRoot"`
	RunRoot        string         `json:"runRoot" yaml:"runRoot"`
	StateDB        string         `json:"stateDatabase" yaml:"stateDatabase"`
	TmpDir         string         `json:"tmpDir" yaml:"tmpDir"`
}

// ContainerCount counts containers by state.
type ContainerCount struct {
	Number  int `json:"number" yaml:"number"`
	Paused  int `json:"paused" yaml:"paused"`
	Running int `json:"running" yaml:"running"`
	Stopped int `json:"stopped" yaml:"stopped"`
}

// VersionInfo is pod's own version.
type VersionInfo struct {
	APIVersion string `json:"APIVersion" yaml:"APIVersion"`
	Version    string `json:"Version" yaml:"Version"`
	GoVersion  string `json:"GoVersion" yaml:"GoVersion"`
	OsArch     string `json:"OsArch" yaml:"OsArch"`
	Os         string `json:"Os" yaml:"Os"`
}

// Runtimes probes and describes every runtime the host offers.
func (r *Runtime) Runtimes(ctx context.Context) []RuntimeInfo {
	var out []RuntimeInfo
	for _, i := range r.registry.List(ctx) {
		out = append(out, runtimeInfo(i))
	}
	return out
}

// InspectRuntime describes the runtime a new container asking for name
// (empty: the default) would get, with its capabilities.
func (r *Runtime) InspectRuntime(ctx context.Context, name string) (RuntimeInfo, error) {
	i, err := r.registry.Inspect(ctx, name)
	if err != nil {
		return RuntimeInfo{}, err
	}
	return runtimeInfo(i), nil
}

func runtimeInfo(i ocirt.Info) RuntimeInfo {
	ri := RuntimeInfo{
		Name: i.Name, Kind: string(i.Kind), Path: i.Path, Version: i.Version,
		Features: FeatureSummary(i.Features), Default: i.Default, Available: i.Available,
		Reason: i.Reason, Flags: i.Flags, Raw: i.Features, Capabilities: i.Capabilities,
	}
	if ri.Features == nil {
		ri.Features = []string{}
	}
	return ri
}

// FeatureSummary condenses an OCI `features` document into short words:
// seccomp, apparmor, selinux, cgroup v1/v2/systemd, idmap, and the
// namespaces count.
func FeatureSummary(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var f struct {
		OCIVersionMax string `json:"ociVersionMax"`
		Linux         *struct {
			Namespaces []string `json:"namespaces"`
			Cgroup     *struct {
				V1      *bool `json:"v1"`
				V2      *bool `json:"v2"`
				Systemd *bool `json:"systemd"`
			} `json:"cgroup"`
			Seccomp *struct {
				Enabled *bool `json:"enabled"`
			} `json:"seccomp"`
			Apparmor *struct {
				Enabled *bool `json:"enabled"`
			} `json:"apparmor"`
			Selinux *struct {
				Enabled *bool `json:"enabled"`
			} `json:"selinux"`
			MountExtensions *struct {
				IDMap *struct {
					Enabled *bool `json:"enabled"`
				} `json:"idmap"`
			} `json:"mountExtensions"`
		} `json:"linux"`
	}
	if json.Unmarshal(raw, &f) != nil {
		return []string{"(unparsable)"}
	}
	var out []string
	if f.OCIVersionMax != "" {
		out = append(out, "oci-"+f.OCIVersionMax)
	}
	on := func(b *bool) bool { return b != nil && *b }
	if l := f.Linux; l != nil {
		if l.Seccomp != nil && on(l.Seccomp.Enabled) {
			out = append(out, "seccomp")
		}
		if l.Apparmor != nil && on(l.Apparmor.Enabled) {
			out = append(out, "apparmor")
		}
		if l.Selinux != nil && on(l.Selinux.Enabled) {
			out = append(out, "selinux")
		}
		if c := l.Cgroup; c != nil {
			if on(c.V1) {
				out = append(out, "cgroupv1")
			}
			if on(c.V2) {
				out = append(out, "cgroupv2")
			}
			if on(c.Systemd) {
				out = append(out, "systemd")
			}
		}
		if m := l.MountExtensions; m != nil && m.IDMap != nil && on(m.IDMap.Enabled) {
			out = append(out, "idmap")
		}
	}
	return out
}

// Info gathers `pod info`.
func (r *Runtime) Info(ctx context.Context) (*Info, error) {
	i := &Info{}
	h := &i.Host
	h.Arch, h.OS = runtime.GOARCH, runtime.GOOS
	h.CgroupManager = r.cfg.Engine.CgroupManager
	h.CgroupVersion, h.CgroupControllers = cgroupInfo()
	h.CPUs = runtime.NumCPU()
	h.Distribution = osRelease()
	h.Hostname, _ = os.Hostname()
	var u syscall.Utsname
	if syscall.Uname(&u) == nil {
		h.Kernel = utsString(u.Release[:])
	}
	h.LogDriver = r.cfg.Containers.LogDriver
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) == nil {
		h.MemFree = int64(si.Freeram) * int64(si.Unit)
		h.MemTotal = int64(si.Totalram) * int64(si.Unit)
		h.Uptime = (time.Duration(si.Uptime) * time.Second).String()
	}
	if mon, err := r.monitorPath(); err == nil {
		h.Conmon = ComponentInfo{Path: mon, Version: firstLine(commandOutput(ctx, mon, "--version"))}
	}
	h.OCIRuntimes = r.Runtimes(ctx)
	def := r.registry.DefaultName()
	for _, rt := range h.OCIRuntimes {
		if rt.Name == def {
			h.OCIRuntime = ComponentInfo{Name: rt.Name, Path: rt.Path, Version: rt.Version}
		}
	}
	h.Security = SecurityInfo{Rootless: os.Geteuid() != 0, SeccompEnabled: seccompEnabled()}
	s := &i.Store
	s.ConfigFile = os.Getenv("CONTAINERS_CONF")
	if s.ConfigFile == "" {
		s.ConfigFile = "/etc/containers/containers.conf"
	}
	s.GraphRoot, s.RunRoot, s.TmpDir, s.StateDB = r.paths.GraphRoot, r.paths.RunRoot, r.paths.TmpDir, r.paths.State
	cs, err := r.Containers()
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		s.ContainerStore.Number++
		switch c.Status() {
		case StatusRunning:
			s.ContainerStore.Running++
		case StatusPaused:
			s.ContainerStore.Paused++
		default:
			s.ContainerStore.Stopped++
		}
	}
	i.Version = VersionInfo{GoVersion: runtime.Version(), OsArch: runtime.GOOS + "/" + runtime.GOARCH, Os: runtime.GOOS}
	return i, nil
}

func cgroupInfo() (string, []string) {
	var st syscall.Statfs_t
	if syscall.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == 0x63677270 {
		data, _ := os.ReadFile("/sys/fs/cgroup/cgroup.controllers")
		return "v2", strings.Fields(string(data))
	}
	data, _ := os.ReadFile("/proc/cgroups")
	var ctrls []string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 4 && !strings.HasPrefix(f[0], "#") && f[3] == "1" {
			ctrls = append(ctrls, f[0])
		}
	}
	sort.Strings(ctrls)
	return "v1", ctrls
}

func osRelease() map[string]string {
	out := map[string]string{}
	data, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return out
	}
	for _, l := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"`)
		switch k {
		case "ID":
			out["distribution"] = v
		case "VERSION_ID":
			out["version"] = v
		case "VERSION_CODENAME":
			out["codename"] = v
		}
	}
	return out
}

func seccompEnabled() bool {
	data, err := os.ReadFile("/proc/self/status")
	return err == nil && strings.Contains(string(data), "Seccomp:")
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

func commandOutput(ctx context.Context, path string, args ...string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, path, args...).Output()
	return strings.TrimSpace(string(out))
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

package libpod

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"

	"go.podman.io/storage/drivers/overlay"
	"go.podman.io/storage/pkg/unshare"
	storagetypes "go.podman.io/storage/types"

	"github.com/pod-engine/pod/pkg/ocirt"
)

// Info is `pod info`: Podman's keys under Podman's template paths
// ({{.Host.Distribution.Distribution}}, {{.Store.GraphRoot}}…), plus pod's
// own: host.ociRuntimes (every runtime, found or not), store.stateDatabase
// and store.tmpDir.
type Info struct {
	Host       HostInfo       `json:"host"`
	Store      StoreInfo      `json:"store"`
	Registries map[string]any `json:"registries"`
	Plugins    Plugins        `json:"plugins"`
	Version    VersionInfo    `json:"version"`
}

// HostInfo describes the machine and the engine's components.
type HostInfo struct {
	Arch              string           `json:"arch"`
	BuildahVersion    string           `json:"buildahVersion"` // pod links no Buildah: empty
	CgroupManager     string           `json:"cgroupManager"`
	CgroupsVersion    string           `json:"cgroupVersion"`
	CgroupControllers []string         `json:"cgroupControllers"`
	Conmon            ConmonInfo       `json:"conmon"`
	CPUs              int              `json:"cpus"`
	CPUUtilization    CPUUsage         `json:"cpuUtilization"`
	Distribution      DistributionInfo `json:"distribution"`
	EventLogger       string           `json:"eventLogger"`
	Hostname          string           `json:"hostname"`
	IDMappings        IDMappings       `json:"idMappings"`
	Kernel            string           `json:"kernel"`
	LogDriver         string           `json:"logDriver"`
	MemFree           int64            `json:"memFree"`
	MemTotal          int64            `json:"memTotal"`
	NetworkBackend    string           `json:"networkBackend"`
	OCIRuntime        OCIRuntimeInfo   `json:"ociRuntime"`
	OCIRuntimes       []RuntimeInfo    `json:"ociRuntimes"`
	OS                string           `json:"os"`
	RemoteSocket      RemoteSocket     `json:"remoteSocket"`
	ServiceIsRemote   bool             `json:"serviceIsRemote"`
	Security          SecurityInfo     `json:"security"`
	Slirp4NetNS       SlirpInfo        `json:"slirp4netns"`
	SwapFree          int64            `json:"swapFree"`
	SwapTotal         int64            `json:"swapTotal"`
	Uptime            string           `json:"uptime"`
	Linkmode          string           `json:"linkmode"`
}

// ConmonInfo is the monitor binary.
type ConmonInfo struct {
	Package string `json:"package"`
	Path    string `json:"path"`
	Version string `json:"version"`
}

// OCIRuntimeInfo is the default runtime for new containers.
type OCIRuntimeInfo struct {
	Name    string `json:"name"`
	Package string `json:"package"`
	Path    string `json:"path"`
	Version string `json:"version"`
}

// SlirpInfo is the network command (network_cmd_path, else slirp4netns).
type SlirpInfo struct {
	Executable string `json:"executable"`
	Package    string `json:"package"`
	Version    string `json:"version"`
}

// CPUUsage is the share of CPU time since boot, in percent.
type CPUUsage struct {
	UserPercent   float64 `json:"userPercent"`
	SystemPercent float64 `json:"systemPercent"`
	IdlePercent   float64 `json:"idlePercent"`
}

// DistributionInfo comes from /etc/os-release.
type DistributionInfo struct {
	Distribution string `json:"distribution"`
	Variant      string `json:"variant,omitempty"`
	Version      string `json:"version"`
	Codename     string `json:"codename,omitempty"`
}

// IDMappings are a rootless user's mappings (null for root).
type IDMappings struct {
	GIDMap []IDMap `json:"gidmap"`
	UIDMap []IDMap `json:"uidmap"`
}

// IDMap is one range of an ID mapping.
type IDMap struct {
	ContainerID int `json:"container_id"`
	HostID      int `json:"host_id"`
	Size        int `json:"size"`
}

// RemoteSocket is the API socket; pod has no service, so it is empty.
type RemoteSocket struct {
	Path   string `json:"path"`
	Exists bool   `json:"exists,omitempty"`
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

// RootlessSupport says whether the runtime runs containers for an ordinary
// user: "yes", "no" (with why) or "-" when pod could not tell.
func (i RuntimeInfo) RootlessSupport() string {
	c, ok := i.Capabilities[ocirt.CapRootless]
	switch {
	case !ok:
		return "-"
	case c.Has:
		return "yes"
	}
	return "no"
}

// SecurityInfo is the host's security setup.
type SecurityInfo struct {
	AppArmorEnabled     bool   `json:"apparmorEnabled"`
	DefaultCapabilities string `json:"capabilities"`
	Rootless            bool   `json:"rootless"`
	SECCOMPEnabled      bool   `json:"seccompEnabled"`
	SECCOMPProfilePath  string `json:"seccompProfilePath"`
	SELinuxEnabled      bool   `json:"selinuxEnabled"`
}

// StoreInfo describes the storage pod shares with Podman, and pod's state.
type StoreInfo struct {
	ConfigFile         string            `json:"configFile"` // storage.conf
	ContainerStore     ContainerCount    `json:"containerStore"`
	GraphDriverName    string            `json:"graphDriverName"`
	GraphOptions       map[string]any    `json:"graphOptions"`
	GraphRoot          string            `json:"graphRoot"`
	GraphRootAllocated uint64            `json:"graphRootAllocated"`
	GraphRootUsed      uint64            `json:"graphRootUsed"`
	GraphStatus        map[string]string `json:"graphStatus"`
	ImageCopyTmpDir    string            `json:"imageCopyTmpDir"`
	ImageStore         ImageCount        `json:"imageStore"`
	RunRoot            string            `json:"runRoot"`
	VolumePath         string            `json:"volumePath"`
	StateDB            string            `json:"stateDatabase"` // pod's own
	TmpDir             string            `json:"tmpDir"`        // pod's own
}

// ContainerCount counts pod's containers by state.
type ContainerCount struct {
	Number  int `json:"number"`
	Paused  int `json:"paused"`
	Running int `json:"running"`
	Stopped int `json:"stopped"`
}

// ImageCount counts the images in the store.
type ImageCount struct {
	Number int `json:"number"`
}

// Plugins are the drivers pod offers per kind.
type Plugins struct {
	Volume        []string `json:"volume"`
	Network       []string `json:"network"`
	Log           []string `json:"log"`
	Authorization []string `json:"authorization"`
}

// VersionInfo is pod's version, as `podman version` names its fields.
type VersionInfo struct {
	APIVersion string `json:"APIVersion"`
	Version    string `json:"Version"`
	GoVersion  string `json:"GoVersion"`
	GitCommit  string `json:"GitCommit"`
	BuiltTime  string `json:"BuiltTime"`
	Built      int64  `json:"Built"`
	OsArch     string `json:"OsArch"`
	Os         string `json:"Os"`
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
	var f ocirt.Features
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

// Info gathers `pod info`; version is pod's version string.
func (r *Runtime) Info(ctx context.Context, version string) (*Info, error) {
	i := &Info{Version: NewVersionInfo(version)}
	h := &i.Host
	h.Arch, h.OS = runtime.GOARCH, runtime.GOOS
	h.CgroupManager = r.cfg.Engine.CgroupManager
	h.CgroupsVersion, h.CgroupControllers = cgroupInfo()
	h.CPUs = runtime.NumCPU()
	h.CPUUtilization = cpuUtilization()
	h.Distribution = osRelease("/etc/os-release")
	h.EventLogger = r.cfg.Engine.EventsLogger
	h.Hostname, _ = os.Hostname()
	h.IDMappings = idMappings()
	var u syscall.Utsname
	if syscall.Uname(&u) == nil {
		h.Kernel = utsString(u.Release[:])
	}
	h.LogDriver = r.cfg.Containers.LogDriver
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) == nil {
		unit := int64(si.Unit)
		h.MemFree, h.MemTotal = int64(si.Freeram)*unit, int64(si.Totalram)*unit
		h.SwapFree, h.SwapTotal = int64(si.Freeswap)*unit, int64(si.Totalswap)*unit
	}
	h.Uptime = uptime()
	h.NetworkBackend = r.Networks().Backend()
	h.Linkmode = linkmode()
	h.Security = SecurityInfo{
		AppArmorEnabled:     apparmorEnabled(),
		DefaultCapabilities: strings.Join(normalizeCaps(r.cfg.Containers.DefaultCapabilities.Get()), ","),
		Rootless:            unshare.IsRootless(),
		SECCOMPEnabled:      seccompEnabled(),
		SECCOMPProfilePath:  r.seccompProfilePath(),
		SELinuxEnabled:      selinuxEnabled(),
	}
	h.OCIRuntimes = r.Runtimes(ctx)
	def := r.registry.DefaultName()
	for _, rt := range h.OCIRuntimes {
		if rt.Name == def {
			h.OCIRuntime = OCIRuntimeInfo{Name: rt.Name, Path: rt.Path, Version: rt.Version}
		}
	}
	if mon, err := r.monitorPath(); err == nil {
		h.Conmon.Path = mon
	}
	h.Slirp4NetNS.Executable = r.cfg.Engine.NetworkCmdPath
	if h.Slirp4NetNS.Executable == "" {
		h.Slirp4NetNS.Executable, _ = lookPath("slirp4netns")
	}
	// Versions and packages come from other programs: ask them in parallel.
	var wg sync.WaitGroup
	// version: nil for none, else --version's first line (whole with
	// wholeVersion: Podman prints slirp4netns's every line).
	probe := func(path string, version, pkg *string, wholeVersion bool) {
		if path == "" {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if version != nil {
				out := commandOutput(ctx, path, "--version")
				if wholeVersion {
					*version = strings.TrimSpace(out)
				} else {
					*version = firstLine(out)
				}
			}
			*pkg = packageOf(ctx, path)
		}()
	}
	probe(h.Conmon.Path, &h.Conmon.Version, &h.Conmon.Package, false)
	probe(h.OCIRuntime.Path, nil, &h.OCIRuntime.Package, false)
	probe(h.Slirp4NetNS.Executable, &h.Slirp4NetNS.Version, &h.Slirp4NetNS.Package, true)
	err := r.storeInfo(ctx, i)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	// The drivers pod offers, listed as Podman 4.3.1 lists them.
	i.Plugins = Plugins{Volume: []string{"local"}, Network: []string{"bridge", "macvlan"}, Log: []string{"k8s-file", "none", "passthrough", "journald"}}
	return i, nil
}

// storeInfo fills the store section and the registries.
func (r *Runtime) storeInfo(ctx context.Context, i *Info) error {
	s := &i.Store
	s.ConfigFile, _ = storagetypes.DefaultConfigFile()
	s.GraphRoot, s.RunRoot, s.TmpDir, s.StateDB = r.paths.GraphRoot, r.paths.RunRoot, r.paths.TmpDir, r.paths.State
	s.VolumePath = r.paths.Volumes
	s.ImageCopyTmpDir, _ = r.cfg.ImageCopyTmpDir()
	images, err := r.images() // creates the graph root on first use
	if err != nil {
		return err
	}
	var st syscall.Statfs_t
	if syscall.Statfs(s.GraphRoot, &st) == nil {
		s.GraphRootAllocated = uint64(st.Bsize) * st.Blocks
		s.GraphRootUsed = uint64(st.Bsize) * (st.Blocks - st.Bfree)
	}
	ss := images.Storage()
	s.GraphDriverName = ss.GraphDriverName()
	s.GraphOptions = graphOptions(ctx, withFoundMountProgram(s.GraphDriverName, s.GraphRoot, s.RunRoot, ss.GraphOptions()))
	s.GraphStatus = map[string]string{}
	if status, err := ss.Status(); err == nil {
		for _, kv := range status {
			s.GraphStatus[kv[0]] = kv[1]
		}
	}
	imgs, err := ss.Images()
	if err != nil {
		return fmt.Errorf("listing images in %s: %w", s.GraphRoot, err)
	}
	s.ImageStore.Number = len(imgs)
	if i.Registries, err = images.Registries(); err != nil {
		return err
	}
	cs, err := r.Containers()
	if err != nil {
		return err
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
	return nil
}

// withFoundMountProgram adds the mount program go.podman.io/storage's overlay
// driver picks by itself (fuse-overlayfs from $PATH where native overlay is not
// available, e.g. a rootless store first made with a mount program) to opts
// when storage.conf names none, so info shows what mounts the layers. The
// answer is storage's own (overlay.SupportsNativeOverlay, cached in the
// store), asked only here, not on the run path.
func withFoundMountProgram(driver, graphRoot, runRoot string, opts []string) []string {
	if driver != "overlay" {
		return opts
	}
	for _, o := range opts {
		if k, _, _ := strings.Cut(o, "="); strings.HasSuffix(k, "mount_program") {
			return opts
		}
	}
	native, err := overlay.SupportsNativeOverlay(filepath.Join(graphRoot, "overlay"), filepath.Join(runRoot, "overlay"))
	if err != nil || native {
		return opts
	}
	p, err := exec.LookPath("fuse-overlayfs")
	if err != nil {
		return opts
	}
	return append(append([]string(nil), opts...), "overlay.mount_program="+p)
}

// graphOptions turns the driver's KEY=VALUE options into Podman's map; a
// mount_program becomes its executable, package and version (its whole
// --version output, as Podman's version.Program).
func graphOptions(ctx context.Context, opts []string) map[string]any {
	out := map[string]any{}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		if strings.HasSuffix(k, "mount_program") {
			out[k] = map[string]string{"Executable": v, "Package": packageOf(ctx, v), "Version": commandOutput(ctx, v, "--version")}
			continue
		}
		out[k] = v
	}
	return out
}

// seccompProfilePath is the profile new containers get: containers.conf's
// seccomp_profile when that file exists, else "" (the built-in default).
func (r *Runtime) seccompProfilePath() string {
	p := r.cfg.Containers.SeccompProfile
	if p == "" || p == "unconfined" {
		return p
	}
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

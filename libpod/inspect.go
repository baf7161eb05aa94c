package libpod

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/healthcheck"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// InspectContainer is `pod inspect`'s view of a container, in Podman's JSON
// shape, plus "RuntimeRecord": what the container recorded about its runtime.
type InspectContainer struct {
	ID              string               `json:"Id"`
	Created         time.Time            `json:"Created"`
	Path            string               `json:"Path"`
	Args            []string             `json:"Args"`
	State           InspectState         `json:"State"`
	Image           string               `json:"Image"`
	ImageDigest     string               `json:"ImageDigest"`
	ImageName       string               `json:"ImageName"`
	Rootfs          string               `json:"Rootfs"`
	Pod             string               `json:"Pod"`
	ResolvConfPath  string               `json:"ResolvConfPath"`
	HostnamePath    string               `json:"HostnamePath"`
	HostsPath       string               `json:"HostsPath"`
	StaticDir       string               `json:"StaticDir"`
	OCIConfigPath   string               `json:"OCIConfigPath,omitempty"`
	OCIRuntime      string               `json:"OCIRuntime"`
	ConmonPidFile   string               `json:"ConmonPidFile"`
	PidFile         string               `json:"PidFile"`
	Name            string               `json:"Name"`
	RestartCount    int                  `json:"RestartCount"`
	Driver          string               `json:"Driver"`
	GraphDriver     *InspectGraphDriver  `json:"GraphDriver,omitempty"`
	MountLabel      string               `json:"MountLabel"`
	ProcessLabel    string               `json:"ProcessLabel"`
	AppArmorProfile string               `json:"AppArmorProfile"`
	EffectiveCaps   []string             `json:"EffectiveCaps"`
	BoundingCaps    []string             `json:"BoundingCaps"`
	ExecIDs         []string             `json:"ExecIDs"`
	Mounts          []InspectMount       `json:"Mounts"`
	Dependencies    []string             `json:"Dependencies"`
	NetworkSettings map[string]any       `json:"NetworkSettings"`
	Namespace       string               `json:"Namespace"`
	IsInfra         bool                 `json:"IsInfra"`
	IsService       bool                 `json:"IsService"`
	Config          InspectConfig        `json:"Config"`
	HostConfig      InspectHostConfig    `json:"HostConfig"`
	RuntimeRecord   InspectRuntimeRecord `json:"RuntimeRecord"`
	// With --size: the writable layer's size and the whole root
	// filesystem's (Podman's keys, absent without --size).
	SizeRw     *int64 `json:"SizeRw,omitempty"`
	SizeRootFs int64  `json:"SizeRootFs,omitempty"`
}

// InspectState is the State object.
type InspectState struct {
	OciVersion string            `json:"OciVersion"`
	Status     string            `json:"Status"`
	Running    bool              `json:"Running"`
	Paused     bool              `json:"Paused"`
	Restarting bool              `json:"Restarting"`
	OOMKilled  bool              `json:"OOMKilled"`
	Dead       bool              `json:"Dead"`
	Pid        int               `json:"Pid"`
	ConmonPid  int               `json:"ConmonPid,omitempty"`
	ExitCode   int               `json:"ExitCode"`
	Error      string            `json:"Error"`
	CgroupPath string            `json:"CgroupPath,omitempty"` // while running
	StartedAt  time.Time         `json:"StartedAt"`
	FinishedAt time.Time         `json:"FinishedAt"`
	Health     healthcheck.State `json:"Health"`
	// The zero time for a container never checkpointed, as in Podman.
	CheckpointedAt time.Time `json:"CheckpointedAt"`
	RestoredAt     time.Time `json:"RestoredAt"`
	Checkpointed   bool      `json:"Checkpointed,omitempty"`
	CheckpointPath string    `json:"CheckpointPath,omitempty"`
	CheckpointLog  string    `json:"CheckpointLog,omitempty"`
	RestoreLog     string    `json:"RestoreLog,omitempty"`
	Restored       bool      `json:"Restored,omitempty"`
}

// InspectMount is one entry of Mounts.
type InspectMount struct {
	Type        string   `json:"Type"`
	Name        string   `json:"Name,omitempty"` // the volume's
	Source      string   `json:"Source"`
	Destination string   `json:"Destination"`
	Driver      string   `json:"Driver"`
	Mode        string   `json:"Mode"`
	Options     []string `json:"Options"`
	RW          bool     `json:"RW"`
	Propagation string   `json:"Propagation"`
}

// InspectConfig is the Config object.
type InspectConfig struct {
	Hostname    string `json:"Hostname"`
	Domainname  string `json:"Domainname"`
	User        string `json:"User"`
	AttachStdin bool   `json:"AttachStdin"`
	// Docker's keys that Podman 4.3.1 prints and never sets.
	AttachStdout  bool                `json:"AttachStdout"`
	AttachStderr  bool                `json:"AttachStderr"`
	StdinOnce     bool                `json:"StdinOnce"`
	Volumes       map[string]struct{} `json:"Volumes"`
	OnBuild       *string             `json:"OnBuild"`
	Tty           bool                `json:"Tty"`
	OpenStdin     bool                `json:"OpenStdin"`
	Env           []string            `json:"Env"`
	Cmd           []string            `json:"Cmd"`
	CreateCommand []string            `json:"CreateCommand,omitempty"`
	Image         string              `json:"Image"`
	WorkingDir    string              `json:"WorkingDir"`
	Entrypoint    string              `json:"Entrypoint"`
	Labels        map[string]string   `json:"Labels"`
	Annotations   map[string]string   `json:"Annotations"`
	StopSignal    int                 `json:"StopSignal"`
	StopTimeout   uint                `json:"StopTimeout"`
	Timeout       uint                `json:"Timeout"`
	Umask         string              `json:"Umask"`
	Passwd        bool                `json:"Passwd"`
	SdNotifyMode  string              `json:"sdNotifyMode,omitempty"`

	Healthcheck                *healthcheck.Config `json:"Healthcheck,omitempty"`
	HealthcheckOnFailureAction string              `json:"HealthcheckOnFailureAction,omitempty"`
}

// InspectHostConfig is the HostConfig object (the parts pod has).
type InspectHostConfig struct {
	AutoRemove     bool                 `json:"AutoRemove"`
	Binds          []string             `json:"Binds"`
	CapAdd         []string             `json:"CapAdd"`
	CapDrop        []string             `json:"CapDrop"`
	CgroupManager  string               `json:"CgroupManager"`
	CgroupParent   string               `json:"CgroupParent"`
	Cgroups        string               `json:"Cgroups"`
	Devices        []InspectDevice      `json:"Devices"`
	IpcMode        string               `json:"IpcMode"`
	LogConfig      InspectLogConfig     `json:"LogConfig"`
	Memory         int64                `json:"Memory"`
	NetworkMode    string               `json:"NetworkMode"`
	PidMode        string               `json:"PidMode"`
	PidsLimit      int64                `json:"PidsLimit"`
	Privileged     bool                 `json:"Privileged"`
	ReadonlyRootfs bool                 `json:"ReadonlyRootfs"`
	Runtime        string               `json:"Runtime"`
	SecurityOpt    []string             `json:"SecurityOpt"`
	ShmSize        int64                `json:"ShmSize"`
	Tmpfs          map[string]string    `json:"Tmpfs"`
	UTSMode        string               `json:"UTSMode"`
	Ulimits        []InspectUlimit      `json:"Ulimits"`
	RestartPolicy  InspectRestartPolicy `json:"RestartPolicy"`
	// UsernsMode is "" (pod's namespace), "private" (own mappings) or "ns:PATH".
	UsernsMode string             `json:"UsernsMode"`
	IDMappings *InspectIDMappings `json:"IDMappings,omitempty"`

	// Read back from the spec (inspect_hostconfig.go).
	BlkioWeightDevice    []InspectBlkioWeightDevice   `json:"BlkioWeightDevice"`
	BlkioDeviceReadBps   []InspectBlkioThrottleDevice `json:"BlkioDeviceReadBps"`
	BlkioDeviceWriteBps  []InspectBlkioThrottleDevice `json:"BlkioDeviceWriteBps"`
	BlkioDeviceReadIOps  []InspectBlkioThrottleDevice `json:"BlkioDeviceReadIOps"`
	BlkioDeviceWriteIOps []InspectBlkioThrottleDevice `json:"BlkioDeviceWriteIOps"`
	KernelMemory         int64                        `json:"KernelMemory"` // pod sets no kernel memory limit (deprecated, gone on cgroup v2)
	OomKillDisable       bool                         `json:"OomKillDisable"`
	OomScoreAdj          int                          `json:"OomScoreAdj"`
	Dns                  []string                     `json:"Dns"`        //nolint:revive // Podman's key
	DnsOptions           []string                     `json:"DnsOptions"` //nolint:revive // Podman's key
	DnsSearch            []string                     `json:"DnsSearch"`  //nolint:revive // Podman's key
	ExtraHosts           []string                     `json:"ExtraHosts"`
	GroupAdd             []string                     `json:"GroupAdd"`
	ContainerIDFile      string                       `json:"ContainerIDFile"`
	ConsoleSize          []uint                       `json:"ConsoleSize"`
	PortBindings         map[string]any               `json:"PortBindings"`
	PublishAllPorts      bool                         `json:"PublishAllPorts"`
	Cgroup               string                       `json:"Cgroup"`
	CgroupConf           map[string]string            `json:"CgroupConf"`
	CgroupMode           string                       `json:"CgroupMode"`
	// Docker's keys (Windows, legacy) Podman 4.3.1 prints and never sets.
	Isolation          string   `json:"Isolation"`
	VolumeDriver       string   `json:"VolumeDriver"`
	VolumesFrom        []string `json:"VolumesFrom"`
	Links              []string `json:"Links"`
	DiskQuota          uint64   `json:"DiskQuota"`
	CpuCount           uint64   `json:"CpuCount"`   //nolint:revive // Podman's key
	CpuPercent         uint64   `json:"CpuPercent"` //nolint:revive // Podman's key
	IOMaximumIOps      uint64   `json:"IOMaximumIOps"`
	IOMaximumBandwidth uint64   `json:"IOMaximumBandwidth"`
	InspectResources            // create's limits, and what `pod update` changed (inspect_resources.go)
}

// InspectIDMappings are a container's own uid and gid maps, as Podman shows
// them (CONTAINER:HOST:SIZE, host ids of pod's namespace when rootless).
type InspectIDMappings struct {
	UIDMap []string `json:"UidMap"`
	GIDMap []string `json:"GidMap"`
}

// InspectRestartPolicy is HostConfig.RestartPolicy.
type InspectRestartPolicy struct {
	Name              string `json:"Name"`
	MaximumRetryCount uint   `json:"MaximumRetryCount"`
}

// InspectRuntimeRecord is the runtime a container recorded at create time.
type InspectRuntimeRecord struct {
	Name    string     `json:"Name"`
	Kind    ocirt.Kind `json:"Kind"`
	Path    string     `json:"Path"`
	Flags   []string   `json:"Flags"`
	Monitor string     `json:"Monitor,omitempty"`
	Missing string     `json:"Missing,omitempty"` // why the binary cannot be used now
}

// Inspect returns the container's inspect data.
func (c *Container) Inspect() *InspectContainer {
	cfg, st := &c.config, &c.state
	i := &InspectContainer{
		ID:              cfg.ID,
		Created:         cfg.Created,
		Image:           cfg.ImageID,
		ImageName:       cfg.ImageName,
		ImageDigest:     cfg.ImageDigest,
		Rootfs:          cfg.Spec.Rootfs,
		StaticDir:       c.staticDir(),
		OCIRuntime:      cfg.Runtime.Name,
		ConmonPidFile:   firstNonEmpty(cfg.ConmonPidFile, filepath.Join(c.runDir(), "conmon.pid")),
		PidFile:         firstNonEmpty(cfg.PidFile, filepath.Join(c.runDir(), "pidfile")),
		Name:            cfg.Name,
		Pod:             cfg.Pod,
		RestartCount:    st.RestartCount,
		ExecIDs:         c.execIDs(),
		Mounts:          []InspectMount{},
		Dependencies:    append([]string{}, cfg.Requires...), // --requires, the pod's infra, container: namespaces
		NetworkSettings: c.inspectNetworkSettings(),
	}
	if len(cfg.Command) > 0 {
		i.Path, i.Args = cfg.Command[0], cfg.Command[1:]
		if len(cfg.Command) == 1 {
			i.Args = cfg.Command // Podman 4.3.1: Args of a lone command is the command
		}
	}
	i.State = InspectState{
		OciVersion: "1.0.2-dev",
		Status:     st.Status.PodmanState(),
		Running:    st.Status == StatusRunning,
		Paused:     st.Status == StatusPaused,
		OOMKilled:  st.OOMKilled,
		Dead:       st.Status == StatusStopped && st.Error != "",
		Pid:        st.Task.Pid,
		ExitCode:   st.ExitCode,
		Error:      st.Error,
		StartedAt:  st.StartedAt,
		FinishedAt: st.FinishedAt,
	}
	c.inspectCheckpoint(&i.State)
	if st.Status.IsActive() {
		i.State.ConmonPid = st.Task.MonitorPid
		i.State.CgroupPath = cgroupPathOf(st.Task.Pid)
	} else {
		i.State.Pid = 0
	}
	if cfg.Storage {
		i.Driver = "overlay"
		c.inspectGraphDriver(i)
	}
	i.RuntimeRecord = InspectRuntimeRecord{
		Name: cfg.Runtime.Name, Kind: cfg.Runtime.Kind, Path: cfg.Runtime.Path,
		Flags: cfg.Runtime.Flags, Monitor: cfg.Runtime.Monitor,
	}
	if i.RuntimeRecord.Flags == nil {
		i.RuntimeRecord.Flags = []string{}
	}
	if err := ocirt.Missing(cfg.Runtime); err != nil {
		i.RuntimeRecord.Missing = err.Error()
	}
	// runSpec: the runtime spec, written at init (nil before): inspect then
	// shows the mounts as it has them, as Podman's does.
	runSpec := c.readSpec()
	spec := runSpec
	binds := c.inspectBindList(runSpec != nil)
	if spec != nil {
		i.OCIConfigPath = filepath.Join(c.staticDir(), "config.json")
		if spec.Process != nil {
			if caps := spec.Process.Capabilities; caps != nil {
				i.EffectiveCaps, i.BoundingCaps = caps.Effective, caps.Bounding
			}
			i.Config.Env = spec.Process.Env
			i.Config.WorkingDir = spec.Process.Cwd
		}
		i.Config.Hostname = spec.Hostname
		i.Config.Annotations = c.podmanAnnotations(spec.Annotations, spec)
		delete(i.Config.Annotations, runtimeSeccompAnnotation)
		i.Mounts = c.specMounts(spec, binds)
	}
	if spec == nil {
		// Not initialized yet: the annotations the spec will get.
		a := map[string]string{}
		for k, v := range cfg.Spec.Annotations {
			a[k] = v
		}
		i.Config.Annotations = c.podmanAnnotations(a, nil)
		if spec = c.previewSpec(); spec != nil && spec.Process != nil {
			if caps := spec.Process.Capabilities; caps != nil {
				i.EffectiveCaps, i.BoundingCaps = caps.Effective, caps.Bounding
			}
			i.Config.Env = spec.Process.Env
		}
		if spec != nil {
			i.Mounts = c.specMounts(spec, binds)
		}
	}
	i.Mounts = append(c.volumeInspectMounts(binds), i.Mounts...)
	if i.Config.Hostname == "" {
		i.Config.Hostname = cfg.Spec.Hostname
		if i.Config.Hostname == "" {
			i.Config.Hostname = cfg.ID[:12]
		}
	}
	if i.Config.WorkingDir == "" {
		i.Config.WorkingDir = firstNonEmpty(cfg.Spec.WorkDir, cfg.ImageConfig.WorkingDir, "/")
	}
	s := &cfg.Spec
	i.Config.User = s.User
	i.Config.Tty = s.Terminal
	i.Config.OpenStdin = s.Stdin
	i.Config.AttachStdin = s.Stdin
	i.Config.Cmd = cfg.Command
	i.Config.Image = firstNonEmpty(cfg.ImageName, cfg.Image)
	if s.Entrypoint != nil && len(*s.Entrypoint) > 0 {
		ep, _ := json.Marshal(*s.Entrypoint)
		i.Config.Entrypoint = string(ep)
	}
	i.Config.Labels = s.Labels
	i.Config.StopSignal = cfg.StopSignal
	i.Config.StopTimeout = cfg.StopTimeout
	i.Config.Timeout = cfg.Timeout
	i.Config.Umask = c.inspectUmask(spec)
	i.Config.Passwd = !s.NoPasswd
	i.Config.SdNotifyMode = cfg.SdNotify
	i.Config.CreateCommand = cfg.CreateCommand
	h := &i.HostConfig
	h.AutoRemove = cfg.Remove
	h.RestartPolicy = InspectRestartPolicy{Name: cfg.RestartPolicy, MaximumRetryCount: cfg.RestartRetries}
	i.Config.Healthcheck = cfg.Healthcheck
	i.Config.HealthcheckOnFailureAction = string(cfg.HealthOnFailure)
	if st.Health != nil {
		i.State.Health = *st.Health
	}
	h.Binds = c.inspectBinds(binds, runSpec)
	h.CapAdd, h.CapDrop = capAddDrop(spec, s.Privileged)
	h.CgroupManager = cfg.CgroupMgr
	h.CgroupParent = s.CgroupParent
	h.Cgroups = firstNonEmpty(s.Cgroups, "default")
	h.Devices = inspectDevices(s.Devices)
	h.IpcMode = ipcModeText(s.IPC)
	h.LogConfig = InspectLogConfig{Type: cfg.LogDriver, Path: c.logPath(), Tag: cfg.LogTag, Size: logSizeText(cfg.LogSizeMax)}
	h.Memory, _ = parseSizeOrZero(s.Memory)
	h.InspectResources = inspectResources(s)
	h.NetworkMode = firstNonEmpty(s.Network, "none")
	if s.Network == "" && cfg.Net != nil {
		h.NetworkMode = cfg.Net.Kind
	}
	h.PidMode = firstNonEmpty(s.PID, "private")
	if s.PidsLimit != nil {
		h.PidsLimit = *s.PidsLimit
	}
	h.Privileged = s.Privileged
	h.ReadonlyRootfs = s.ReadOnly
	h.Runtime = string(cfg.Runtime.Kind)
	h.SecurityOpt = nonNil(s.SecurityOpt)
	h.Tmpfs = inspectTmpfs(s.Tmpfs)
	h.ShmSize, _ = specgen.ShmSize(s, c.rt.specDefaults())
	h.UTSMode = firstNonEmpty(s.UTS, "private")
	c.inspectHostConfigMore(h, spec)
	if u := s.UserNS; strings.HasPrefix(u, "ns:") {
		h.UsernsMode = u
	}
	if m := s.IDMappings; m != nil {
		h.UsernsMode = "private"
		h.IDMappings = &InspectIDMappings{UIDMap: idTriples(m.UIDs), GIDMap: idTriples(m.GIDs)}
	}
	return i
}

// ipcModeText is HostConfig.IpcMode as Podman 4.3.1 shows it: "shareable"
// for the default and for --ipc private (its own namespace either way).
func ipcModeText(ipc string) string {
	if ipc == "" || ipc == "private" {
		return "shareable"
	}
	return ipc
}

func idTriples(m []specs.LinuxIDMapping) []string {
	out := make([]string, 0, len(m))
	for _, x := range m {
		out = append(out, fmt.Sprintf("%d:%d:%d", x.ContainerID, x.HostID, x.Size))
	}
	return out
}

// readSpec reads the config.json written at init, if any.
func (c *Container) readSpec() *specs.Spec {
	data, err := os.ReadFile(filepath.Join(c.staticDir(), "config.json"))
	if err != nil {
		return nil
	}
	var s specs.Spec
	if json.Unmarshal(data, &s) != nil {
		return nil
	}
	return &s
}

// logPath is where the k8s-file log of the container is.
func (c *Container) logPath() string {
	if c.config.LogPath != "" {
		return c.config.LogPath
	}
	return filepath.Join(c.staticDir(), "ctr.log")
}

func parseSizeOrZero(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	return parseSize(s)
}

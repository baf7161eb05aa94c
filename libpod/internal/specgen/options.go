// Package specgen turns a container's create options, its image config and the
// engine defaults into an OCI runtime spec. Everything here is a pure function
// of its inputs (plus, where stated, facts about the host passed in Host), so
// it is table-tested without running anything.
//
// Flag values that have a syntax of their own (-v, --mount, --tmpfs, --device,
// --ulimit, --security-opt…) are kept as the user wrote them in Options and
// parsed here, so that the record in the state DB is what the user asked for
// and every parser is fuzzed in one place.
package specgen

// Options are the create-time settings of one container, as given on the
// command line (pod create / pod run). They are stored with the container.
type Options struct {
	Name string `json:"name,omitempty"`

	// Root filesystem: either an image (resolved by libpod into Image) or a host dir.
	Rootfs string `json:"rootfs,omitempty"` // --rootfs: host directory used as /
	// RootfsOverlay: --rootfs PATH:O, an overlay over PATH whose upper
	// layer lives in the container's directory until it is removed.
	RootfsOverlay bool `json:"rootfsOverlay,omitempty"`
	ReadOnly      bool `json:"readOnly,omitempty"` // --read-only
	// ReadOnlyTmpfs mounts tmpfs on /tmp, /var/tmp, /run with --read-only (Podman's default true).
	ReadOnlyTmpfs *bool `json:"readOnlyTmpfs,omitempty"`

	// Process.
	Command    []string  `json:"command,omitempty"`    // arguments after the image; replace the image's Cmd
	Entrypoint *[]string `json:"entrypoint,omitempty"` // --entrypoint; nil = the image's; empty = none
	Env        []string  `json:"env,omitempty"`        // -e KEY=VAL, or KEY to copy from Host.Env; --env-file already expanded by the CLI
	WorkDir    string    `json:"workDir,omitempty"`    // -w
	User       string    `json:"user,omitempty"`       // -u user[:group], names resolved in the rootfs
	GroupAdd   []string  `json:"groupAdd,omitempty"`   // --group-add
	Terminal   bool      `json:"terminal,omitempty"`   // -t
	Stdin      bool      `json:"stdin,omitempty"`      // -i
	Init       bool      `json:"init,omitempty"`       // --init: run Host.InitPath as PID 1
	InitPath   string    `json:"initPath,omitempty"`   // --init-path
	StopSignal string    `json:"stopSignal,omitempty"` // --stop-signal, name or number
	Umask      string    `json:"umask,omitempty"`      // --umask

	// Identity and metadata.
	Hostname    string            `json:"hostname,omitempty"`    // --hostname
	Labels      map[string]string `json:"labels,omitempty"`      // --label
	Annotations map[string]string `json:"annotations,omitempty"` // --annotation

	// Storage.
	Volumes []string `json:"volumes,omitempty"` // -v SRC:DST[:OPTS]
	Mounts  []string `json:"mounts,omitempty"`  // --mount type=bind|tmpfs,…
	Tmpfs   []string `json:"tmpfs,omitempty"`   // --tmpfs DST[:OPTS]

	// Security.
	CapAdd      []string `json:"capAdd,omitempty"`
	CapDrop     []string `json:"capDrop,omitempty"`
	Privileged  bool     `json:"privileged,omitempty"`
	SecurityOpt []string `json:"securityOpt,omitempty"` // no-new-privileges[=true|false], seccomp=PATH|unconfined, label=disable|type:T|level:L|user:U|role:R, apparmor=…, mask=…, unmask=…

	// Resources.
	Ulimits    []string `json:"ulimits,omitempty"`    // --ulimit NAME=SOFT[:HARD] or "host"
	Memory     string   `json:"memory,omitempty"`     // --memory, e.g. 512m
	MemorySwap string   `json:"memorySwap,omitempty"` // --memory-swap
	CPUs       string   `json:"cpus,omitempty"`       // --cpus, e.g. 1.5
	CPUShares  uint64   `json:"cpuShares,omitempty"`  // --cpu-shares
	CPUSetCPUs string   `json:"cpusetCpus,omitempty"` // --cpuset-cpus
	PidsLimit  *int64   `json:"pidsLimit,omitempty"`  // --pids-limit; nil = engine default; 0 or -1 = unlimited
	ShmSize    string   `json:"shmSize,omitempty"`    // --shm-size
	// ShmDir is a host directory bound as /dev/shm instead of a new tmpfs:
	// set by libpod at each start (ShareableShm), never stored.
	ShmDir       string            `json:"-"`
	Devices      []string          `json:"devices,omitempty"`      // --device HOST[:CONTAINER[:PERMS]]
	Sysctls      map[string]string `json:"sysctls,omitempty"`      // --sysctl
	Cgroups      string            `json:"cgroups,omitempty"`      // --cgroups enabled|disabled|no-conmon|split
	CgroupParent string            `json:"cgroupParent,omitempty"` // --cgroup-parent
	OOMScoreAdj  *int              `json:"oomScoreAdj,omitempty"`  // --oom-score-adj

	// Namespaces.
	Network string `json:"network,omitempty"` // --network none|host|ns:PATH (default none: private netns, loopback up)
	PID     string `json:"pid,omitempty"`     // --pid host|ns:PATH|container:ID
	IPC     string `json:"ipc,omitempty"`     // --ipc host|private|shareable|none|ns:PATH|container:ID
	UTS     string `json:"uts,omitempty"`     // --uts host|ns:PATH|container:ID
	UserNS  string `json:"userns,omitempty"`  // --userns host|keep-id[:uid=,gid=]|nomap|auto[:OPTS]|ns:PATH
	// --uidmap, --gidmap (CONTAINER:HOST:SIZE), --subuidname, --subgidname (pkg/idmap).
	UIDMap     []string `json:"uidMap,omitempty"`
	GIDMap     []string `json:"gidMap,omitempty"`
	SubUIDName string   `json:"subUIDName,omitempty"`
	SubGIDName string   `json:"subGIDName,omitempty"`
	// KeepIDUser is the rootless user --userns keep-id maps in, given an
	// /etc/passwd entry when the image has none (as Podman); set by libpod.
	KeepIDUser *HostUser `json:"keepIdUser,omitempty"`
	// IDMappings are the container's uid/gid mappings (container id → id in
	// pod's user namespace), resolved from UserNS by libpod when the
	// container is created; not a flag.
	IDMappings *IDMappings `json:"idMappings,omitempty"`

	// Run and create flags of Podman 4.3 (parse_run.go, gen_run.go).
	EnvHost           bool     `json:"envHost,omitempty"`           // --env-host: pod's environment, below -e
	UnsetEnv          []string `json:"unsetEnv,omitempty"`          // --unsetenv: drop defaults, image and containers.conf variables
	UnsetEnvAll       bool     `json:"unsetEnvAll,omitempty"`       // --unsetenv-all
	Timezone          string   `json:"timezone,omitempty"`          // --tz: "local" or a zone under /usr/share/zoneinfo
	DeviceCgroupRules []string `json:"deviceCgroupRules,omitempty"` // --device-cgroup-rule "c 1:3 rwm"
	DeviceReadBps     []string `json:"deviceReadBps,omitempty"`     // --device-read-bps PATH:RATE
	DeviceWriteBps    []string `json:"deviceWriteBps,omitempty"`    // --device-write-bps PATH:RATE
	DeviceReadIOps    []string `json:"deviceReadIOps,omitempty"`    // --device-read-iops PATH:RATE
	DeviceWriteIOps   []string `json:"deviceWriteIOps,omitempty"`   // --device-write-iops PATH:RATE
	BlkioWeight       uint16   `json:"blkioWeight,omitempty"`       // --blkio-weight 10-1000
	BlkioWeightDevice []string `json:"blkioWeightDevice,omitempty"` // --blkio-weight-device PATH:WEIGHT
	Personality       string   `json:"personality,omitempty"`       // --personality LINUX|LINUX32
	Systemd           string   `json:"systemd,omitempty"`           // --systemd true (default)|false|always
	PasswdEntry       string   `json:"passwdEntry,omitempty"`       // --passwd-entry template ($USERNAME $UID $GID $NAME $HOME)
	GroupEntry        string   `json:"groupEntry,omitempty"`        // --group-entry template ($GROUPNAME $GID $USERNAME)
	ChrootDirs        []string `json:"chrootDirs,omitempty"`        // --chrootdirs: managed /etc files are mounted there too
	AddHosts          []string `json:"addHosts,omitempty"`          // --add-host NAME:IP, lines of the managed /etc/hosts
	NoHosts           bool     `json:"noHosts,omitempty"`           // --no-hosts: no managed /etc/hosts
	DNS               []string `json:"dns,omitempty"`               // --dns IP: nameservers of the managed /etc/resolv.conf
	DNSSearch         []string `json:"dnsSearch,omitempty"`         // --dns-search DOMAIN ("." = none)
	DNSOptions        []string `json:"dnsOptions,omitempty"`        // --dns-option OPT

	// More resources (parse_resources_more.go).
	CPUPeriod         uint64 `json:"cpuPeriod,omitempty"`         // --cpu-period µs
	CPUQuota          int64  `json:"cpuQuota,omitempty"`          // --cpu-quota µs
	CPURtPeriod       uint64 `json:"cpuRtPeriod,omitempty"`       // --cpu-rt-period µs (cgroup v1)
	CPURtRuntime      int64  `json:"cpuRtRuntime,omitempty"`      // --cpu-rt-runtime µs (cgroup v1)
	CPUSetMems        string `json:"cpusetMems,omitempty"`        // --cpuset-mems
	MemoryReservation string `json:"memoryReservation,omitempty"` // --memory-reservation
	MemorySwappiness  *int64 `json:"memorySwappiness,omitempty"`  // --memory-swappiness 0-100 (cgroup v1)
	OOMKillDisable    bool   `json:"oomKillDisable,omitempty"`    // --oom-kill-disable
	CgroupNS          string `json:"cgroupns,omitempty"`          // --cgroupns host|private|ns:PATH

	NoHTTPProxy bool     `json:"noHttpProxy,omitempty"` // --http-proxy=false: pod's proxy variables are not copied
	EnvMerge    []string `json:"envMerge,omitempty"`    // --env-merge KEY=VALUE with ${VAR} of the environment so far
	NoPasswd    bool     `json:"noPasswd,omitempty"`    // --passwd=false: no /etc/passwd and /etc/group entries added
	CgroupConf  []string `json:"cgroupConf,omitempty"`  // --cgroup-conf KEY=VALUE: cgroup v2 files (unified)
	HostUsers   []string `json:"hostUsers,omitempty"`   // --hostuser NAME|UID: the host's passwd entry added to the container's
}

// HostUser is a host user's passwd facts.
type HostUser struct {
	Name, GECOS, Home string
	UID, GID          uint32
}

// Image is what specgen needs from a container image's config.
type Image struct {
	Entrypoint []string          `json:"entrypoint,omitempty"`
	Cmd        []string          `json:"cmd,omitempty"`
	Env        []string          `json:"env,omitempty"`
	WorkingDir string            `json:"workingDir,omitempty"`
	User       string            `json:"user,omitempty"`
	StopSignal string            `json:"stopSignal,omitempty"`
	Labels     map[string]string `json:"labels,omitempty"`
	Volumes    []string          `json:"volumes,omitempty"` // VOLUME entries (libpod gives them anonymous volumes)
	// ExposedPorts are the image's EXPOSE entries ("80/tcp"), for -P.
	ExposedPorts []string `json:"exposedPorts,omitempty"`
}

// Defaults are the engine-wide settings from containers.conf [containers].
type Defaults struct {
	Capabilities   []string // default_capabilities
	Ulimits        []string // default_ulimits, "nofile=1024:2048"
	Env            []string // env
	PidsLimit      int64    // pids_limit (0 = unlimited)
	ShmSize        string   // shm_size
	SeccompProfile string   // seccomp_profile: path; empty = Podman's built-in default profile
	NoNewPrivs     bool     // no_new_privileges
	InitPath       string   // init_path (catatonit)
	ReadOnly       bool     // read_only
	Umask          string   // umask
	Sysctls        []string // default_sysctls
	Devices        []string // devices
	Annotations    []string // annotations
	Cgroups        string   // cgroups (enabled)
	CgroupNS       string   // cgroupns (private/host)
	IPCNS          string   // ipcns
	UTSNS          string   // utsns
	PIDNS          string   // pidns
	NetNS          string   // netns
	Mounts         []string // mounts
	Tz             string   // tz
}

// Host describes the caller and the host where the container will run.
type Host struct {
	Rlimits         map[string]Rlimit // current limits of pod itself, by lowercase name without RLIMIT_ ("nofile")
	CanRaiseRlimits bool              // CAP_SYS_RESOURCE: limits above the current hard limit may be set
	CgroupV2        bool              // unified hierarchy
	Rootless        bool              // running as a non-root user
	SELinux         bool              // SELinux enabled on the host
	Env             []string          // pod's own environment (for -e KEY without a value)
	CgroupManager   string            // cgroupfs | systemd
	RuntimeName     string            // the runtime the container will use (its binary's base name)
	Volumes         []VolumeMount     // the container's volumes, resolved to host directories by libpod
	// OverlayDir is the container's directory for the layers of its
	// overlay (O) mounts: overlay N gets OverlayDir/N/{upper,work,merge}.
	OverlayDir string
	// OverlayOnHost says the runtime cannot mount an overlay (no
	// overlay-mounts capability): libpod mounts each one on the host, at
	// its merge directory, and the spec binds that.
	OverlayOnHost bool

	// Fields added by specgen (filled by ProbeHost).
	AppArmor       bool     // AppArmor is enabled on the host
	BoundingCaps   []string // pod's own capability bounding set ("CAP_CHOWN", …): what ALL and --privileged grant; nil = every capability specgen knows
	Controllers    []string // cgroup controllers a container cgroup can use ("cpu", "memory", "pids", …); nil = unknown, assume all
	SwapAccounting bool     // the memory controller limits swap (memory.memsw.* on v1, memory.swap.max on v2)
	OOMScoreAdj    *int     // pod's own /proc/self/oom_score_adj; without CAP_SYS_RESOURCE a container cannot go lower; nil = unknown
	NoBlkioWeight  bool     // the block I/O controller has no weights (no CFQ/BFQ scheduler): --blkio-weight* are dropped with a warning
}

// Rlimit is a soft/hard pair.
type Rlimit struct {
	Soft, Hard uint64
}

// Result is the generated spec plus what libpod must record next to it.
type Result struct {
	// StopSignal is the signal number the container is stopped with.
	StopSignal int
	// MountLabel / ProcessLabel are the SELinux labels chosen (empty when disabled).
	MountLabel   string
	ProcessLabel string

	// Fields added by specgen.

	// Warnings are options that were accepted but could not be applied on
	// this host (for example a pids limit without a pids controller).
	Warnings []string
	// AppArmorProfile is the --security-opt apparmor= profile asked for
	// ("" = default, "unconfined"); it is put in the spec only when Host.AppArmor.
	AppArmorProfile string
	// PasswdLine and GroupLine are the /etc/passwd and /etc/group entries
	// (no newline) to add to the container's root filesystem because its
	// user or group has none there, as Podman adds them ("" = none needed).
	PasswdLine, GroupLine string
	// UserPasswdLine and UserGroupLine are the entries of the host user
	// --userns keep-id adds when the image lacks it (Options.KeepIDUser).
	UserPasswdLine, UserGroupLine string
	// Systemd reports that the container runs in systemd mode (--systemd).
	Systemd bool
	// Relabel lists bind-mount sources given with z/Z; libpod relabels them
	// with RelabelMounts before the container starts (a no-op without SELinux).
	Relabel []Relabel
	// Chown are the host paths of U mounts: libpod gives them (recursively)
	// to the container's user, which the spec's process names.
	Chown []string
	// Overlays are the overlay (O) mounts: libpod makes their directories
	// (and, with Host.OverlayOnHost, mounts them) before the runtime
	// creates the container, and removes them at cleanup.
	Overlays []Overlay
}

// Overlay is one overlay mount of a container.
type Overlay struct {
	Lower, Upper, Work string
	// Temp: Upper and Work are pod's, under Host.OverlayDir (the
	// container's changes go with them at cleanup); else the user's.
	Temp bool
	// Merge is where libpod mounts the overlay on the host ("" = the
	// runtime mounts it from the spec).
	Merge string
	// UserXattr: the overlay is mounted in a user namespace (overlayfs'
	// userxattr option).
	UserXattr bool
}

// Relabel is one z/Z bind source: Shared is z (shared between containers),
// false is Z (private to this container).
type Relabel struct {
	Path   string
	Shared bool
}

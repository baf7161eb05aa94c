package libpod

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pod-engine/pod/libpod/internal/lock"
	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/healthcheck"
	"github.com/pod-engine/pod/pkg/network"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/pidwatch"
)

// ContainerConfig is what a container was created with. It changes only by
// rename, `container update --runtime` and `network connect|disconnect`.
type ContainerConfig struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	Created       time.Time       `json:"created"`
	Spec          specgen.Options `json:"spec"`
	Image         string          `json:"image,omitempty"`       // as the user gave it
	ImageID       string          `json:"imageId,omitempty"`     // resolved at create
	ImageName     string          `json:"imageName,omitempty"`   // full name at create
	ImageDigest   string          `json:"imageDigest,omitempty"` // its manifest digest at create (inspect's ImageDigest)
	ImageConfig   specgen.Image   `json:"imageConfig"`
	Runtime       ocirt.Handle    `json:"runtime"`
	Command       []string        `json:"command,omitempty"` // effective argv (entrypoint + cmd)
	StopSignal    int             `json:"stopSignal"`
	StopTimeout   uint            `json:"stopTimeout"`
	LogDriver     string          `json:"logDriver"`
	LogPath       string          `json:"logPath,omitempty"`
	LogSizeMax    int64           `json:"logSizeMax,omitempty"`
	LogTag        string          `json:"logTag,omitempty"`
	Remove        bool            `json:"remove,omitempty"`        // --rm
	Storage       bool            `json:"storage,omitempty"`       // has a storage container (image based)
	SdNotify      string          `json:"sdNotify,omitempty"`      // --sdnotify mode
	CreateCommand []string        `json:"createCommand,omitempty"` // the pod command line that created it (generate systemd --new)
	DetachKeys    string          `json:"detachKeys,omitempty"`    // --detach-keys given at create
	CgroupMgr     string          `json:"cgroupManager,omitempty"`
	ExitCmdArgs   []string        `json:"exitCommandArgs,omitempty"` // global flags for the exit command
	// PortMappings are the ports published on the host (-p); the network
	// subsystem fills them in, `port` and `ps` read them.
	PortMappings []PortMapping `json:"portMappings,omitempty"`
	// Net is how the container joins networks (container_network.go).
	Net *NetConfig `json:"net,omitempty"`

	// Files and dependencies of run/create flags (container_runflags.go).
	CIDFile       string      `json:"cidFile,omitempty"`       // --cidfile: removed with the container
	PidFile       string      `json:"pidFile,omitempty"`       // --pidfile: the container's pid, written at each start
	ConmonPidFile string      `json:"conmonPidFile,omitempty"` // --conmon-pidfile: the monitor's pid
	Requires      []string    `json:"requires,omitempty"`      // --requires: IDs of containers started first
	Secrets       []SecretRef `json:"secrets,omitempty"`       // --secret, with the IDs they named at create
	Timeout       uint        `json:"timeout,omitempty"`       // --timeout: seconds it may run; its monitor kills it then (exit code -1, as conmon -T)
	// Volumes are the named and anonymous volumes the container mounts
	// (container_volumes.go), resolved at create.
	Volumes []VolumeMount `json:"volumes,omitempty"`

	// Restart policy and healthcheck (container_restart.go, container_health.go).
	RestartPolicy     string                `json:"restartPolicy,omitempty"`
	RestartRetries    uint                  `json:"restartRetries,omitempty"`
	Healthcheck       *healthcheck.Config   `json:"healthcheck,omitempty"`
	HealthOnFailure   healthcheck.OnFailure `json:"healthOnFailure,omitempty"`
	HealthUnscheduled bool                  `json:"healthUnscheduled,omitempty"` // --health-interval=disable

	// Pod is the ID of the pod the container belongs to (--pod); its
	// namespaces are joined at each start (pod_join.go).
	Pod   string `json:"pod,omitempty"`
	Infra bool   `json:"infra,omitempty"` // the pod's infra container
	// InitCtr is the --init-ctr kind of a pod's init container (always,
	// once; pod_initctr.go).
	InitCtr string `json:"initCtr,omitempty"`
	// ImageMounts are the images of --mount type=image, resolved at create.
	ImageMounts []ImageMount `json:"imageMounts,omitempty"`
	// CreateOptions are the options the container was created with, as
	// given (before the pod, the image and the defaults were applied):
	// `container clone` and `pod pod clone` create from them again.
	CreateOptions json.RawMessage `json:"createOptions,omitempty"`
}

// ContainerState is what changes while a container lives.
type ContainerState struct {
	Status         Status             `json:"status"`
	Task           ocirt.TaskRef      `json:"task"`
	MonitorStart   uint64             `json:"monitorStart,omitempty"` // start time (clock ticks) of the monitor pid, against pid reuse
	PidStart       uint64             `json:"pidStart,omitempty"`     // start time of the container's init pid
	ExitCode       int                `json:"exitCode"`
	OOMKilled      bool               `json:"oomKilled,omitempty"`
	StartedAt      time.Time          `json:"startedAt"`
	FinishedAt     time.Time          `json:"finishedAt"`
	Mountpoint     string             `json:"mountpoint,omitempty"`
	StoppedByUser  bool               `json:"stoppedByUser,omitempty"`
	Error          string             `json:"error,omitempty"`
	RestartCount   int                `json:"restartCount,omitempty"`
	StopSignal     int                `json:"stopSignal,omitempty"`   // signal actually used (spec StopSignal resolved)
	StopperPid     int                `json:"stopperPid,omitempty"`   // the pod process that set "stopping"
	StopperStart   uint64             `json:"stopperStart,omitempty"` // its start time, against pid reuse
	RestarterPid   int                `json:"restarterPid,omitempty"` // the pod process restarting it (between its stop and start)
	RestarterStart uint64             `json:"restarterStart,omitempty"`
	RestartStreak  int                `json:"restartStreak,omitempty"` // short runs in a row, for the restart back-off
	Health         *healthcheck.State `json:"health,omitempty"`
	// NetNS is the network namespace pod made for the container (set up
	// before the runtime's create, torn down at cleanup) and NetStatus its
	// addresses per network.
	NetNS         string                         `json:"netns,omitempty"`
	NetStatus     map[string]network.StatusBlock `json:"netStatus,omitempty"`
	NetFiles      *network.FileHints             `json:"netFiles,omitempty"`      // a user-mode network's address and nameserver for /etc files
	ImagesMounted []string                       `json:"imagesMounted,omitempty"` // image IDs mounted for this start (--mount type=image)
	ShmMounted    bool                           `json:"shmMounted,omitempty"`    // its /dev/shm tmpfs is mounted at shmPath for this start (container_shm.go)
	// NetPending is a network connect or disconnect that was under way in
	// the namespace when its pod process died (container_netconnect.go).
	NetPending *NetPending `json:"netPending,omitempty"`
	// Checkpointed says the container was checkpointed (and not restored
	// since); its images are in <static>/checkpoint (container_checkpoint.go).
	Checkpointed   bool      `json:"checkpointed,omitempty"`
	CheckpointedAt time.Time `json:"checkpointedAt,omitempty"`
	Restored       bool      `json:"restored,omitempty"`
	RestoredAt     time.Time `json:"restoredAt,omitempty"`
}

// Container is a handle on one container. Its fields are a snapshot read
// from the state database; methods that change it take the container lock.
type Container struct {
	rt     *Runtime
	config ContainerConfig
	state  ContainerState
	lock   *lock.Locker
	// preserveFDs are the caller's files passed to the container as fds 3…
	// by this process's start (run --preserve-fds).
	preserveFDs []*os.File
	// policyRestart says the start in progress is the restart policy's,
	// which keeps RestartCount (a user's start resets it, as Podman).
	policyRestart bool
	// restore makes this process's init restore the checkpoint
	// (container_restore.go) instead of creating afresh.
	restore *ocirt.Restore
	// foreground is the lock this process holds on the container's
	// <exit-dir>/<cid>.fg while it runs the container in the foreground
	// (conmon.HoldForeground); nil otherwise.
	foreground *os.File
}

// ID returns the container's full ID.
func (c *Container) ID() string { return c.config.ID }

// Name returns the container's name.
func (c *Container) Name() string { return c.config.Name }

// Config returns a copy of the container's configuration.
func (c *Container) Config() ContainerConfig { return c.config }

// MonitorPidFile is where the container's monitor writes its pid.
func (c *Container) MonitorPidFile() string { return filepath.Join(c.runDir(), "conmon.pid") }

// State returns a copy of the container's state as last synced.
func (c *Container) State() ContainerState { return c.state }

// Status returns the container's lifecycle state as last synced.
func (c *Container) Status() Status { return c.state.Status }

func (c *Container) staticDir() string { return filepath.Join(c.rt.paths.Static, c.config.ID) }
func (c *Container) runDir() string    { return filepath.Join(c.rt.paths.Run, c.config.ID) }
func (c *Container) exitFile() string  { return filepath.Join(c.rt.paths.Exits, c.config.ID) }
func (c *Container) persistDir() string {
	return filepath.Join(c.rt.paths.Persist, c.config.ID)
}

// AttachSocket returns the path of the monitor's attach socket.
func (c *Container) AttachSocket() string { return filepath.Join(c.staticDir(), conmon.AttachName) }

// CtlPath returns the path of the monitor's ctl FIFO.
func (c *Container) CtlPath() string { return filepath.Join(c.staticDir(), conmon.CtlName) }

func (c *Container) save() error {
	db, err := c.rt.state()
	if err != nil {
		return err
	}
	data, err := json.Marshal(&c.state)
	if err != nil {
		return err
	}
	return db.SaveState(c.config.ID, data)
}

// setStatus moves the container to s if the state table allows it.
func (c *Container) setStatus(s Status) error {
	if c.state.Status == s {
		return nil
	}
	if err := canTransition(c.config.Name, c.state.Status, s); err != nil {
		return err
	}
	c.state.Status = s
	return nil
}

// syncExit updates the in-memory state from the exit file: a container whose
// monitor wrote one has stopped. When the monitor is gone without writing one,
// the container is stopped with an unknown exit code (-1) once its process is
// gone too; while the process still runs it stays running, with an error
// saying that its logs, attach and exit code are lost. It reports whether
// anything changed.
func (c *Container) syncExit() bool {
	switch c.state.Status {
	case StatusCreated, StatusRunning, StatusPaused, StatusStopping:
	default:
		return false
	}
	st, err := conmon.ReadExitFile(c.exitFile(), c.persistDir())
	if err == nil {
		c.markStopped(st.Code, st.Finished, st.OOM, "")
		return true
	}
	changed := c.dropDeadStopper()
	// Monitors write exit files whole (a temporary file and a rename), so
	// one that does not parse was damaged by someone else: like a missing
	// one, it settles nothing while the monitor lives.
	if c.state.Task.MonitorPid <= 0 || c.monitorAlive() {
		return changed
	}
	// The file may have landed just before the monitor exited.
	if st, err = conmon.ReadExitFile(c.exitFile(), c.persistDir()); err == nil {
		c.markStopped(st.Code, st.Finished, st.OOM, "")
		return true
	}
	if c.processAlive() {
		msg := fmt.Sprintf("the container's monitor (pid %d) died: its logs, attach and exit code are lost; stop or rm -f it", c.state.Task.MonitorPid)
		if c.state.Error == msg {
			return changed
		}
		c.state.Error = msg
		return true
	}
	msg := conmon.ErrMonitorDead.Error()
	if !conmon.IsNotExist(err) {
		msg = err.Error() + ": exit code unknown"
	}
	c.markStopped(-1, time.Now(), false, msg)
	c.queuePodCheck() // no exit command will apply the pod's exit policy
	return true
}

func (c *Container) markStopped(code int, finished time.Time, oom bool, errMsg string) {
	c.state.Status = StatusStopped
	c.state.ExitCode = code
	c.state.FinishedAt = finished
	c.state.OOMKilled = oom
	c.state.Error = errMsg
	c.state.Task.Pid = 0
	c.state.StopperPid, c.state.StopperStart = 0, 0
}

// monitorAlive reports whether the container's monitor process still runs,
// guarding against pid reuse with the recorded start time.
func (c *Container) monitorAlive() bool {
	return pidwatch.Running(c.state.Task.MonitorPid, c.state.MonitorStart)
}

// processAlive reports whether the container's init process still runs.
func (c *Container) processAlive() bool {
	return pidwatch.Running(c.state.Task.Pid, c.state.PidStart)
}

// waitAlive is what waiting for an exit file asks: is anything left that
// will write it, or that is still running?
func (c *Container) waitAlive() bool {
	return c.monitorAlive() || c.processAlive()
}

// task returns the runtime task of the container, built from its record.
func (c *Container) task() (ocirt.Task, error) {
	rt, err := c.rt.registry.Open(c.config.Runtime)
	if err != nil {
		return nil, err
	}
	return rt.Load(c.state.Task), nil
}

package libpod

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pod-engine/pod/libpod/internal/lock"
	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// ContainerConfig is what a container was created with. It changes only by
// rename and `container update --runtime`.
type ContainerConfig struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Created     time.Time       `json:"created"`
	Spec        specgen.Options `json:"spec"`
	Image       string          `json:"image,omitempty"`     // as the user gave it
	ImageID     string          `json:"imageId,omitempty"`   // resolved at create
	ImageName   string          `json:"imageName,omitempty"` // full name at create
	ImageConfig specgen.Image   `json:"imageConfig"`
	Runtime     ocirt.Handle    `json:"runtime"`
	Command     []string        `json:"command,omitempty"` // effective argv (entrypoint + cmd)
	StopSignal  int             `json:"stopSignal"`
	StopTimeout uint            `json:"stopTimeout"`
	LogDriver   string          `json:"logDriver"`
	LogPath     string          `json:"logPath,omitempty"`
	LogSizeMax  int64           `json:"logSizeMax,omitempty"`
	LogTag      string          `json:"logTag,omitempty"`
	Remove      bool            `json:"remove,omitempty"`     // --rm
	Storage     bool            `json:"storage,omitempty"`    // has a storage container (image based)
	SdNotify    string          `json:"sdNotify,omitempty"`   // --sdnotify mode
	DetachKeys  string          `json:"detachKeys,omitempty"` // --detach-keys given at create
	CgroupMgr   string          `json:"cgroupManager,omitempty"`
	ExitCmdArgs []string        `json:"exitCommandArgs,omitempty"` // global flags for the exit command
}

// ContainerState is what changes while a container lives.
type ContainerState struct {
	Status        Status        `json:"status"`
	Task          ocirt.TaskRef `json:"task"`
	MonitorStart  uint64        `json:"monitorStart,omitempty"` // start time (clock ticks) of the monitor pid, against pid reuse
	ExitCode      int           `json:"exitCode"`
	OOMKilled     bool          `json:"oomKilled,omitempty"`
	StartedAt     time.Time     `json:"startedAt"`
	FinishedAt    time.Time     `json:"finishedAt"`
	Mountpoint    string        `json:"mountpoint,omitempty"`
	StoppedByUser bool          `json:"stoppedByUser,omitempty"`
	Error         string        `json:"error,omitempty"`
	RestartCount  int           `json:"restartCount,omitempty"`
	StopSignal    int           `json:"stopSignal,omitempty"` // signal actually used (spec StopSignal resolved)
}

// Container is a handle on one container. Its fields are a snapshot read
// from the state database; methods that change it take the container lock.
type Container struct {
	rt     *Runtime
	config ContainerConfig
	state  ContainerState
	lock   *lock.Locker
}

// ID returns the container's full ID.
func (c *Container) ID() string { return c.config.ID }

// Name returns the container's name.
func (c *Container) Name() string { return c.config.Name }

// Config returns a copy of the container's configuration.
func (c *Container) Config() ContainerConfig { return c.config }

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
// monitor wrote one has stopped. A monitor that is gone without writing one
// leaves an unknown exit code (-1) and an error in the state. It reports
// whether anything changed.
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
	if conmon.IsNotExist(err) && c.state.Task.MonitorPid > 0 && !c.monitorAlive() {
		// The file may have landed between the two checks.
		if st, err := conmon.ReadExitFile(c.exitFile(), c.persistDir()); err == nil {
			c.markStopped(st.Code, st.Finished, st.OOM, "")
			return true
		}
		c.markStopped(-1, time.Now(), false, conmon.ErrMonitorDead.Error())
		return true
	}
	return false
}

func (c *Container) markStopped(code int, finished time.Time, oom bool, errMsg string) {
	c.state.Status = StatusStopped
	c.state.ExitCode = code
	c.state.FinishedAt = finished
	c.state.OOMKilled = oom
	c.state.Error = errMsg
	c.state.Task.Pid = 0
}

// monitorAlive reports whether the container's monitor process still runs,
// guarding against pid reuse with the recorded start time.
func (c *Container) monitorAlive() bool {
	pid := c.state.Task.MonitorPid
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if c.state.MonitorStart == 0 {
		return true
	}
	start, err := processStartTime(pid)
	return err == nil && start == c.state.MonitorStart
}

// processStartTime returns field 22 of /proc/PID/stat (start time in ticks).
func processStartTime(pid int) (uint64, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("unparsable /proc/%d/stat", pid)
	}
	fields := strings.Fields(s[i+1:])
	// fields[0] is field 3 (state); start time is field 22.
	if len(fields) < 20 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	return strconv.ParseUint(fields[19], 10, 64)
}

// task returns the runtime task of the container, built from its record.
func (c *Container) task() (ocirt.Task, error) {
	rt, err := c.rt.registry.Open(c.config.Runtime)
	if err != nil {
		return nil, err
	}
	return rt.Load(c.state.Task), nil
}

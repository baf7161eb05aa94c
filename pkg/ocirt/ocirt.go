// Package ocirt is pod's runtime layer: the named runtimes a host offers, how
// each is found and probed, and the small interfaces libpod drives containers
// through, whatever kind of runtime runs them.
//
// A runtime kind is one package implementing Driver: it resolves and lists
// its own runtime names, probes them, knows what they can do
// (Capabilities) and builds their monitor invocation. The Registry only
// loops over the registered kinds. Two real kinds exist: oci (runc, crun,
// runsc, youki… through their command line, under a conmon-protocol
// monitor) and shimv2 (containerd shim v2 binaries over ttrpc, under
// pod-shim); package ocirttest adds a fake one. All honour the same on-disk
// contract (package conmon): an exit file per container, an attach socket
// and a ctl FIFO in the bundle, logs in k8s-file format. So libpod never
// needs to know which kind runs a container.
//
// A container records a Handle at create time; every later operation rebuilds
// its Runtime from that Handle (Registry.Open), not from the current
// configuration.
package ocirt

import (
	"context"
	"encoding/json"
	"os"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Kind names a runtime implementation family; each kind package defines its
// own (oci.Kind, shimv2.Kind).
type Kind string

// Handle is what a container records about the runtime it asked for. It is
// enough to drive the container later even when the configuration changed.
type Handle struct {
	Name    string          `json:"name"`              // as requested: "crun", "/usr/bin/runc", "io.containerd.runc.v2", an alias
	Kind    Kind            `json:"kind"`              // implementation family
	Path    string          `json:"path"`              // resolved binary (runtime or shim)
	Flags   []string        `json:"flags,omitempty"`   // global runtime flags, each with its leading "--"
	Monitor string          `json:"monitor,omitempty"` // monitor binary (oci kind)
	JSONLog bool            `json:"jsonLog,omitempty"` // runtime accepts --log-format json
	Options json.RawMessage `json:"options,omitempty"` // kind-specific options (shim type, typed options)
}

// TaskRef identifies one created container to its runtime. It is persisted by
// libpod and handed back to Runtime.Load in later processes.
type TaskRef struct {
	ID         string          `json:"id"`
	Bundle     string          `json:"bundle"`               // holds config.json, attach, ctl
	RunDir     string          `json:"runDir"`               // pid files, runtime log
	Pid        int             `json:"pid,omitempty"`        // container init pid on the host (runsc: the sandbox)
	MonitorPid int             `json:"monitorPid,omitempty"` // conmon / shim watcher pid
	Data       json.RawMessage `json:"data,omitempty"`       // kind-specific (shim address…)
	// Started is set by Create when it also started the process
	// (CreateRequest.Start); it is not stored.
	Started bool `json:"-"`
}

// Runtime creates containers with one runtime binary and reopens them.
type Runtime interface {
	// Handle returns the record a container created with this runtime stores.
	Handle() Handle
	// Create writes the spec into req.Bundle and creates the container under a
	// monitor. It returns once the container's init process exists and waits
	// for Start; the monitor keeps running after pod exits.
	Create(ctx context.Context, req *CreateRequest) (Task, error)
	// Load returns the task for a stored reference without any I/O.
	Load(ref TaskRef) Task
}

// Prestarter is a Runtime that can start a container's monitor before the
// container's spec exists, so the monitor's own start overlaps the caller's
// storage mount and spec generation. Prestart gets a request without Spec,
// IO.Hold and NotifySocket and returns nil (no error) when it cannot do
// that for req: the caller then calls Create as usual.
type Prestarter interface {
	Prestart(ctx context.Context, req *CreateRequest) (Pending, error)
}

// Pending is a prestarted monitor waiting for its container's spec.
type Pending interface {
	// Create completes the Create of the prestarted request with spec.
	Create(ctx context.Context, spec *specs.Spec) (Task, error)
	// Abort stops the monitor, which ran nothing yet.
	Abort()
}

// Task is one created container.
type Task interface {
	Ref() TaskRef
	// Start runs the user process of a created container.
	Start(ctx context.Context) error
	// Kill sends sig to the init process, or to every process of the container when all is set.
	Kill(ctx context.Context, sig syscall.Signal, all bool) error
	// Delete removes the runtime's state. force also kills a running container.
	Delete(ctx context.Context, force bool) error
}

// Pauser is implemented by tasks whose runtime can freeze them.
type Pauser interface {
	Pause(ctx context.Context) error
	Resume(ctx context.Context) error
}

// Updater is implemented by tasks whose resources can change while they run.
type Updater interface {
	Update(ctx context.Context, res *specs.LinuxResources) error
}

// Checkpointer is implemented by tasks whose runtime can write a running
// container's processes to disk (criu); CreateRequest.Restore brings them back.
type Checkpointer interface {
	Checkpoint(ctx context.Context, req *CheckpointRequest) error
}

// CheckpointRequest says where and how a checkpoint is written.
type CheckpointRequest struct {
	ImagePath string // the checkpoint's images (absolute; created by the caller)
	WorkPath  string // the runtime's and criu's work files and logs (dump.log)
	// ParentPath is a pre-checkpoint's images, relative to ImagePath
	// (--with-previous); "" = none.
	ParentPath     string
	LeaveRunning   bool // the container keeps running
	PreDump        bool // memory only, the container keeps running (--pre-checkpoint)
	TCPEstablished bool
	FileLocks      bool
}

// Restore makes a Create restore a checkpoint: the runtime's restore
// creates and starts the container from ImagePath (TaskRef.Started is set).
type Restore struct {
	ImagePath      string
	TCPEstablished bool
	FileLocks      bool
}

// Stater is implemented by tasks that can ask the runtime for their state.
// libpod does not need it on the hot path (exit files are the truth).
type Stater interface {
	State(ctx context.Context) (State, error)
}

// Execer is implemented by tasks that can run extra processes.
type Execer interface {
	Exec(ctx context.Context, req *ExecRequest) (ExecProcess, error)
}

// State is the runtime's view of a container.
type State struct {
	Status string // creating, created, running, paused, stopped
	Pid    int
}

// CreateRequest is everything a runtime needs to create one container, in
// the runtime layer's terms: how a kind carries it to its runtime and monitor
// is the kind's business.
type CreateRequest struct {
	ID     string
	Name   string // for messages
	Spec   *specs.Spec
	Bundle string // absolute; created by the caller; config.json is written here
	RunDir string // absolute; created by the caller; the runtime's and monitor's own files

	IO   IO   // the process's stdio
	Log  Log  // where its output is kept
	Exit Exit // where its exit status goes, and what runs after it
	// Periodic runs while the container runs (its healthcheck); zero: none.
	Periodic Periodic

	Cgroups      CgroupMode // who places the container in a cgroup
	NoPivotRoot  bool       // enter the rootfs without pivot_root (containers.conf no_pivot_root)
	NoNewKeyring bool       // do not give the container its own session keyring
	NotifySocket string     // sd_notify socket the container reaches (--sdnotify=container); "" = none

	LogLevel string        // pod's --log-level; the monitor logs at the same level
	Env      []string      // extra environment for the monitor and runtime
	Timeout  time.Duration // how long to wait for create; 0 = 4 minutes
	// MaxRunTime (--timeout) is how long the container may run from its
	// create: then its monitor kills it and reports exit code -1, as
	// conmon -T does (0 = no limit; whole seconds).
	MaxRunTime time.Duration

	// Restore, when set, restores a checkpoint instead of creating afresh.
	Restore *Restore

	// Start asks for the process to be started as part of Create when the
	// runtime can do both in one step (TaskRef.Started then says it did);
	// otherwise the caller calls Task.Start as usual.
	Start bool
	// Attach, with Start, is called once the container's attach socket
	// exists and before the process starts, so no output is lost. When the
	// runtime cannot start at create, it is not called.
	Attach func(attachSocket string) error
}

// IO says how a process's stdio is connected.
type IO struct {
	Terminal bool // the process gets a pseudo-terminal; its input always reaches it and survives a detach
	Stdin    bool // without a terminal: the process reads what attach clients send
	// LeaveStdinOpen keeps the process's stdin open when an attach client
	// ends its input.
	LeaveStdinOpen bool
	// Passthrough hands these files to the process directly (log driver
	// passthrough); nil = output is logged and served to attach clients.
	Passthrough *Stdio
	ExtraFiles  []*os.File // passed to the process as fds 3.. (--preserve-fds)
	// Hold are files the container's monitor keeps open for the
	// container's life and closes when it exits, never handed to the
	// container (a user-mode network helper's exit pipe: Podman leaks it
	// into conmon the same way). A kind without a monitor of pod's may
	// ignore them only if its helper dies with the container otherwise.
	Hold []*os.File
}

// Stdio are files a process gets as its stdin, stdout and stderr.
type Stdio struct {
	Stdin, Stdout, Stderr *os.File
}

// Log drivers: where a container's output is kept.
const (
	LogK8sFile     = "k8s-file" // Log.Path, in the CRI's k8s-file format (the default)
	LogJournald    = "journald"
	LogPassthrough = "passthrough" // not kept: IO.Passthrough gets it
	LogNone        = "none"
)

// Log says where a container's output is kept.
type Log struct {
	Driver  string // LogK8sFile ("" too), LogJournald, LogPassthrough, LogNone
	Path    string // for LogK8sFile
	MaxSize int64  // bytes; 0 = unlimited
	Tag     string // journald's CONTAINER_TAG
}

// Exit says where a process's exit status is reported (the on-disk contract
// of package conmon) and what runs after it.
type Exit struct {
	Dir        string        // <Dir>/<container id> gets the exit code
	PersistDir string        // gets the files exit and oom
	Command    []string      // argv run once the process exited and its status is written
	Delay      time.Duration // wait this long before Command (whole seconds)
}

// Periodic is a command the monitor runs every Interval while the container
// runs, one at a time (the healthcheck: no systemd timer needed).
type Periodic struct {
	Command  []string
	Interval time.Duration
}

// CgroupMode says who places a container in a cgroup.
type CgroupMode string

// Cgroup modes.
const (
	CgroupsCgroupfs CgroupMode = ""         // the runtime, through cgroupfs
	CgroupsSystemd  CgroupMode = "systemd"  // the runtime, through systemd
	CgroupsDisabled CgroupMode = "disabled" // no cgroup of its own (--cgroups=disabled)
)

// ExecRequest runs one more process in a running container.
type ExecRequest struct {
	SessionID string
	Dir       string // exec session dir: process.json, attach, ctl, exit/, persist/
	Process   *specs.Process
	IO        IO            // Passthrough is not supported for exec
	Exit      Exit          // Dir and PersistDir are ignored: the session's are under Dir
	Timeout   time.Duration // kill the process after this long (whole seconds); 0 = none
	LogLevel  string        // pod's --log-level
	Env       []string
	// Attach, when set, is called once the session's attach socket exists and
	// before the process starts, so no output is lost. Its error aborts the exec.
	Attach func(attachSocket string) error
}

// ExecProcess is a started exec session.
type ExecProcess interface {
	Pid() int
	MonitorPid() int
	// Wait returns the exit code of the process.
	Wait(ctx context.Context) (int, error)
}

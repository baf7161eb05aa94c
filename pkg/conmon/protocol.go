// Package conmon holds the conmon protocol that pod's monitor (cmd/pod-conmon,
// package monitor) and the real conmon both speak, and that the client
// package drives: the command line, the sync/start/attach pipe messages, the
// attach socket framing, the ctl FIFO lines and the on-disk contract (exit
// files, oom files, attach/ctl paths).
//
// This package has no dependencies beyond the standard library and
// golang.org/x/sys, so that the monitor binary stays small. It must never
// import pkg/ocirt or libpod.
package conmon

import (
	"strconv"
)

// Environment variables carrying the fd numbers of the handshake pipes.
const (
	EnvSyncPipe   = "_OCI_SYNCPIPE"
	EnvStartPipe  = "_OCI_STARTPIPE"
	EnvAttachPipe = "_OCI_ATTACHPIPE"
)

// EnvDirect asks pod's own monitors (pod-conmon) to skip the daemonizing
// re-exec: the caller starts the monitor in a session of its own and does
// not wait for it, so the first process is the monitor proper. Its value
// lists, comma-separated, the variables the caller added only for the
// monitor's Go runtime (GOMAXPROCS, GOGC), which the monitor removes again
// so that the OCI runtime and the exit command see the caller's
// environment. The real conmon ignores it.
const EnvDirect = "_POD_MONITOR_DIRECT"

// Attach socket framing (conmon's stdpipe_t): every packet from the monitor to
// a client starts with one byte naming the stream.
const (
	StreamStdin  byte = 1
	StreamStdout byte = 2
	StreamStderr byte = 3

	// AttachPacketData is the largest payload after the stream byte.
	AttachPacketData = 8192
	// AttachReadBuf is the buffer a client needs for one packet.
	AttachReadBuf = AttachPacketData + 1
	// AttachInputBuf is how much client input the monitor reads at once.
	AttachInputBuf = 32768
)

// ctl FIFO message types ("<type> <height> <width>\n").
const (
	CtlResize  = 1
	CtlReopen  = 2
	CtlMaxLine = 200
)

// Names of the files the monitor creates in the bundle (or exec session dir).
const (
	AttachName = "attach"
	CtlName    = "ctl"
	WinszName  = "winsz"
)

// Log driver names accepted in --log-path.
const (
	LogDriverK8sFile     = "k8s-file"
	LogDriverJournald    = "journald"
	LogDriverPassthrough = "passthrough"
	LogDriverNone        = "none"
)

// Args is a conmon command line. Argv renders it in the form both the real
// conmon (2.1.6 and later) and pod-conmon accept. Zero values are left out.
type Args struct {
	APIVersion       bool     // --api-version 1 (selects the "data" key on the sync pipe)
	CID              string   // -c: container ID
	CUUID            string   // -u: container ID, or the exec session ID for execs
	Name             string   // -n
	Runtime          string   // -r: path of the OCI runtime binary
	Bundle           string   // -b
	ContainerPidFile string   // -p
	ConmonPidFile    string   // -P
	LogPaths         []string // -l, repeatable: "k8s-file:PATH", "journald:", "passthrough", "none"
	LogLevel         string   // --log-level
	LogSizeMax       int64    // --log-size-max (only when > 0)
	LogTag           string   // --log-tag (journald only)
	ExitDir          string   // --exit-dir
	PersistDir       string   // --persist-dir
	ExitCommand      string   // --exit-command
	ExitCommandArgs  []string // --exit-command-arg, repeatable
	ExitDelay        int      // --exit-delay (only when > 0)
	// The periodic command (pod-conmon and pod-shim only): the container's
	// healthcheck, `pod … healthcheck run ID`, every PeriodicInterval ms
	// while the container runs.
	PeriodicCommand     string   // --periodic-command
	PeriodicCommandArgs []string // --periodic-command-arg, repeatable
	PeriodicInterval    int64    // --periodic-interval, milliseconds (only when > 0)
	// PeriodicPid makes pod-conmon a timer only: no container of its own,
	// it runs the periodic command while process PeriodicPid lives (the
	// healthcheck of a container whose monitor is the real conmon).
	PeriodicPid     int      // --periodic-pid
	SocketDirPath   string   // --socket-dir-path
	FullAttach      bool     // --full-attach
	Terminal        bool     // -t
	Stdin           bool     // -i
	LeaveStdinOpen  bool     // --leave-stdin-open
	Syslog          bool     // --syslog
	SystemdCgroup   bool     // -s
	RuntimeArgs     []string // --runtime-arg, repeatable: global runtime flags
	RuntimeOpts     []string // --runtime-opt, repeatable: create/exec subcommand flags
	NoPivot         bool     // --no-pivot
	NoNewKeyring    bool     // --no-new-keyring
	Exec            bool     // -e
	ExecProcessSpec string   // --exec-process-spec
	ExecAttach      bool     // --exec-attach (pod-conmon: also with Run)
	Run             bool     // --run (pod-conmon only): `runtime run --detach` instead of create
	// SealedRuntime (pod-conmon only): exec the runtime from a sealed
	// in-memory copy, which crun takes as already cloned (pkg/sealedexe).
	SealedRuntime  bool   // --sealed-runtime
	Restore        string // --restore
	Sync           bool   // --sync
	Timeout        int    // -T (only when > 0)
	SdNotifySocket string // --sdnotify-socket
	NoSyncLog      bool   // --no-sync-log

	// Less common conmon 2.1.6 flags, rendered after the ones above.
	ReplaceListenPid     bool   // --replace-listen-pid
	LogGlobalSizeMax     int64  // --log-global-size-max (only when > 0)
	SeccompNotifySocket  string // --seccomp-notify-socket
	SeccompNotifyPlugins string // --seccomp-notify-plugins

	// Set by ParseArgs only: the command line asked for help or the version.
	Help, Version bool
}

// Argv renders the arguments (without argv[0]).
func (a *Args) Argv() []string {
	var v []string
	str := func(flag, val string) {
		if val != "" {
			v = append(v, flag, val)
		}
	}
	boolean := func(flag string, on bool) {
		if on {
			v = append(v, flag)
		}
	}
	if a.APIVersion {
		v = append(v, "--api-version", "1")
	}
	str("-c", a.CID)
	str("-u", a.CUUID)
	str("-n", a.Name)
	str("-r", a.Runtime)
	str("-b", a.Bundle)
	str("-p", a.ContainerPidFile)
	str("-P", a.ConmonPidFile)
	for _, l := range a.LogPaths {
		v = append(v, "-l", l)
	}
	str("--log-level", a.LogLevel)
	if a.LogSizeMax > 0 {
		v = append(v, "--log-size-max", strconv.FormatInt(a.LogSizeMax, 10))
	}
	str("--log-tag", a.LogTag)
	str("--exit-dir", a.ExitDir)
	str("--persist-dir", a.PersistDir)
	str("--socket-dir-path", a.SocketDirPath)
	boolean("--full-attach", a.FullAttach)
	boolean("-t", a.Terminal)
	boolean("-i", a.Stdin)
	boolean("--leave-stdin-open", a.LeaveStdinOpen)
	boolean("--syslog", a.Syslog)
	boolean("-s", a.SystemdCgroup)
	for _, r := range a.RuntimeArgs {
		v = append(v, "--runtime-arg", r)
	}
	for _, r := range a.RuntimeOpts {
		v = append(v, "--runtime-opt", r)
	}
	boolean("--no-pivot", a.NoPivot)
	boolean("--no-new-keyring", a.NoNewKeyring)
	boolean("-e", a.Exec)
	str("--exec-process-spec", a.ExecProcessSpec)
	boolean("--exec-attach", a.ExecAttach)
	boolean("--run", a.Run)
	boolean("--sealed-runtime", a.SealedRuntime)
	str("--restore", a.Restore)
	boolean("--sync", a.Sync)
	if a.Timeout > 0 {
		v = append(v, "-T", strconv.Itoa(a.Timeout))
	}
	str("--sdnotify-socket", a.SdNotifySocket)
	boolean("--no-sync-log", a.NoSyncLog)
	str("--exit-command", a.ExitCommand)
	for _, e := range a.ExitCommandArgs {
		v = append(v, "--exit-command-arg", e)
	}
	if a.ExitDelay > 0 {
		v = append(v, "--exit-delay", strconv.Itoa(a.ExitDelay))
	}
	if a.PeriodicCommand != "" && a.PeriodicInterval > 0 {
		v = append(v, "--periodic-command", a.PeriodicCommand)
		for _, e := range a.PeriodicCommandArgs {
			v = append(v, "--periodic-command-arg", e)
		}
		v = append(v, "--periodic-interval", strconv.FormatInt(a.PeriodicInterval, 10))
		if a.PeriodicPid > 0 {
			v = append(v, "--periodic-pid", strconv.Itoa(a.PeriodicPid))
		}
	}
	boolean("--replace-listen-pid", a.ReplaceListenPid)
	if a.LogGlobalSizeMax > 0 {
		v = append(v, "--log-global-size-max", strconv.FormatInt(a.LogGlobalSizeMax, 10))
	}
	str("--seccomp-notify-socket", a.SeccompNotifySocket)
	str("--seccomp-notify-plugins", a.SeccompNotifyPlugins)
	return v
}

// SyncMessage is one line the monitor writes on the sync (or attach) pipe.
// With --api-version the value is under "data"; older callers used "pid" for
// create and "exit_code" for exec.
type SyncMessage struct {
	Data     *int   `json:"data,omitempty"`
	Pid      *int   `json:"pid,omitempty"`
	ExitCode *int   `json:"exit_code,omitempty"`
	Message  string `json:"message,omitempty"`
}

// Value returns the message's integer, whichever key carried it.
func (m *SyncMessage) Value() (int, bool) {
	switch {
	case m.Data != nil:
		return *m.Data, true
	case m.Pid != nil:
		return *m.Pid, true
	case m.ExitCode != nil:
		return *m.ExitCode, true
	}
	return 0, false
}

package monitor

import (
	"os"
	"runtime/debug"
	"strconv"
	"syscall"

	"github.com/pod-engine/pod/pkg/conmon"
)

// Version is pod-conmon's version; `--version` prints it conmon-style.
const Version = "0.1.0"

// envDaemon marks the re-executed daemon; its value lists the variables the
// first process added for the daemon's Go runtime, which the daemon removes
// again so the OCI runtime and the exit command see the caller's environment.
const envDaemon = "_POD_CONMON_DAEMON"

// Main runs pod-conmon with argv (argv[0] included) and returns the exit
// status.
func Main(argv []string) int {
	if v, ok := os.LookupEnv(envTrampoline); ok {
		return trampoline(v)
	}
	a, err := conmon.ParseArgs(argv[1:])
	if err != nil {
		writeStderr("pod-conmon: option parsing failed: " + err.Error() + "\n")
		return 1
	}
	if a.Help {
		_, _ = os.Stdout.WriteString(usage)
		return 0
	}
	if a.Version {
		_, _ = os.Stdout.WriteString("pod-conmon version " + Version + "\ncommit: " + commit() + "\n")
		return 0
	}
	// pod's own callers start us directly (conmon.EnvDirect): take the
	// variables it added for our Go runtime out again.
	added, direct := os.LookupEnv(conmon.EnvDirect)
	if direct {
		os.Unsetenv(conmon.EnvDirect)
		for _, name := range splitComma(added) {
			os.Unsetenv(name)
		}
	}
	if a.PeriodicPid > 0 {
		return runTimer(a)
	}
	if a.CID == "" {
		writeStderr("pod-conmon: Container ID not provided. Use --cid\n")
		return 1
	}
	c, msg := newConfig(a)
	if msg != "" {
		errorf(msg)
		return 1
	}
	if direct {
		return runDirect(c)
	}
	if added, ok := os.LookupEnv(envDaemon); ok {
		os.Unsetenv(envDaemon)
		for _, name := range splitComma(added) {
			os.Unsetenv(name)
		}
		return runDaemon(c, -1, true)
	}
	return runParent(c)
}

func writeStderr(s string) { _, _ = syscall.Write(2, []byte(s)) }

func splitComma(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != ',' {
			i++
		}
		if i > 0 {
			out = append(out, s[:i])
		}
		if i == len(s) {
			break
		}
		s = s[i+1:]
	}
	return out
}

func commit() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && s.Value != "" {
				return s.Value
			}
		}
	}
	return "unknown"
}

func itoa(n int) string { return strconv.Itoa(n) }

const usage = `Usage:
  pod-conmon [OPTION…] - conmon-compatible container monitor

Help Options:
  -h, --help                   Show help options

Application Options:
  --api-version                Conmon API version to use
  -b, --bundle                 Location of the OCI Bundle path
  -c, --cid                    Identification of Container
  -P, --conmon-pidfile         PID file for the conmon process
  -p, --container-pidfile      PID file for the initial pid inside of container
  -u, --cuuid                  Container UUID
  -e, --exec                   Exec a command into a running container
  --exec-attach                Attach to an exec session (or, with --run, to the container)
  --exec-process-spec          Path to the process spec for execution
  --exit-command               Path to the program to execute when the container terminates its execution
  --exit-command-arg           Additional arg to pass to the exit command.  Can be specified multiple times
  --exit-delay                 Delay before invoking the exit command (in seconds)
  --exit-dir                   Path to the directory where exit files are written
  --leave-stdin-open           Leave stdin open when attached client disconnects
  --log-level                  Print debug logs based on log level
  -l, --log-path               Log file path
  --log-size-max               Maximum size of log file
  --log-global-size-max        Maximum size of all log files
  --log-tag                    Additional tag to use for logging
  -n, --name                   Container name
  --no-new-keyring             Do not create a new session keyring for the container
  --no-pivot                   Do not use pivot_root
  --no-sync-log                Do not manually call sync on logs after container shutdown
  -0, --persist-dir            Persistent directory for a container that can be used for storing container data
  --replace-listen-pid         Replace listen pid if set for oci-runtime pid
  --restore                    Restore a container from a checkpoint
  --run                        Create and start the container in one runtime call (pod-conmon only)
  --sealed-runtime             Exec the runtime from a sealed in-memory copy (pod-conmon only)
  -r, --runtime                Path of the OCI runtime binary
  --runtime-arg                Additional arg to pass to the runtime. Can be specified multiple times
  --runtime-opt                Additional opts to pass to the restore or exec command. Can be specified multiple times
  --sdnotify-socket            Path to the host's sd-notify socket to relay messages to
  --socket-dir-path            Location of container attach sockets
  -i, --stdin                  Open up a pipe to pass stdin to the container
  --sync                       Keep the main conmon process as its child by only forking once
  --syslog                     Log to syslog (use with cgroupfs cgroup manager)
  -s, --systemd-cgroup         Enable systemd cgroup manager, rather then use the cgroupfs directly
  -t, --terminal               Allocate a pseudo-TTY. The default is false
  -T, --timeout                Kill container after specified timeout in seconds.
  --version                    Print the version and exit
  --full-attach                Don't truncate the path to the attach socket. This option causes conmon to ignore --socket-dir-path
  --seccomp-notify-socket      Not supported (accepted for compatibility; an error if used)
  --seccomp-notify-plugins     Not supported (accepted for compatibility; an error if used)
`

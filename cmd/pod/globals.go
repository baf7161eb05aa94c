package main

// Podman's global flags. Each one either changes what pod does (storage,
// runtime, monitor, logging, output, profiling, containers.conf modules), or
// is validated and recorded in the configuration for the subsystem that will
// use it (events, volumes, networks, hooks; `pod info` shows them), or — the
// remote-service flags — is refused: pod has no service to connect to.
// docs/cli.md, "Global flags, info and version", lists which is which.

import (
	"fmt"
	"log/syslog"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	lsyslog "github.com/sirupsen/logrus/hooks/syslog"
	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// logLevels are Podman's --log-level values, in its order.
var logLevels = []string{"trace", "debug", "info", "warn", "warning", "error", "fatal", "panic"}

// rootOpts are the root flags that do not go into libpod.Options.
var rootOpts struct {
	noOut          bool
	out            string
	syslog         bool
	cpuProfile     string
	memoryProfile  string
	maxWorkers     int
	registriesConf string
	namespace      string
	trace          bool
	// Remote-service flags, refused.
	connection, url, identity, ssh, context string
	remote                                  bool
}

// remoteFlags are Podman's flags for a remote Podman service.
var remoteFlags = []string{"remote", "connection", "url", "identity", "ssh"}

// addGlobalFlags declares Podman's global flags on root: persistent flags
// (valid before and after the verb) and, as in Podman, the remote-service
// flags as root-only flags.
func addGlobalFlags(root *cobra.Command) {
	g := &globals
	pf := root.PersistentFlags()
	pf.StringVar(&g.Root, "root", "", "Path to the root directory in which data, including images, is stored")
	pf.StringVar(&g.RunRoot, "runroot", "", "Path to the 'run directory' where all state information is stored")
	pf.StringVar(&g.StorageDriver, "storage-driver", "", "Select which storage driver is used to manage storage of images and containers")
	pf.StringArrayVar(&g.StorageOpts, "storage-opt", nil, "Used to pass an option to the storage driver")
	pf.StringVar(&g.Runtime, "runtime", "", "Path or name of the OCI runtime or containerd shim to use for new containers")
	pf.StringArrayVar(&g.RuntimeFlags, "runtime-flag", nil, "add global flags for the container runtime")
	pf.StringVar(&g.Conmon, "conmon", "", "Path of the conmon-protocol monitor binary (default pod-conmon)")
	pf.StringVar(&g.TmpDir, "tmpdir", "", "Path to the tmp directory for libpod state content.\n\nNote: use the environment variable 'TMPDIR' to change the temporary storage location for container images, '/var/tmp'.\n")
	pf.StringVar(&g.LogLevel, "log-level", "warn", fmt.Sprintf("Log messages above specified level (%s)", strings.Join(logLevels, ", ")))
	pf.StringVar(&g.CgroupManager, "cgroup-manager", "", "Cgroup manager to use (\"cgroupfs\"|\"systemd\")")
	pf.StringArrayVar(&g.Modules, "module", nil, "Load the containers.conf(5) module")
	pf.StringVar(&g.EventsBackend, "events-backend", "", `Events backend to use ("file"|"journald"|"none")`)
	pf.StringVar(&g.VolumePath, "volumepath", "", "Path to the volume directory in which volume data is stored")
	pf.StringVar(&g.NetworkConfigDir, "network-config-dir", "", "Path of the configuration directory for networks")
	pf.StringVar(&g.NetworkConfigDir, "cni-config-dir", "", "Path of the configuration directory for CNI networks")
	pf.StringVar(&g.NetworkCmdPath, "network-cmd-path", "", "Path to the command for configuring the network")
	pf.StringSliceVar(&g.HooksDirs, "hooks-dir", nil, "Set the OCI hooks directory path (may be set multiple times)")
	pf.StringVar(&g.DefaultMountsFile, "default-mounts-file", "", "Path to default mounts file")
	pf.StringVar(&rootOpts.namespace, "namespace", "", "Set the libpod namespace, used to create separate views of the containers and pods on the system (refused: pod has no namespaces yet)")
	pf.BoolVar(&rootOpts.noOut, "noout", false, "do not output to stdout")
	pf.StringVar(&rootOpts.out, "out", "", "Send output (stdout) from pod to a file")
	pf.BoolVar(&rootOpts.syslog, "syslog", false, "Output logging information to syslog as well as the console (default false)")
	pf.StringVar(&rootOpts.cpuProfile, "cpu-profile", "", "Path for the cpu-profiling results")
	pf.StringVar(&rootOpts.memoryProfile, "memory-profile", "", "Path for the memory-profiling results")
	pf.IntVar(&rootOpts.maxWorkers, "max-workers", runtime.NumCPU()*3+1, "The maximum number of workers for parallel operations")
	pf.StringVar(&rootOpts.registriesConf, "registries-conf", "", "Path to a registries.conf to use for image processing")
	pf.BoolVar(&rootOpts.trace, "trace", false, "Enable opentracing output (default false)")
	for _, f := range []string{"cni-config-dir", "cpu-profile", "default-mounts-file", "max-workers", "memory-profile", "registries-conf", "trace"} {
		_ = pf.MarkHidden(f)
	}
	noFiles := cobra.ShellCompDirectiveNoFileComp
	for flag, values := range map[string][]string{
		"log-level":      logLevels,
		"events-backend": {"file", "journald", "none"},
		"cgroup-manager": {"cgroupfs", "systemd"},
	} {
		_ = root.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, noFiles))
	}

	lf := root.Flags()
	lf.StringVarP(&rootOpts.connection, "connection", "c", "", "Connection to use for remote Podman service (refused: pod has no remote service)")
	lf.StringVar(&rootOpts.url, "url", "", "URL to access Podman service (refused: pod has no remote service)")
	lf.StringVar(&rootOpts.identity, "identity", "", "path to SSH identity file (refused: pod has no remote service)")
	lf.BoolVarP(&rootOpts.remote, "remote", "r", false, "Access remote Podman service (refused: pod has no remote service)")
	lf.StringVar(&rootOpts.ssh, "ssh", "", "define the ssh mode (refused: pod has no remote service)")
	lf.StringVar(&rootOpts.context, "context", "default", "Name of the context to use to connect to the daemon (This flag is a NOOP and provided solely for scripting compatibility.)")
	_ = lf.MarkHidden("context")
}

// applyGlobalFlags checks the root flags and applies those that act on the
// process itself (logging, output, profiling). It runs before every verb.
func applyGlobalFlags(cmd *cobra.Command) error {
	if err := checkLogLevel(); err != nil {
		return err
	}

	root := cmd.Root()
	for _, name := range remoteFlags {
		f := root.Flags().Lookup(name)
		if f == nil || !f.Changed || (name == "remote" && !rootOpts.remote) {
			continue
		}
		return fmt.Errorf("--%s: pod has no remote service: it manages containers on this host only, so there is nothing to connect to; drop --%s (use podman-remote to reach a Podman service): %w",
			name, name, errdefs.ErrNotImplemented)
	}
	if rootOpts.context != "default" {
		return fmt.Errorf("pod does not support swarm, the only --context value allowed is \"default\": %w", errdefs.ErrInvalidArgument)
	}
	if rootOpts.namespace != "" {
		return fmt.Errorf("--namespace %q: pod does not support libpod namespaces (separate views of containers) yet; drop the flag: %w",
			rootOpts.namespace, errdefs.ErrNotImplemented)
	}
	if rootOpts.maxWorkers <= 0 {
		return fmt.Errorf("maximum workers must be set to a positive number (got %d): %w", rootOpts.maxWorkers, errdefs.ErrInvalidArgument)
	}
	globals.MaxWorkers = rootOpts.maxWorkers
	if p := rootOpts.registriesConf; p != "" {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("locating specified registries.conf: %w: %w", err, errdefs.ErrInvalidArgument)
		}
		// pod's short-name resolution and pod-image both read it from here.
		if err := os.Setenv("CONTAINERS_REGISTRIES_CONF", p); err != nil {
			return err
		}
	}
	if err := redirectStdout(); err != nil {
		return err
	}
	if rootOpts.syslog {
		if err := useSyslog(); err != nil {
			fmt.Fprintf(os.Stderr, "Failed to initialize syslog hook: %v\n", err)
			return &errdefs.ExitCodeError{Code: 1}
		}
		globals.Syslog = true
	}
	return startProfiles()
}

// checkLogLevel checks --log-level as Podman does and sets logrus' level.
func checkLogLevel() error {
	lvl := strings.ToLower(globals.LogLevel)
	if !slices.Contains(logLevels, lvl) {
		// Podman's words and exit code, without "Error: ".
		fmt.Fprintf(os.Stderr, "Log Level %q is not supported, choose from: %s\n", globals.LogLevel, strings.Join(logLevels, ", "))
		return &errdefs.ExitCodeError{Code: 1}
	}
	globals.LogLevel = lvl
	level, _ := logrus.ParseLevel(lvl)
	logrus.SetLevel(level)
	return nil
}

// applyOutputFlags re-applies --log-level's check and --noout/--out for a
// forwarded image verb that had them after the verb.
func applyOutputFlags() error {
	if err := checkLogLevel(); err != nil {
		return err
	}
	return redirectStdout()
}

// redirectStdout applies --noout and --out to file descriptor 1, so pod's
// output, a forwarded image verb's and attached container output all go
// there; stderr stays where it was.
func redirectStdout() error {
	path, flags := rootOpts.out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC
	if rootOpts.noOut {
		path, flags = os.DevNull, os.O_WRONLY
	}
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return fmt.Errorf("--out: %w: %w", err, errdefs.ErrInvalidArgument)
	}
	defer f.Close()
	if err := syscall.Dup3(int(f.Fd()), 1, 0); err != nil {
		return fmt.Errorf("redirecting stdout to %s: %w", path, err)
	}
	return nil
}

// useSyslog sends logrus messages and pod's warnings to syslog as well.
func useSyslog() error {
	hook, err := lsyslog.NewSyslogHook("", "", syslog.LOG_INFO, "")
	if err != nil {
		return err
	}
	logrus.AddHook(hook)
	w := hook.Writer
	globals.Warnf = func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		fmt.Fprintf(os.Stderr, "WARN[%04d] %s\n", int(time.Since(processStart).Seconds()), msg)
		_ = w.Warning(msg)
	}
	return nil
}

var processStart = time.Now()

// startProfiles starts --cpu-profile; stopProfiles ends it and writes
// --memory-profile when the verb is done.
func startProfiles() error {
	if rootOpts.memoryProfile != "" {
		runtime.MemProfileRate = 4096 // Podman's rate
	}
	if rootOpts.cpuProfile == "" {
		return nil
	}
	f, err := os.Create(rootOpts.cpuProfile)
	if err != nil {
		return fmt.Errorf("--cpu-profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("--cpu-profile: %w", err)
	}
	profiling = f
	return nil
}

var profiling *os.File

func stopProfiles() {
	if profiling != nil {
		pprof.StopCPUProfile()
		_ = profiling.Close()
		profiling = nil
	}
	if rootOpts.memoryProfile == "" {
		return
	}
	f, err := os.Create(rootOpts.memoryProfile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: creating memory profile: %v\n", err)
		return
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "Error: writing memory profile: %v\n", err)
	}
}

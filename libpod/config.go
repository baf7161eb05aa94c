package libpod

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.podman.io/common/pkg/config"
	storagetypes "go.podman.io/storage/types"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// Options are pod's global flags (Podman's names). Zero values mean "from
// the configuration files".
type Options struct {
	Root          string   // --root: storage graph root
	RunRoot       string   // --runroot: storage run root
	StorageDriver string   // --storage-driver
	StorageOpts   []string // --storage-opt
	Runtime       string   // --runtime: default runtime for new containers (name or absolute path)
	RuntimeFlags  []string // --runtime-flag (without leading --)
	Conmon        string   // --conmon: monitor binary
	TmpDir        string   // --tmpdir
	LogLevel      string   // --log-level
	CgroupManager string   // --cgroup-manager
	Syslog        bool     // --syslog: the monitor and the exit command log to syslog too
	// Modules are containers.conf modules (--module): a name under a
	// containers.conf.modules directory or an absolute path.
	Modules []string
	// The flags below are validated and recorded in the configuration for
	// the subsystems that will use them (events, volumes, networks, hooks);
	// `pod info` shows them. Empty means "from containers.conf".
	EventsBackend     string   // --events-backend: file, journald or none
	VolumePath        string   // --volumepath
	NetworkConfigDir  string   // --network-config-dir
	NetworkCmdPath    string   // --network-cmd-path
	HooksDirs         []string // --hooks-dir (nil: containers.conf)
	DefaultMountsFile string   // --default-mounts-file
	// MaxWorkers bounds verbs that act on many containers at once
	// (--max-workers; 0 = their own default).
	MaxWorkers int
	// Executable is the pod binary the monitor's exit command runs; empty = os.Executable().
	Executable string
	// MonitorSearch are directories searched for pod-conmon before $PATH
	// (defaults: the directory of Executable, then /usr/local/libexec/pod,
	// /usr/libexec/pod).
	MonitorSearch []string
	// StopPauseProcess, when set, runs at the end of `system migrate`, as
	// Podman stops its rootless pause process there (the hook for the
	// rootless subsystem; nil: nothing to stop).
	StopPauseProcess func() error
	// Warnf, when set, receives warnings instead of stderr.
	Warnf func(format string, args ...any)
	// Drivers replace the built-in runtime drivers (tests use a fake).
	Drivers []ocirt.Driver
}

// Paths are where libpod keeps its files.
type Paths struct {
	GraphRoot string // storage graph root (persistent)
	RunRoot   string // storage run root (tmpfs)
	TmpDir    string // containers.conf tmp_dir: exit files, persist dirs
	State     string // SQLite database
	Static    string // per-container bundles and logs: <Static>/<id>
	Run       string // per-container run dirs: <Run>/<id>
	Locks     string // lock files
	Exits     string // exit files: <Exits>/<id>
	Persist   string // <Persist>/<id>/{exit,oom}
	Volumes   string // volume_path (--volumepath): where named volumes will live
}

// loadConfig reads containers.conf (all the usual files, drop-in dirs,
// modules, CONTAINERS_CONF, CONTAINERS_CONF_OVERRIDE) and applies the
// global flags.
func loadConfig(o *Options) (*config.Config, error) {
	cfg, err := config.New(&config.Options{Modules: o.Modules})
	if err != nil {
		return nil, fmt.Errorf("reading containers.conf: %w: %w", err, errdefs.ErrInvalidArgument)
	}
	if err := applyFlags(cfg, o); err != nil {
		return nil, err
	}
	return cfg, nil
}

// applyFlags puts the global flags into cfg and validates what Podman
// validates, so a bad value fails the same way whichever source set it.
func applyFlags(cfg *config.Config, o *Options) error {
	e := &cfg.Engine
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&e.TmpDir, o.TmpDir)
	set(&e.CgroupManager, o.CgroupManager)
	set(&e.OCIRuntime, o.Runtime)
	set(&e.EventsLogger, o.EventsBackend)
	set(&e.VolumePath, o.VolumePath)
	set(&e.NetworkCmdPath, o.NetworkCmdPath)
	set(&cfg.Network.NetworkConfigDir, o.NetworkConfigDir)
	set(&cfg.Containers.DefaultMountsFile, o.DefaultMountsFile)
	if o.HooksDirs != nil {
		e.HooksDir.Set(o.HooksDirs)
	}
	switch e.CgroupManager {
	case "cgroupfs", "systemd":
	default:
		return fmt.Errorf("invalid --cgroup-manager %q: use cgroupfs or systemd: %w", e.CgroupManager, errdefs.ErrInvalidArgument)
	}
	switch e.EventsLogger {
	case "file", "journald", "none":
	default:
		return fmt.Errorf("%q is not a valid events backend: use file, journald or none (--events-backend, containers.conf events_logger): %w",
			e.EventsLogger, errdefs.ErrInvalidArgument)
	}
	if !filepath.IsAbs(e.TmpDir) {
		return fmt.Errorf("tmp_dir %q must be an absolute path: %w", e.TmpDir, errdefs.ErrInvalidArgument)
	}
	paths := []struct{ flag, v string }{
		{"--volumepath", o.VolumePath},
		{"--network-config-dir", o.NetworkConfigDir},
		{"--network-cmd-path", o.NetworkCmdPath},
	}
	for _, d := range o.HooksDirs {
		paths = append(paths, struct{ flag, v string }{"--hooks-dir", d})
	}
	for _, p := range paths {
		if p.v != "" && !filepath.IsAbs(p.v) || p.v == "" && p.flag == "--hooks-dir" {
			return fmt.Errorf("%s %q must be an absolute path: %w", p.flag, p.v, errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

// storeOptions reads storage.conf (once per process; the fuzz test reads it
// afresh each time).
var storeOptions = storagetypes.DefaultStoreOptions

// storagePaths returns the graph root and run root: the flags, else
// storage.conf (CONTAINERS_STORAGE_CONF honoured), as Podman computes them.
func storagePaths(o *Options) (graph, run string, err error) {
	graph, run = o.Root, o.RunRoot
	if graph == "" || run == "" {
		so, err := storeOptions()
		if err != nil {
			return "", "", fmt.Errorf("reading storage.conf: %w: %w", err, errdefs.ErrInvalidArgument)
		}
		if graph == "" {
			graph = so.GraphRoot
		}
		if run == "" {
			run = so.RunRoot
		}
	}
	for _, p := range []struct{ flag, v string }{{"--root", graph}, {"--runroot", run}} {
		if !filepath.IsAbs(p.v) {
			return "", "", fmt.Errorf("%s %q must be an absolute path: %w", p.flag, p.v, errdefs.ErrInvalidArgument)
		}
	}
	return filepath.Clean(graph), filepath.Clean(run), nil
}

// volumePath is --volumepath, else <graph root>/volumes when --root moved the
// store (as Podman does), else containers.conf's volume_path.
func volumePath(o *Options, cfg *config.Config, graph string) string {
	switch {
	case o.VolumePath != "":
		return filepath.Clean(o.VolumePath)
	case o.Root == "" && cfg.Engine.VolumePath != "":
		return cfg.Engine.VolumePath
	}
	return filepath.Join(graph, "volumes")
}

func makePaths(graph, run, tmp string) Paths {
	return Paths{
		GraphRoot: graph,
		RunRoot:   run,
		TmpDir:    tmp,
		State:     filepath.Join(graph, "pod", "pod.db"),
		Static:    filepath.Join(graph, "pod", "containers"),
		Run:       filepath.Join(run, "pod", "containers"),
		Locks:     filepath.Join(run, "pod", "locks"),
		Exits:     filepath.Join(tmp, "exits"),
		Persist:   filepath.Join(tmp, "persist"),
	}
}

// findMonitor returns the monitor binary: --conmon, else pod-conmon next to
// the pod binary or in the libexec dirs, else containers.conf conmon_path
// (the real conmon), else conmon on $PATH.
func (r *Runtime) findMonitor() (string, error) {
	if c := r.opts.Conmon; c != "" {
		if !filepath.IsAbs(c) {
			p, err := lookPath(c)
			if err != nil {
				return "", fmt.Errorf("--conmon %q: %w", c, err)
			}
			return p, nil
		}
		if err := isExecutable(c); err != nil {
			return "", fmt.Errorf("--conmon: %w", err)
		}
		return c, nil
	}
	if p := r.findHelper("pod-conmon"); p != "" {
		return p, nil
	}
	for _, p := range r.cfg.Engine.ConmonPath.Get() {
		if isExecutable(p) == nil {
			return p, nil
		}
	}
	if p, err := lookPath("conmon"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("no monitor found: install pod-conmon next to pod or in /usr/local/libexec/pod, or conmon (tried %s and conmon_path): %w",
		strings.Join(r.helperDirs(), ", "), errdefs.ErrUnavailable)
}

func isExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

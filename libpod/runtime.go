package libpod

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"go.podman.io/common/pkg/config"

	"github.com/pod-engine/pod/libpod/internal/lock"
	"github.com/pod-engine/pod/libpod/internal/store"
	"github.com/pod-engine/pod/pkg/imagestore"
	"github.com/pod-engine/pod/pkg/network"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/oci"
	"github.com/pod-engine/pod/pkg/ocirt/podconf"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2"
)

// Runtime is one pod process's view of the engine: configuration, state
// database, locks and the registry of OCI runtimes. It is cheap to create;
// everything a verb does not need is opened lazily.
type Runtime struct {
	opts     Options
	cfg      *config.Config
	paths    Paths
	exe      string
	registry *ocirt.Registry
	locks    *lock.Manager

	dbOnce sync.Once
	db     *store.Store
	dbErr  error

	storeOnce sync.Once
	store     *imagestore.Store
	storeErr  error

	netOnce sync.Once
	net     *network.Manager
	ev      eventsState

	monitorOnce sync.Once
	monitor     string
	monitorErr  error

	podChecks podCheckQueue // pods whose exit policy to apply at Shutdown
}

// NewRuntime loads the configuration and prepares the runtime. It opens
// nothing that a verb might not need.
func NewRuntime(o Options) (*Runtime, error) {
	lc, err := loadConfigured(&o)
	if err != nil {
		return nil, err
	}
	exe := o.Executable
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("finding the pod binary: %w", err)
		}
	}
	r := &Runtime{opts: o, cfg: lc.cfg, exe: exe, paths: lc.paths}
	if r.locks, err = lock.NewManager(r.paths.Locks); err != nil {
		return nil, err
	}
	drivers := o.Drivers
	if drivers == nil {
		drivers = r.builtinDrivers()
	}
	r.registry = ocirt.NewRegistry(lc.registry, drivers...)
	return r, nil
}

// builtinDrivers are the runtime kinds, asked in this order for a runtime
// name: adding a kind is one line here.
func (r *Runtime) builtinDrivers() []ocirt.Driver {
	return []ocirt.Driver{
		oci.Driver{Monitor: r.monitorPath, Timer: func() string { return r.findHelper("pod-conmon") }},
		shimv2.Driver{Monitor: r.findHelper("pod-shim")},
	}
}

// configured is what the configuration files (containers.conf,
// storage.conf, pod.conf) and the global flags say, validated, before
// anything is opened or created.
type configured struct {
	cfg      *config.Config
	paths    Paths
	registry ocirt.Config
}

// loadConfigured reads and validates every configuration file pod reads at
// startup; a bad file or value is an error naming it, never a panic.
func loadConfigured(o *Options) (*configured, error) {
	cfg, err := loadConfig(o)
	if err != nil {
		return nil, err
	}
	graph, run, err := storagePaths(o)
	if err != nil {
		return nil, err
	}
	lc := &configured{cfg: cfg, paths: makePaths(graph, run, cfg.Engine.TmpDir)}
	lc.paths.Volumes = volumePath(o, cfg, graph)
	lc.registry = registryConfig(cfg, o, lc.paths)
	pc, err := podconf.Load()
	if err != nil {
		return nil, err
	}
	pc.Apply(&lc.registry)
	if o.Runtime != "" {
		lc.registry.Default = o.Runtime // --runtime wins over pod.conf's default_runtime
	}
	return lc, nil
}

// registryConfig maps containers.conf onto the runtime registry's config.
func registryConfig(cfg *config.Config, o *Options, p Paths) ocirt.Config {
	e := &cfg.Engine
	return ocirt.Config{
		Default:           e.OCIRuntime,
		Runtimes:          e.OCIRuntimes,
		Flags:             e.OCIRuntimesFlags,
		CLIFlags:          o.RuntimeFlags,
		SupportsJSON:      e.RuntimeSupportsJSON.Get(),
		SupportsNoCgroups: e.RuntimeSupportsNoCgroups.Get(),
		SupportsKVM:       e.RuntimeSupportsKVM.Get(),
		CacheFile:         filepath.Join(p.RunRoot, "pod", "runtimes.json"),
		StateDir:          filepath.Join(p.RunRoot, "pod", "runtime"),
	}
}

// Paths returns where the runtime keeps its files.
func (r *Runtime) Paths() Paths { return r.paths }

// Config returns the loaded containers.conf.
func (r *Runtime) Config() *config.Config { return r.cfg }

// Registry returns the registry of OCI runtimes.
func (r *Runtime) Registry() *ocirt.Registry { return r.registry }

// state opens the state database on first use.
func (r *Runtime) state() (*store.Store, error) {
	r.dbOnce.Do(func() {
		r.db, r.dbErr = store.Open(r.paths.State)
		if r.dbErr == nil {
			if err := r.refreshAfterReboot(r.db); err != nil {
				r.warnf("refreshing container states after a reboot: %v", err)
			}
		}
	})
	return r.db, r.dbErr
}

// monitorPath finds the monitor binary on first use.
func (r *Runtime) monitorPath() (string, error) {
	r.monitorOnce.Do(func() {
		r.monitor, r.monitorErr = r.findMonitor()
	})
	return r.monitor, r.monitorErr
}

// Shutdown releases what the runtime opened. The database's close (SQLite's
// checkpoint: two fsyncs) and the storage's release (its locks, the unmount
// of the overlay home) are independent and run side by side: both are on
// every command's way out.
func (r *Runtime) Shutdown() {
	r.runPodChecks()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if r.store != nil {
			r.store.Shutdown(false)
		}
	}()
	if r.db != nil {
		_ = r.db.Close()
	}
	<-done
	r.debugf("shut down")
}

func lookPath(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", err
	}
	return filepath.Abs(p)
}

// warnf prints a warning the way Podman's logrus does: "WARN[0010] text".
func (r *Runtime) warnf(format string, args ...any) {
	if r.opts.Warnf != nil {
		r.opts.Warnf(format, args...)
		return
	}
	fmt.Fprintf(os.Stderr, "WARN[%04d] %s\n", int(time.Since(processStart).Seconds()), fmt.Sprintf(format, args...))
}

var processStart = time.Now()

// debugf prints a debug message, with the time since process start, when
// --log-level is debug or trace.
func (r *Runtime) debugf(format string, args ...any) {
	switch r.opts.LogLevel {
	case "debug", "trace":
		fmt.Fprintf(os.Stderr, "DEBU[%07.3fms] %s\n", float64(time.Since(processStart).Microseconds())/1000, fmt.Sprintf(format, args...))
	}
}

// findHelper returns the path of one of pod's helper binaries (pod-conmon,
// pod-shim): next to the pod binary, in the configured search dirs, or in
// /usr/local/libexec/pod and /usr/libexec/pod; "" when none is found (the
// user of the helper then says what is missing).
func (r *Runtime) findHelper(name string) string {
	for _, d := range r.helperDirs() {
		p := filepath.Join(d, name)
		if isExecutable(p) == nil {
			return p
		}
	}
	return ""
}

func (r *Runtime) helperDirs() []string {
	if r.opts.MonitorSearch != nil {
		return r.opts.MonitorSearch
	}
	return []string{filepath.Dir(r.exe), "/usr/local/libexec/pod", "/usr/libexec/pod"}
}

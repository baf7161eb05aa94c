package ocirt

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Config is the runtime part of the engine configuration (containers.conf
// [engine] plus pod's own aliases), already merged by the caller.
type Config struct {
	Default           string              // [engine] runtime: a name, an alias, a shim type or an absolute path
	Runtimes          map[string][]string // [engine.runtimes]: name → candidate paths
	Flags             map[string][]string // [engine.runtimes_flags]: name → flags without "--"
	CLIFlags          []string            // --runtime-flag values (replace Flags for the runtime in use)
	SupportsJSON      []string            // runtime_supports_json
	SupportsNoCgroups []string            // runtime_supports_nocgroup
	SupportsKVM       []string            // runtime_supports_kvm
	Monitor           string              // resolved monitor binary for KindOCI runtimes
	ShimDirs          []string            // extra directories searched for containerd-shim-* binaries (before $PATH)
	Aliases           map[string]Alias    // pod.conf [runtimes.<name>]: shim aliases with options
	CacheFile         string              // probe cache; empty = no cache
	// StateDir, when set, gives every OCI runtime its own state root
	// (--root=<StateDir>/<name>) unless its flags already set --root.
	StateDir string
}

// Alias names a shim runtime type with options, e.g. kata → io.containerd.kata.v2.
type Alias struct {
	Type       string         `json:"type" toml:"type"`                                  // shim runtime type, e.g. io.containerd.kata.v2
	Options    map[string]any `json:"options,omitempty" toml:"options"`                  // typed shim options (BinaryName, Root, SystemdCgroup, ConfigPath…)
	ConfigPath string         `json:"configPath,omitempty" toml:"config_path,omitempty"` // runtime config file for the shim
}

// Driver implements one runtime kind.
type Driver interface {
	Kind() Kind
	// Probe runs the binary to learn its version and, where it has them, its
	// features (JSON). A failing features query is not an error.
	Probe(ctx context.Context, path string) (version string, features json.RawMessage, err error)
	// Open builds the runtime for a stored handle. It must not run anything.
	Open(h Handle) (Runtime, error)
}

// Info describes one runtime as found on this host.
type Info struct {
	Name      string          `json:"name"`
	Kind      Kind            `json:"kind"`
	Path      string          `json:"path,omitempty"`
	Tried     []string        `json:"tried,omitempty"`
	Version   string          `json:"version,omitempty"`
	Features  json.RawMessage `json:"features,omitempty"`
	Flags     []string        `json:"flags,omitempty"`
	Default   bool            `json:"default"`
	Available bool            `json:"available"`
	Reason    string          `json:"reason,omitempty"` // why it is not available
	Alias     *Alias          `json:"alias,omitempty"`
}

// defaultOrder is how the default runtime is picked when none is configured.
var defaultOrder = []string{"crun", "runc", "runj", "kata", "runsc", "ocijail"}

// Registry resolves runtime names into handles and handles into runtimes.
type Registry struct {
	cfg     Config
	drivers map[Kind]Driver

	mu       sync.Mutex
	resolved map[string]resolution
}

type resolution struct {
	path  string
	tried []string
	err   error
}

// NewRegistry returns a registry over cfg using the given drivers.
func NewRegistry(cfg Config, drivers ...Driver) *Registry {
	r := &Registry{cfg: cfg, drivers: map[Kind]Driver{}, resolved: map[string]resolution{}}
	for _, d := range drivers {
		r.drivers[d.Kind()] = d
	}
	return r
}

// nameRE is what a runtime name (not a path, not a shim type) may look like.
var nameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$`)

// shimTypeRE matches containerd runtime types such as io.containerd.runc.v2.
var shimTypeRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]*(\.[a-zA-Z0-9][a-zA-Z0-9_+-]*)+\.v[0-9]+$`)

// ShimBinary returns the binary name for a shim runtime type:
// io.containerd.runc.v2 → containerd-shim-runc-v2.
func ShimBinary(shimType string) (string, error) {
	if !shimTypeRE.MatchString(shimType) {
		return "", fmt.Errorf("invalid shim runtime type %q: expected a dotted name ending in a version, such as io.containerd.runc.v2: %w", shimType, errdefs.ErrInvalidArgument)
	}
	parts := strings.Split(shimType, ".")
	bin := "containerd-shim-" + parts[len(parts)-2] + "-" + parts[len(parts)-1]
	if !shimBinaryRE.MatchString(bin) {
		return "", fmt.Errorf("invalid shim runtime type %q: binary name %q must match %s: %w", shimType, bin, shimBinaryRE, errdefs.ErrInvalidArgument)
	}
	return bin, nil
}

// shimBinaryRE is the base name a shim binary must have (CRI-O enforces the
// same for runtime_type "vm").
var shimBinaryRE = regexp.MustCompile(`^containerd-shim-[a-zA-Z0-9\-\+]+$`)

// DefaultName returns the configured default runtime, or the first of
// crun, runc, runj, kata, runsc, ocijail that is installed.
func (r *Registry) DefaultName() string {
	if r.cfg.Default != "" {
		return r.cfg.Default
	}
	for _, n := range defaultOrder {
		if _, ok := r.cfg.Runtimes[n]; !ok {
			continue
		}
		if res := r.resolve(n); res.err == nil {
			return n
		}
	}
	return "crun"
}

// Resolve turns a requested runtime (empty = the default) into the handle a
// new container records. Errors name what was asked for and what exists.
func (r *Registry) Resolve(name string) (Handle, error) {
	if name == "" {
		name = r.DefaultName()
	}
	switch {
	case strings.HasPrefix(name, "/"):
		return r.resolvePath(name)
	case strings.Contains(name, "/"):
		return Handle{}, fmt.Errorf("runtime name %q contains a %q: give a configured runtime name or an absolute path: %w", name, "/", errdefs.ErrInvalidArgument)
	}
	if _, ok := r.cfg.Runtimes[name]; ok {
		res := r.resolve(name)
		if res.err != nil {
			return Handle{}, res.err
		}
		return r.ociHandle(name, res.path), nil
	}
	if a, ok := r.cfg.Aliases[name]; ok {
		return r.shimHandle(name, a)
	}
	if shimTypeRE.MatchString(name) {
		return r.shimHandle(name, Alias{Type: name})
	}
	if !nameRE.MatchString(name) {
		return Handle{}, fmt.Errorf("invalid runtime name %q: %w", name, errdefs.ErrInvalidArgument)
	}
	return Handle{}, fmt.Errorf("unknown runtime %q: available runtimes are %s (see `pod runtime ls`), or give an absolute path: %w",
		name, strings.Join(r.availableNames(), ", "), errdefs.ErrNotFound)
}

func (r *Registry) resolvePath(path string) (Handle, error) {
	clean := filepath.Clean(path)
	if strings.HasPrefix(filepath.Base(clean), "containerd-shim-") {
		return Handle{}, fmt.Errorf("runtime %q is a containerd shim given by path: shims are chosen by runtime type (for example io.containerd.runc.v2) and looked up in the shim directories, so a path cannot make pod run an arbitrary binary: %w",
			path, errdefs.ErrInvalidArgument)
	}
	if err := checkExecutable(clean); err != nil {
		return Handle{}, fmt.Errorf("runtime %s: %w", path, err)
	}
	name := clean
	h := r.ociHandle(filepath.Base(clean), clean)
	h.Name = name
	return h, nil
}

func (r *Registry) ociHandle(name, path string) Handle {
	base := filepath.Base(name)
	flags := r.cfg.CLIFlags
	if len(flags) == 0 {
		flags = r.cfg.Flags[base]
	}
	h := Handle{
		Name:    name,
		Kind:    KindOCI,
		Path:    path,
		Monitor: r.cfg.Monitor,
		JSONLog: slices.Contains(r.cfg.SupportsJSON, base),
	}
	hasRoot := false
	for _, f := range flags {
		f = dashFlag(f)
		hasRoot = hasRoot || f == "--root" || strings.HasPrefix(f, "--root=")
		h.Flags = append(h.Flags, f)
	}
	if r.cfg.StateDir != "" && !hasRoot {
		h.Flags = append([]string{"--root=" + filepath.Join(r.cfg.StateDir, base)}, h.Flags...)
	}
	return h
}

// dashFlag turns a containers.conf runtime flag ("log-format=json") into a
// command-line flag ("--log-format=json").
func dashFlag(f string) string {
	if strings.HasPrefix(f, "-") {
		return f
	}
	return "--" + f
}

func (r *Registry) shimHandle(name string, a Alias) (Handle, error) {
	bin, err := ShimBinary(a.Type)
	if err != nil {
		return Handle{}, fmt.Errorf("runtime %q: %w", name, err)
	}
	path, tried := r.findShim(bin)
	if path == "" {
		return Handle{}, fmt.Errorf("runtime %q: shim binary %s not found (tried %s and $PATH): %w",
			name, bin, strings.Join(tried, ", "), errdefs.ErrUnavailable)
	}
	opts, err := json.Marshal(a)
	if err != nil {
		return Handle{}, err
	}
	return Handle{Name: name, Kind: KindShimV2, Path: path, Options: opts}, nil
}

func (r *Registry) findShim(bin string) (string, []string) {
	var tried []string
	for _, d := range r.cfg.ShimDirs {
		p := filepath.Join(d, bin)
		tried = append(tried, p)
		if checkExecutable(p) == nil {
			return p, tried
		}
	}
	if p, err := exec.LookPath(bin); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs, tried
		}
	}
	return "", tried
}

// resolve finds the binary of a configured OCI runtime: the first candidate
// that is an executable regular file, else the name on $PATH.
func (r *Registry) resolve(name string) resolution {
	r.mu.Lock()
	defer r.mu.Unlock()
	if res, ok := r.resolved[name]; ok {
		return res
	}
	var res resolution
	for _, p := range r.cfg.Runtimes[name] {
		res.tried = append(res.tried, p)
		err := checkExecutable(p)
		if err == nil {
			res.path = p
			break
		}
		if !os.IsNotExist(err) && !strings.Contains(err.Error(), "not a regular file") {
			res.err = fmt.Errorf("runtime %q: %w", name, err)
			break
		}
	}
	if res.path == "" && res.err == nil {
		if p, err := exec.LookPath(name); err == nil {
			res.path, _ = filepath.Abs(p)
		} else {
			res.err = fmt.Errorf("runtime %q is configured but its binary was not found (tried %s and $PATH): %w",
				name, strings.Join(res.tried, ", "), errdefs.ErrUnavailable)
		}
	}
	r.resolved[name] = res
	return res
}

func checkExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", p)
	}
	if fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not executable: %w", p, errdefs.ErrPermission)
	}
	return nil
}

func (r *Registry) availableNames() []string {
	var names []string
	for n := range r.cfg.Runtimes {
		if r.resolve(n).err == nil {
			names = append(names, n)
		}
	}
	for n := range r.cfg.Aliases {
		names = append(names, n)
	}
	names = append(names, r.shimTypesOnPath()...)
	sort.Strings(names)
	if len(names) == 0 {
		return []string{"(none installed)"}
	}
	return names
}

// Open builds the runtime recorded in h. It works when h's runtime is no
// longer configured; when its binary is gone, operations fail with
// errdefs.ErrUnavailable naming the runtime (libpod still ends containers by
// signalling their processes).
func (r *Registry) Open(h Handle) (Runtime, error) {
	d, ok := r.drivers[h.Kind]
	if !ok {
		return nil, fmt.Errorf("runtime %q has kind %q, which this build of pod does not support: %w", h.Name, h.Kind, errdefs.ErrUnavailable)
	}
	return d.Open(h)
}

// Missing reports whether the binary recorded in h is gone, with the reason.
func Missing(h Handle) error {
	if err := checkExecutable(h.Path); err != nil {
		return fmt.Errorf("runtime %q is missing (%s): %w", h.Name, err, errdefs.ErrUnavailable)
	}
	return nil
}

package ocirt

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Config is the runtime part of the engine configuration (containers.conf
// [engine] plus pod.conf), already merged by the caller. Each kind reads the
// parts it owns.
type Config struct {
	Default           string              // [engine] runtime: a name, an alias, a shim type or an absolute path
	Runtimes          map[string][]string // [engine.runtimes]: name → candidate paths (oci kind)
	Flags             map[string][]string // [engine.runtimes_flags]: name → flags without "--"
	CLIFlags          []string            // --runtime-flag values (replace Flags for the runtime in use)
	SupportsJSON      []string            // runtime_supports_json
	SupportsNoCgroups []string            // runtime_supports_nocgroup
	SupportsKVM       []string            // runtime_supports_kvm
	ShimDirs          []string            // extra directories searched for containerd-shim-* binaries (before $PATH)
	Aliases           map[string]Alias    // pod.conf [runtimes.<name>]: shim aliases with options
	CacheFile         string              // probe cache; empty = no cache
	// Declared are capabilities pod.conf declares per runtime name
	// ([capabilities.<name>]); they override what the kind says.
	Declared map[string]map[Capability]bool
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

// Driver implements one runtime kind. Adding a kind is one package that
// implements it and one line that registers it (NewRegistry's caller).
type Driver interface {
	Kind() Kind
	// Resolve turns name (an absolute path or a clean name, never empty)
	// into the handle a new container records. ok false means the name is
	// none of this kind's: the registry asks the next kind. It may stat
	// files but runs nothing.
	Resolve(cfg *Config, name string) (h Handle, ok bool, err error)
	// List describes the runtimes of this kind that cfg and the host offer,
	// with Available and Reason, without running them (the registry probes).
	List(cfg *Config) []Info
	// Capabilities is what the runtime recorded in h can do, from what the
	// kind knows of it, cfg's declarations and its probe's features (nil
	// when not probed). It runs nothing.
	Capabilities(cfg *Config, h Handle, features json.RawMessage) Caps
	// Probe runs the binary to learn its version and, where it has them, its
	// features (JSON). A failing features query is not an error.
	Probe(ctx context.Context, path string) (version string, features json.RawMessage, err error)
	// Open builds the runtime for a stored handle. It must not run anything.
	Open(h Handle) (Runtime, error)
}

// Info describes one runtime as found on this host.
type Info struct {
	Name         string          `json:"name"`
	Kind         Kind            `json:"kind"`
	Path         string          `json:"path,omitempty"`
	Tried        []string        `json:"tried,omitempty"`
	Version      string          `json:"version,omitempty"`
	Features     json.RawMessage `json:"features,omitempty"`
	Capabilities Caps            `json:"capabilities,omitempty"`
	Flags        []string        `json:"flags,omitempty"`
	Default      bool            `json:"default"`
	Available    bool            `json:"available"`
	Reason       string          `json:"reason,omitempty"` // why it is not available
	Alias        *Alias          `json:"alias,omitempty"`
	// Handle is what a container created with it now would record.
	Handle *Handle `json:"-"`
}

// defaultOrder is how the default runtime is picked when none is configured.
var defaultOrder = []string{"crun", "runc", "runj", "kata", "runsc", "ocijail"}

// Registry resolves runtime names into handles and handles into runtimes,
// by asking each registered kind in turn.
type Registry struct {
	cfg     Config
	drivers []Driver // in registration order: the first kind that knows a name wins
}

// NewRegistry returns a registry over cfg using the given drivers, one per
// kind; earlier drivers are asked first.
func NewRegistry(cfg Config, drivers ...Driver) *Registry {
	return &Registry{cfg: cfg, drivers: drivers}
}

// driver returns the driver of kind k.
func (r *Registry) driver(k Kind) (Driver, bool) {
	for _, d := range r.drivers {
		if d.Kind() == k {
			return d, true
		}
	}
	return nil, false
}

// nameRE is what a runtime name (not a path) may look like.
var nameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$`)

// DefaultName returns the configured default runtime, or the first of
// crun, runc, runj, kata, runsc, ocijail that some kind resolves.
func (r *Registry) DefaultName() string {
	if r.cfg.Default != "" {
		return r.cfg.Default
	}
	for _, n := range defaultOrder {
		if _, ok, err := r.lookup(n); ok && err == nil {
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
	if !strings.HasPrefix(name, "/") {
		if strings.Contains(name, "/") {
			return Handle{}, fmt.Errorf("runtime name %q contains a %q: give a configured runtime name or an absolute path: %w", name, "/", errdefs.ErrInvalidArgument)
		}
		if !nameRE.MatchString(name) {
			return Handle{}, fmt.Errorf("invalid runtime name %q: %w", name, errdefs.ErrInvalidArgument)
		}
	}
	h, ok, err := r.lookup(name)
	if ok {
		return h, err
	}
	return Handle{}, fmt.Errorf("unknown runtime %q: available runtimes are %s (see `pod runtime ls`), or give an absolute path: %w",
		name, strings.Join(r.availableNames(), ", "), errdefs.ErrNotFound)
}

// lookup asks each kind in turn for name.
func (r *Registry) lookup(name string) (Handle, bool, error) {
	for _, d := range r.drivers {
		if h, ok, err := d.Resolve(&r.cfg, name); ok {
			if err == nil {
				h.Kind = d.Kind()
			}
			return h, true, err
		}
	}
	return Handle{}, false, nil
}

func (r *Registry) availableNames() []string {
	var names []string
	for _, d := range r.drivers {
		for _, i := range d.List(&r.cfg) {
			if i.Available {
				names = append(names, i.Name)
			}
		}
	}
	sort.Strings(names)
	names = slices.Compact(names)
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
	d, ok := r.driver(h.Kind)
	if !ok {
		return nil, fmt.Errorf("runtime %q has kind %q, which this build of pod does not support: %w", h.Name, h.Kind, errdefs.ErrUnavailable)
	}
	return d.Open(h)
}

// Missing reports whether the binary recorded in h is gone, with the reason.
func Missing(h Handle) error {
	if err := CheckExecutable(h.Path); err != nil {
		return fmt.Errorf("runtime %q is missing (%s): %w", h.Name, err, errdefs.ErrUnavailable)
	}
	return nil
}

// CheckExecutable says whether p is an executable regular file.
func CheckExecutable(p string) error {
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

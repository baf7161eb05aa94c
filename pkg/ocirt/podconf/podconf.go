// Package podconf loads pod's own configuration file, pod.conf: the runtime
// aliases that containers.conf cannot express (containerd shim v2 runtime
// types with typed options), extra directories to find shim binaries in,
// and the default runtime. The caller plugs the result into ocirt.Config.
//
// Files, in order (later files win; see Load):
//
//	/etc/containers/pod.conf
//	$XDG_CONFIG_HOME/containers/pod.conf (or ~/.config/containers/pod.conf)
//	$POD_CONFIG, when set: read alone instead of the two above (it must exist)
//
// Format (TOML):
//
//	default_runtime = "kata"                    # a runtime name, alias, shim type or absolute path
//	shim_dirs = ["/opt/kata/bin"]               # searched for containerd-shim-* before $PATH
//
//	[runtimes.kata]                             # alias name: an RFC 1123 label
//	type = "io.containerd.kata.v2"              # shim runtime type → containerd-shim-kata-v2
//	config_path = "/etc/kata-containers/configuration.toml"
//
//	[runtimes.crun-shim]
//	type = "io.containerd.runc.v2"
//	[runtimes.crun-shim.options]                # containerd.runc.v1.Options for runc shims,
//	BinaryName = "/usr/bin/crun"                # runtimeoptions.v1.Options (TypeUrl, ConfigPath)
//	SystemdCgroup = false                       # for every other shim
//
//	[capabilities.krun]                         # any runtime name (oci or shim): what it can do,
//	exec = false                                # over what pod knows of it (see ocirt.Capability)
//
// Runtimes merge by alias across files (a later file replaces an alias as a
// whole); shim_dirs and default_runtime are replaced by a later file that
// sets them. Unknown keys are errors naming the file, so typos do not go
// unnoticed.
package podconf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
)

// SystemPath is the system-wide pod.conf.
const SystemPath = "/etc/containers/pod.conf"

// EnvConfig names a pod.conf that replaces the system and user files.
const EnvConfig = "POD_CONFIG"

// Config is what pod.conf files say, merged.
type Config struct {
	DefaultRuntime string                 // "" = not set
	ShimDirs       []string               // absolute directories
	Runtimes       map[string]ocirt.Alias // alias name → shim type and options
	// Capabilities are declared per runtime name: [capabilities.<name>].
	Capabilities map[string]map[ocirt.Capability]bool
	Files        []string // the files read, in order
}

// file is one pod.conf as written.
type file struct {
	DefaultRuntime *string                    `toml:"default_runtime"`
	ShimDirs       *[]string                  `toml:"shim_dirs"`
	Runtimes       map[string]runtimeTable    `toml:"runtimes"`
	Capabilities   map[string]map[string]bool `toml:"capabilities"`
}

type runtimeTable struct {
	Type       string         `toml:"type"`
	ConfigPath string         `toml:"config_path"`
	Options    map[string]any `toml:"options"`
}

// aliasRE is an RFC 1123 label.
var aliasRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// Paths returns the files Load reads, in order, whether they exist or not.
func Paths() []string {
	if p := os.Getenv(EnvConfig); p != "" {
		return []string{p}
	}
	return []string{SystemPath, userPath()}
}

func userPath() string {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "containers", "pod.conf")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".config", "containers", "pod.conf")
}

// Load reads the pod.conf files that exist (see Paths). A missing system or
// user file is fine; a missing $POD_CONFIG is an error.
func Load() (*Config, error) {
	paths := Paths()
	if os.Getenv(EnvConfig) != "" {
		if _, err := os.Stat(paths[0]); err != nil {
			return nil, fmt.Errorf("%s=%s: %w", EnvConfig, paths[0], err)
		}
	}
	var existing []string
	for _, p := range paths {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			existing = append(existing, p)
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("pod.conf %s: %w", p, err)
		}
	}
	return LoadFiles(existing...)
}

// LoadFiles reads and merges the given files in order; each must exist.
func LoadFiles(paths ...string) (*Config, error) {
	c := &Config{Runtimes: map[string]ocirt.Alias{}}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading pod.conf: %w", err)
		}
		if err := c.merge(p, data); err != nil {
			return nil, err
		}
		c.Files = append(c.Files, p)
	}
	return c, nil
}

// Parse parses one pod.conf's content (name is used in errors).
func Parse(name string, data []byte) (*Config, error) {
	c := &Config{Runtimes: map[string]ocirt.Alias{}}
	if err := c.merge(name, data); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) merge(name string, data []byte) error {
	var f file
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return fmt.Errorf("pod.conf %s: %v: %w", name, err, errdefs.ErrInvalidArgument)
	}
	if err := checkUndecoded(name, md); err != nil {
		return err
	}
	if f.DefaultRuntime != nil {
		if strings.TrimSpace(*f.DefaultRuntime) == "" {
			return fmt.Errorf("pod.conf %s: default_runtime is empty; remove it or name a runtime: %w", name, errdefs.ErrInvalidArgument)
		}
		c.DefaultRuntime = *f.DefaultRuntime
	}
	if f.ShimDirs != nil {
		for _, d := range *f.ShimDirs {
			if !filepath.IsAbs(d) {
				return fmt.Errorf("pod.conf %s: shim_dirs entry %q is not an absolute path: %w", name, d, errdefs.ErrInvalidArgument)
			}
		}
		c.ShimDirs = append([]string(nil), *f.ShimDirs...)
	}
	for rt, decl := range f.Capabilities {
		caps := map[ocirt.Capability]bool{}
		for k, v := range decl {
			if !ocirt.KnownCapability(ocirt.Capability(k)) {
				return fmt.Errorf("pod.conf %s: [capabilities.%s]: unknown capability %q (known: %s): %w",
					name, rt, k, strings.Join(ocirt.KnownCapabilities(), ", "), errdefs.ErrInvalidArgument)
			}
			caps[ocirt.Capability(k)] = v
		}
		if c.Capabilities == nil {
			c.Capabilities = map[string]map[ocirt.Capability]bool{}
		}
		c.Capabilities[rt] = caps
	}
	names := make([]string, 0, len(f.Runtimes))
	for n := range f.Runtimes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a, err := validate(name, n, f.Runtimes[n])
		if err != nil {
			return err
		}
		c.Runtimes[n] = a
	}
	return nil
}

func validate(file, name string, t runtimeTable) (ocirt.Alias, error) {
	if len(name) > 63 || !aliasRE.MatchString(name) {
		return ocirt.Alias{}, fmt.Errorf("pod.conf %s: runtime alias %q is not a valid name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit: %w",
			file, name, errdefs.ErrInvalidArgument)
	}
	if t.Type == "" {
		return ocirt.Alias{}, fmt.Errorf("pod.conf %s: [runtimes.%s] needs type = \"<shim runtime type>\", e.g. io.containerd.kata.v2: %w", file, name, errdefs.ErrInvalidArgument)
	}
	if _, err := shimclient.BinaryName(t.Type); err != nil {
		return ocirt.Alias{}, fmt.Errorf("pod.conf %s: [runtimes.%s]: %w", file, name, err)
	}
	if t.ConfigPath != "" && !filepath.IsAbs(t.ConfigPath) {
		return ocirt.Alias{}, fmt.Errorf("pod.conf %s: [runtimes.%s] config_path %q is not an absolute path: %w", file, name, t.ConfigPath, errdefs.ErrInvalidArgument)
	}
	// Encode the options once so that a bad key or value fails now, naming
	// the file, rather than at the first container create.
	if _, err := shimclient.BuildOptions(shimclient.OptionsSpec{Type: t.Type, Options: t.Options, ConfigPath: t.ConfigPath}); err != nil {
		return ocirt.Alias{}, fmt.Errorf("pod.conf %s: [runtimes.%s]: %w", file, name, err)
	}
	return ocirt.Alias{Type: t.Type, Options: t.Options, ConfigPath: t.ConfigPath}, nil
}

func checkUndecoded(name string, md toml.MetaData) error {
	var bad []string
	for _, k := range md.Undecoded() {
		// Free-form option tables are decoded into maps, so only keys outside
		// them can be left over.
		bad = append(bad, k.String())
	}
	if len(bad) > 0 {
		return fmt.Errorf("pod.conf %s: unknown keys %s (known: default_runtime, shim_dirs, [runtimes.<alias>] type, config_path, options, [capabilities.<runtime>]): %w",
			name, strings.Join(bad, ", "), errdefs.ErrInvalidArgument)
	}
	return nil
}

// Apply plugs the configuration into an ocirt.Config: aliases are added
// (replacing same-named ones), shim directories go before the existing ones,
// and a configured default runtime replaces containers.conf's.
func (c *Config) Apply(oc *ocirt.Config) {
	if len(c.Runtimes) > 0 && oc.Aliases == nil {
		oc.Aliases = map[string]ocirt.Alias{}
	}
	for n, a := range c.Runtimes {
		oc.Aliases[n] = a
	}
	if len(c.ShimDirs) > 0 {
		oc.ShimDirs = append(append([]string(nil), c.ShimDirs...), oc.ShimDirs...)
	}
	if c.DefaultRuntime != "" {
		oc.Default = c.DefaultRuntime
	}
	for rt, caps := range c.Capabilities {
		if oc.Declared == nil {
			oc.Declared = map[string]map[ocirt.Capability]bool{}
		}
		oc.Declared[rt] = caps
	}
}

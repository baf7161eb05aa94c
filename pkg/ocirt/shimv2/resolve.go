package shimv2

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
)

// Resolve implements ocirt.Driver. The kind's names are pod.conf's aliases
// and shim runtime types (io.containerd.runc.v2), looked up in the shim
// directories and on $PATH. A shim binary given by path is refused: a path
// must not make pod run an arbitrary binary as a shim.
func (Driver) Resolve(cfg *ocirt.Config, name string) (ocirt.Handle, bool, error) {
	if strings.HasPrefix(name, "/") {
		if !strings.HasPrefix(filepath.Base(filepath.Clean(name)), "containerd-shim-") {
			return ocirt.Handle{}, false, nil
		}
		return ocirt.Handle{}, true, fmt.Errorf("runtime %q is a containerd shim given by path: shims are chosen by runtime type (for example io.containerd.runc.v2) and looked up in the shim directories, so a path cannot make pod run an arbitrary binary: %w",
			name, errdefs.ErrInvalidArgument)
	}
	if a, ok := cfg.Aliases[name]; ok {
		h, err := handle(cfg, name, a)
		return h, true, err
	}
	if shimclient.IsType(name) {
		h, err := handle(cfg, name, ocirt.Alias{Type: name})
		return h, true, err
	}
	return ocirt.Handle{}, false, nil
}

// List implements ocirt.Driver: pod.conf's aliases and the shim types of
// the containerd-shim-* binaries in the shim directories and on $PATH.
func (d Driver) List(cfg *ocirt.Config) []ocirt.Info {
	var out []ocirt.Info
	add := func(name string, a *ocirt.Alias) {
		info := ocirt.Info{Name: name, Alias: a}
		h, _, err := d.Resolve(cfg, name)
		if err != nil {
			info.Reason = ocirt.Reason(err)
		} else {
			info.Path, info.Available, info.Handle = h.Path, true, &h
		}
		out = append(out, info)
	}
	for n, a := range cfg.Aliases {
		a := a
		add(n, &a)
	}
	for _, t := range typesOnPath(cfg) {
		if _, ok := cfg.Aliases[t]; !ok {
			add(t, nil)
		}
	}
	return out
}

func handle(cfg *ocirt.Config, name string, a ocirt.Alias) (ocirt.Handle, error) {
	bin, err := shimclient.BinaryName(a.Type)
	if err != nil {
		return ocirt.Handle{}, fmt.Errorf("runtime %q: %w", name, err)
	}
	path, tried := findShim(cfg, bin)
	if path == "" {
		return ocirt.Handle{}, fmt.Errorf("runtime %q: shim binary %s not found (tried %s and $PATH): %w",
			name, bin, strings.Join(tried, ", "), errdefs.ErrUnavailable)
	}
	opts, err := json.Marshal(a)
	if err != nil {
		return ocirt.Handle{}, err
	}
	return ocirt.Handle{Name: name, Kind: Kind, Path: path, Options: opts}, nil
}

func findShim(cfg *ocirt.Config, bin string) (string, []string) {
	var tried []string
	for _, d := range cfg.ShimDirs {
		p := filepath.Join(d, bin)
		tried = append(tried, p)
		if ocirt.CheckExecutable(p) == nil {
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

// typesOnPath lists runtime types of containerd-shim-<name>-<version>
// binaries in the shim directories and on $PATH, as io.containerd.<name>.<version>.
func typesOnPath(cfg *ocirt.Config) []string {
	dirs := append([]string{}, cfg.ShimDirs...)
	dirs = append(dirs, filepath.SplitList(os.Getenv("PATH"))...)
	seen := map[string]bool{}
	var types []string
	for _, d := range dirs {
		matches, _ := filepath.Glob(filepath.Join(d, "containerd-shim-*-v*"))
		for _, m := range matches {
			t := shimclient.TypeOf(filepath.Base(m))
			if t == "" || seen[t] || ocirt.CheckExecutable(m) != nil {
				continue
			}
			seen[t] = true
			types = append(types, t)
		}
	}
	sort.Strings(types)
	return types
}

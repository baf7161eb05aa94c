package oci

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// Resolve implements ocirt.Driver. The kind's names are the runtimes
// configured in containers.conf [engine.runtimes] and absolute paths of
// runtime binaries (not containerd shims: that kind refuses them).
func (d Driver) Resolve(cfg *ocirt.Config, name string) (ocirt.Handle, bool, error) {
	var h ocirt.Handle
	if strings.HasPrefix(name, "/") {
		clean := filepath.Clean(name)
		if strings.HasPrefix(filepath.Base(clean), "containerd-shim-") {
			return h, false, nil
		}
		if err := ocirt.CheckExecutable(clean); err != nil {
			return h, true, fmt.Errorf("runtime %s: %w", name, err)
		}
		h = handle(cfg, filepath.Base(clean), clean)
		h.Name = clean
	} else {
		if _, ok := cfg.Runtimes[name]; !ok {
			return h, false, nil
		}
		path, _, err := find(cfg, name)
		if err != nil {
			return h, true, err
		}
		h = handle(cfg, name, path)
	}
	if d.Monitor != nil {
		mon, err := d.Monitor()
		if err != nil {
			return h, true, err
		}
		h.Monitor = mon
	}
	return h, true, nil
}

// List implements ocirt.Driver: every configured runtime (also those not
// installed, with the reason), and the default when it is a path.
func (Driver) List(cfg *ocirt.Config) []ocirt.Info {
	names := make([]string, 0, len(cfg.Runtimes)+1)
	for n := range cfg.Runtimes {
		names = append(names, n)
	}
	if strings.HasPrefix(cfg.Default, "/") && !strings.HasPrefix(filepath.Base(cfg.Default), "containerd-shim-") {
		names = append(names, cfg.Default)
	}
	var out []ocirt.Info
	for _, n := range names {
		info := ocirt.Info{Name: n, Tried: cfg.Runtimes[n]}
		h, _, err := Driver{}.Resolve(cfg, n)
		if err != nil {
			info.Reason = ocirt.Reason(err)
		} else {
			h.Kind = Kind
			info.Path, info.Flags, info.Available, info.Handle = h.Path, h.Flags, true, &h
		}
		out = append(out, info)
	}
	return out
}

// find returns the binary of a configured runtime: the first candidate
// that is an executable regular file, else the name on $PATH.
func find(cfg *ocirt.Config, name string) (string, []string, error) {
	var tried []string
	for _, p := range cfg.Runtimes[name] {
		tried = append(tried, p)
		err := ocirt.CheckExecutable(p)
		if err == nil {
			return p, tried, nil
		}
		if !os.IsNotExist(err) && !strings.Contains(err.Error(), "not a regular file") {
			return "", tried, fmt.Errorf("runtime %q: %w", name, err)
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		abs, _ := filepath.Abs(p)
		return abs, tried, nil
	}
	return "", tried, fmt.Errorf("runtime %q is configured but its binary was not found (tried %s and $PATH): %w",
		name, strings.Join(tried, ", "), errdefs.ErrUnavailable)
}

// handle builds the handle of runtime name at path, with its global flags
// from the configuration and its own state root under cfg.StateDir.
func handle(cfg *ocirt.Config, name, path string) ocirt.Handle {
	base := filepath.Base(name)
	flags := cfg.CLIFlags
	if len(flags) == 0 {
		flags = cfg.Flags[base]
	}
	h := ocirt.Handle{
		Name:    name,
		Kind:    Kind,
		Path:    path,
		JSONLog: slices.Contains(cfg.SupportsJSON, base),
	}
	hasRoot := false
	for _, f := range flags {
		f = dashFlag(f)
		hasRoot = hasRoot || f == "--root" || strings.HasPrefix(f, "--root=")
		h.Flags = append(h.Flags, f)
	}
	if cfg.StateDir != "" && !hasRoot {
		h.Flags = append([]string{"--root=" + filepath.Join(cfg.StateDir, base)}, h.Flags...)
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

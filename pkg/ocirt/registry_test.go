package ocirt_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
	. "github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/oci"
	"github.com/pod-engine/pod/pkg/ocirt/ocirttest"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
)

// kinds are the registered kinds, as libpod registers them, plus the fake.
func kinds() []Driver {
	return []Driver{oci.Driver{Monitor: func() (string, error) { return "/usr/bin/pod-conmon", nil }}, shimv2.Driver{}, ocirttest.NewFake()}
}

// executable creates an executable file named name in dir, which prints
// "stub version 1 (name)".
func executable(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\necho stub version 1 \\("+name+"\\)\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	crun := executable(t, dir, "crun")
	shim := executable(t, dir, "containerd-shim-runc-v2")
	t.Setenv("PATH", dir)
	r := NewRegistry(Config{
		Runtimes:     map[string][]string{"crun": {"/nonexistent/crun", crun}, "ghost": {"/nonexistent/ghost"}},
		Flags:        map[string][]string{"crun": {"debug", "--systemd-cgroup"}},
		SupportsJSON: []string{"crun"},
		StateDir:     "/run/pod/runtime",
		Aliases:      map[string]Alias{"gvisor": {Type: "io.containerd.runc.v2"}},
	}, kinds()...)

	h, err := r.Resolve("crun")
	if err != nil {
		t.Fatal(err)
	}
	want := Handle{Name: "crun", Kind: oci.Kind, Path: crun, Monitor: "/usr/bin/pod-conmon", JSONLog: true,
		Flags: []string{"--root=/run/pod/runtime/crun", "--debug", "--systemd-cgroup"}}
	if got, _ := json.Marshal(h); string(got) != string(mustJSON(want)) {
		t.Fatalf("Resolve(crun) = %s, want %s", got, mustJSON(want))
	}
	if h, err := r.Resolve(""); err != nil || h.Name != "crun" {
		t.Fatalf("default runtime: %+v, %v", h, err)
	}
	if h, err := r.Resolve(crun); err != nil || h.Path != crun || h.Name != crun {
		t.Fatalf("absolute path: %+v, %v", h, err)
	}
	if h, err := r.Resolve("io.containerd.runc.v2"); err != nil || h.Kind != shimv2.Kind || h.Path != shim {
		t.Fatalf("shim type: %+v, %v", h, err)
	}
	if h, err := r.Resolve("gvisor"); err != nil || h.Kind != shimv2.Kind || !strings.Contains(string(h.Options), "io.containerd.runc.v2") {
		t.Fatalf("alias: %+v, %v", h, err)
	}
	if h, err := r.Resolve("fake"); err != nil || h.Kind != ocirttest.FakeKind {
		t.Fatalf("fake kind: %+v, %v", h, err)
	}
	errCases := map[string]error{
		"ghost":                 errdefs.ErrUnavailable,
		"nosuch":                errdefs.ErrNotFound,
		"a/b":                   errdefs.ErrInvalidArgument,
		"../crun":               errdefs.ErrInvalidArgument,
		"/nonexistent/runtime":  os.ErrNotExist,
		"io.containerd.kata.v2": errdefs.ErrUnavailable,
		"bad name!":             errdefs.ErrInvalidArgument,
		shim:                    errdefs.ErrInvalidArgument, // a shim by path
	}
	for name, class := range errCases {
		_, err := r.Resolve(name)
		if !errors.Is(err, class) {
			t.Errorf("Resolve(%q) = %v, want %v", name, err, class)
		}
	}
	_, err = r.Resolve("nosuch")
	if !strings.Contains(err.Error(), "crun") || !strings.Contains(err.Error(), "gvisor") {
		t.Errorf("unknown runtime error does not list the available ones: %v", err)
	}
	_, err = r.Resolve("ghost")
	if !strings.Contains(err.Error(), "/nonexistent/ghost") {
		t.Errorf("missing binary error does not say where it looked: %v", err)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestShimBinary(t *testing.T) {
	good := map[string]string{
		"io.containerd.runc.v2":  "containerd-shim-runc-v2",
		"io.containerd.runsc.v1": "containerd-shim-runsc-v1",
		"io.containerd.kata.v2":  "containerd-shim-kata-v2",
	}
	for in, want := range good {
		if got, err := shimclient.BinaryName(in); err != nil || got != want {
			t.Errorf("BinaryName(%q) = %q, %v", in, got, err)
		}
		if typ := shimclient.TypeOf(want); typ != in {
			t.Errorf("TypeOf(%q) = %q", want, typ)
		}
	}
	for _, bad := range []string{"runc", "io.containerd.runc", ".runc.v2", "io/../x.v2", "io.containerd.ru/nc.v2", "io.containerd..v2", "", "io.containerd.my_shim.v2"} {
		if _, err := shimclient.BinaryName(bad); err == nil {
			t.Errorf("BinaryName(%q) accepted", bad)
		}
	}
}

func TestListProbesOnceAndCaches(t *testing.T) {
	dir := t.TempDir()
	crun := executable(t, dir, "crun")
	t.Setenv("PATH", dir)
	cache := filepath.Join(dir, "cache", "runtimes.json")
	cfg := Config{Runtimes: map[string][]string{"crun": {crun}, "ghost": {"/nonexistent/ghost"}}, CacheFile: cache}
	list := NewRegistry(cfg, kinds()...).List(context.Background())
	var crunInfo, ghost *Info
	for i := range list {
		switch list[i].Name {
		case "crun":
			crunInfo = &list[i]
		case "ghost":
			ghost = &list[i]
		}
	}
	if crunInfo == nil || !crunInfo.Available || !crunInfo.Default || !strings.HasPrefix(crunInfo.Version, "stub version") {
		t.Fatalf("crun: %+v", crunInfo)
	}
	if ghost == nil || ghost.Available || !strings.Contains(ghost.Reason, "not found") {
		t.Fatalf("ghost: %+v", ghost)
	}
	data, err := os.ReadFile(cache)
	if err != nil || !strings.Contains(string(data), crun) {
		t.Fatalf("probe cache not written: %s, %v", data, err)
	}
	// A changed binary is probed again; an unchanged one comes from the cache.
	entries := map[string]map[string]json.RawMessage{}
	_ = json.Unmarshal(data, &entries)
	entries[crun]["version"] = json.RawMessage(`"from cache"`)
	b, _ := json.Marshal(entries)
	_ = os.WriteFile(cache, b, 0o600)
	list = NewRegistry(cfg, kinds()...).List(context.Background())
	for _, i := range list {
		if i.Name == "crun" && i.Version != "from cache" {
			t.Fatalf("cache not used: %q", i.Version)
		}
	}
	// An entry an older pod made (another probe schema) is probed again.
	entries[crun]["schema"] = json.RawMessage(`1`)
	b, _ = json.Marshal(entries)
	_ = os.WriteFile(cache, b, 0o600)
	list = NewRegistry(cfg, kinds()...).List(context.Background())
	for _, i := range list {
		if i.Name == "crun" && i.Version == "from cache" {
			t.Fatal("an entry of an older probe schema was used")
		}
	}
	_ = os.WriteFile(crun, []byte("#!/bin/sh\n# changed\n"), 0o755)
	list = NewRegistry(cfg, kinds()...).List(context.Background())
	for _, i := range list {
		if i.Name == "crun" && i.Version == "from cache" {
			t.Fatal("a changed binary was not probed again")
		}
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"crun", "/usr/bin/runc", "io.containerd.runc.v2", "a/b", "../x", "..", ".", "", "io.x.runc/../../evil.v2"} {
		f.Add(s)
	}
	dir := f.TempDir()
	r := NewRegistry(Config{Runtimes: map[string][]string{"crun": {filepath.Join(dir, "crun")}}, ShimDirs: []string{dir}}, kinds()...)
	f.Fuzz(func(t *testing.T, name string) {
		h, err := r.Resolve(name)
		if err != nil {
			return
		}
		// Whatever resolves must name an absolute, clean path, and a shim
		// must live in a shim dir or on $PATH under its canonical name.
		if !filepath.IsAbs(h.Path) || filepath.Clean(h.Path) != h.Path {
			t.Fatalf("Resolve(%q) gave path %q", name, h.Path)
		}
		if h.Kind == shimv2.Kind && !strings.HasPrefix(filepath.Base(h.Path), "containerd-shim-") {
			t.Fatalf("Resolve(%q) gave shim %q", name, h.Path)
		}
		if h.Kind == oci.Kind && !strings.HasPrefix(name, "/") && strings.Contains(name, "/") {
			t.Fatalf("Resolve(%q) accepted a relative name with a slash", name)
		}
	})
}

package podconf

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
)

const sample = `
default_runtime = "kata"
shim_dirs = ["/opt/kata/bin", "/usr/local/lib/pod/shims"]

[runtimes.kata]
type = "io.containerd.kata.v2"
config_path = "/etc/kata-containers/configuration.toml"

[runtimes.crun-shim]
type = "io.containerd.runc.v2"
[runtimes.crun-shim.options]
BinaryName = "/usr/bin/crun"
SystemdCgroup = false
IoUid = 0

[runtimes.gvisor]
type = "io.containerd.runsc.v1"
[runtimes.gvisor.options]
TypeUrl = "io.containerd.runsc.v1.options"
ConfigPath = "/etc/containerd/runsc.toml"
`

func TestParseSample(t *testing.T) {
	c, err := Parse("sample", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if c.DefaultRuntime != "kata" || len(c.ShimDirs) != 2 || len(c.Runtimes) != 3 {
		t.Fatalf("parsed %+v", c)
	}
	k := c.Runtimes["kata"]
	if k.Type != "io.containerd.kata.v2" || k.ConfigPath != "/etc/kata-containers/configuration.toml" {
		t.Errorf("kata %+v", k)
	}
	cs := c.Runtimes["crun-shim"]
	if cs.Options["BinaryName"] != "/usr/bin/crun" || cs.Options["SystemdCgroup"] != false {
		t.Errorf("crun-shim %+v", cs)
	}
	var oc ocirt.Config
	oc.ShimDirs = []string{"/existing"}
	c.Apply(&oc)
	if oc.Default != "kata" || oc.ShimDirs[0] != "/opt/kata/bin" || oc.ShimDirs[2] != "/existing" || oc.Aliases["gvisor"].Type != "io.containerd.runsc.v1" {
		t.Errorf("applied %+v", oc)
	}
	// The registry turns the alias into a shim handle when the binary exists.
	dir := t.TempDir()
	bin := filepath.Join(dir, "containerd-shim-kata-v2")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	oc.ShimDirs = append([]string{dir}, oc.ShimDirs...)
	h, err := ocirt.NewRegistry(oc, shimv2.Driver{}).Resolve("kata")
	if err != nil || h.Kind != shimv2.Kind || h.Path != bin {
		t.Fatalf("resolve kata: %+v %v", h, err)
	}
}

func TestParseErrors(t *testing.T) {
	for name, conf := range map[string]string{
		"bad toml":            `default_runtime = `,
		"unknown top key":     `default_runtim = "x"`,
		"unknown capability":  "[capabilities.krun]\nfly = true",
		"capability not bool": "[capabilities.krun]\nexec = \"no\"",
		"unknown rt key":      "[runtimes.a]\ntype = \"io.containerd.kata.v2\"\nconfigpath = \"/x\"",
		"alias uppercase":     "[runtimes.Kata]\ntype = \"io.containerd.kata.v2\"",
		"alias dot":           "[runtimes.\"a.b\"]\ntype = \"io.containerd.kata.v2\"",
		"alias slash":         "[runtimes.\"a/b\"]\ntype = \"io.containerd.kata.v2\"",
		"alias dash end":      "[runtimes.a-]\ntype = \"io.containerd.kata.v2\"",
		"alias too long":      "[runtimes." + strings.Repeat("a", 64) + "]\ntype = \"io.containerd.kata.v2\"",
		"no type":             "[runtimes.a]\nconfig_path = \"/x\"",
		"bad type":            "[runtimes.a]\ntype = \"kata\"",
		"type with slash":     "[runtimes.a]\ntype = \"io.x/../evil.v2\"",
		"relative config":     "[runtimes.a]\ntype = \"io.containerd.kata.v2\"\nconfig_path = \"x.toml\"",
		"bad runc option":     "[runtimes.a]\ntype = \"io.containerd.runc.v2\"\n[runtimes.a.options]\nBinary = \"x\"",
		"runc option type":    "[runtimes.a]\ntype = \"io.containerd.runc.v2\"\n[runtimes.a.options]\nSystemdCgroup = \"yes\"",
		"relative shim dir":   `shim_dirs = ["bin"]`,
		"empty default":       `default_runtime = ""`,
		"shim_dirs string":    `shim_dirs = "/x"`,
	} {
		if _, err := Parse(name, []byte(conf)); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("%s: err %v, want invalid argument", name, err)
		} else if !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
}

func TestLoadOrder(t *testing.T) {
	dir := t.TempDir()
	sys := filepath.Join(dir, "sys.conf")
	user := filepath.Join(dir, "user.conf")
	os.WriteFile(sys, []byte("default_runtime = \"a\"\nshim_dirs = [\"/s\"]\n[runtimes.k]\ntype = \"io.containerd.kata.v2\"\nconfig_path = \"/sys\"\n[runtimes.g]\ntype = \"io.containerd.runsc.v1\"\n"), 0o644)
	os.WriteFile(user, []byte("default_runtime = \"b\"\n[runtimes.k]\ntype = \"io.containerd.kata.v2\"\n"), 0o644)
	c, err := LoadFiles(sys, user)
	if err != nil {
		t.Fatal(err)
	}
	if c.DefaultRuntime != "b" || len(c.ShimDirs) != 1 || c.Runtimes["k"].ConfigPath != "" || c.Runtimes["g"].Type == "" || len(c.Files) != 2 {
		t.Errorf("merged %+v", c)
	}
	if _, err := LoadFiles(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file accepted")
	}

	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv(EnvConfig, "")
	if p := Paths(); len(p) != 2 || p[1] != filepath.Join(dir, "containers", "pod.conf") {
		t.Errorf("paths %v", p)
	}
	os.MkdirAll(filepath.Join(dir, "containers"), 0o755)
	os.WriteFile(filepath.Join(dir, "containers", "pod.conf"), []byte("default_runtime = \"u\"\n"), 0o644)
	c, err = Load()
	if err != nil || c.DefaultRuntime != "u" {
		t.Errorf("user file: %+v %v", c, err)
	}
	t.Setenv(EnvConfig, sys)
	c, err = Load()
	if err != nil || c.DefaultRuntime != "a" || len(c.Files) != 1 {
		t.Errorf("POD_CONFIG: %+v %v", c, err)
	}
	t.Setenv(EnvConfig, filepath.Join(dir, "nope"))
	if _, err := Load(); err == nil {
		t.Error("missing POD_CONFIG accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("[runtimes.a]\ntype = \"io.containerd.runc.v2\"\n[runtimes.a.options]\nIoUid = 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		for n, a := range c.Runtimes {
			if !aliasRE.MatchString(n) || len(n) > 63 {
				t.Fatalf("accepted alias %q", n)
			}
			if _, err := shimclient.BinaryName(a.Type); err != nil {
				t.Fatalf("accepted type %q", a.Type)
			}
		}
		for _, d := range c.ShimDirs {
			if !filepath.IsAbs(d) {
				t.Fatalf("accepted shim dir %q", d)
			}
		}
	})
}

func TestCapabilityDeclarations(t *testing.T) {
	c, err := Parse("t", []byte("[capabilities.krun]\nexec = false\n[capabilities.\"/opt/bin/myrt\"]\nuserns = true\n"))
	if err != nil {
		t.Fatal(err)
	}
	var oc ocirt.Config
	c.Apply(&oc)
	if has, ok := oc.Declared["krun"][ocirt.CapExec]; !ok || has {
		t.Errorf("krun exec: %v %v", has, ok)
	}
	if !oc.Declared["/opt/bin/myrt"][ocirt.CapUserNS] {
		t.Errorf("declarations %+v", oc.Declared)
	}
}

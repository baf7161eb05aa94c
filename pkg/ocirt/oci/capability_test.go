package oci

import (
	"encoding/json"
	"testing"

	"github.com/pod-engine/pod/pkg/ocirt"
)

// The overlay and id-mapped mount capabilities: crun maps mounts (its
// version output says nothing of it), runc 1.1's features document has no
// mountExtensions and so no idmap, a runc that reports it has it, runsc
// has neither and gets its overlays from the host.
func TestMountCapabilities(t *testing.T) {
	runc11 := json.RawMessage(`{"ociVersionMax":"1.0.2-dev","linux":{"namespaces":["user"]}}`)
	runc12 := json.RawMessage(`{"linux":{"mountExtensions":{"idmap":{"enabled":true}}}}`)
	cases := []struct {
		path     string
		features json.RawMessage
		idmap    bool
		overlay  bool
	}{
		{"/usr/bin/crun", versionFeatures("crun version 1.8.1\n+SYSTEMD +SECCOMP"), true, true},
		{"/usr/sbin/runc", runc11, false, true},
		{"/usr/sbin/runc", runc12, true, true},
		{"/usr/bin/runsc", nil, false, false},
	}
	for _, c := range cases {
		caps := Driver{}.Capabilities(&ocirt.Config{}, ocirt.Handle{Name: c.path, Path: c.path}, c.features)
		if got := caps[ocirt.CapIDMappedMounts]; got.Has != c.idmap {
			t.Errorf("%s %s: idmapped-mounts %+v, want %v", c.path, c.features, got, c.idmap)
		}
		if got := caps[ocirt.CapOverlayMounts]; got.Has != c.overlay {
			t.Errorf("%s: overlay-mounts %+v, want %v", c.path, got, c.overlay)
		}
	}
	// without a features document nothing is said of runc's idmap: the
	// registry reads the probe cache for it
	if _, told := (Driver{}).Capabilities(&ocirt.Config{}, ocirt.Handle{Name: "runc", Path: "/usr/sbin/runc"}, nil)[ocirt.CapIDMappedMounts]; told {
		t.Errorf("runc without features: idmapped-mounts told")
	}
}

// runsc's user namespaces follow from its release date (it has no features
// command): Debian 12's 20221219 cannot start a sandbox with id mappings,
// a release from runscUserNSSince on can, a version without a date says
// nothing (left to the runtime), and nothing is told before the probe.
func TestRunscUserNS(t *testing.T) {
	cases := []struct {
		version   string
		has, told bool
	}{
		{"runsc version 0.0~20221219.0\nspec: 1.0.2-dev", false, true},
		{"runsc version release-20231009.0\nspec: 1.1.0", false, true},
		{"runsc version release-" + runscUserNSSince + ".0\nspec: 1.1.0", true, true},
		{"runsc version release-20250512.0\nspec: 1.1.0", true, true},
		{"runsc version VERSION_MISSING\nspec: 1.1.0", false, false},
	}
	h := ocirt.Handle{Name: "runsc", Path: "/usr/bin/runsc"}
	for _, c := range cases {
		caps := Driver{}.Capabilities(&ocirt.Config{}, h, runscFeatures(c.version))
		got, told := caps[ocirt.CapUserNS]
		if told != c.told || got.Has != c.has {
			t.Errorf("%q: userns %+v (told %v), want has %v told %v", c.version, got, told, c.has, c.told)
		}
		if told && !got.Has && got.Note != runscUserNSNote {
			t.Errorf("%q: note %q", c.version, got.Note)
		}
		if !caps[ocirt.CapSeccomp].Has {
			t.Errorf("%q: no seccomp", c.version)
		}
	}
	if _, told := (Driver{}).Capabilities(&ocirt.Config{}, h, nil)[ocirt.CapUserNS]; told {
		t.Errorf("runsc without features: userns told, so the registry would not read the probe")
	}
}

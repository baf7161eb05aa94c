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

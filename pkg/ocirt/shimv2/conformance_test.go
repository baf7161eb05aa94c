package shimv2

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/ocirttest"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/internal/testutil"
)

// TestConformance runs the ocirt conformance suite against every installed
// runc shim (task API v2 and v3), the default runc and crun behind it.
func TestConformance(t *testing.T) {
	testutil.RequireRoot(t)
	shims(t, func(t *testing.T, shim string) {
		for _, binary := range []string{"", "/usr/bin/crun"} {
			name := "runc"
			if binary != "" {
				testutil.RequireBinary(t, binary)
				name = filepath.Base(binary)
			}
			t.Run(name, func(t *testing.T) {
				ns := testutil.UniqueID("podconf")
				d := Driver{Monitor: podShim, Namespace: ns, HashAddress: "/run/pod-test/" + ns}
				t.Cleanup(func() { os.RemoveAll(filepath.Join("/run/containerd/runc", ns)) })
				a := ocirt.Alias{Type: "io.containerd.runc.v2"}
				if binary != "" {
					a.Options = map[string]any{"BinaryName": binary}
				}
				reg := ocirt.NewRegistry(ocirt.Config{ShimDirs: []string{filepath.Dir(shim)}, Aliases: map[string]ocirt.Alias{"shim": a}}, d)
				ocirttest.RunRegistered(t, reg, "shim", ocirttest.Config{})
			})
		}
	})
}

package oci

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon/conmontest"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/ocirttest"
)

// podConmon is the pod-conmon binary built for these tests ("" if the build failed).
var podConmon string

func TestMain(m *testing.M) {
	if os.Geteuid() == 0 {
		dir, err := os.MkdirTemp("", "pod-conmon-test")
		if err == nil {
			bin := filepath.Join(dir, "pod-conmon")
			cmd := exec.Command("go", "build", "-o", bin, "github.com/pod-engine/pod/cmd/pod-conmon")
			cmd.Stderr = os.Stderr
			if cmd.Run() == nil {
				podConmon = bin
			}
			defer os.RemoveAll(dir)
		}
	}
	code := m.Run()
	if podConmon != "" {
		os.RemoveAll(filepath.Dir(podConmon))
	}
	os.Exit(code)
}

// TestConformance runs the ocirt suite against every installed OCI runtime,
// under pod-conmon and under the real conmon.
func TestConformance(t *testing.T) {
	conmontest.RequireRoot(t)
	monitors := map[string]string{"pod-conmon": podConmon}
	if p, err := exec.LookPath("conmon"); err == nil {
		monitors["conmon"] = p
	}
	for _, name := range []string{"runc", "crun", "runsc"} {
		path, err := exec.LookPath(name)
		if err != nil {
			t.Logf("%s not installed: skipped", name)
			continue
		}
		for mname, mon := range monitors {
			if mon == "" {
				continue
			}
			t.Run(name+"/"+mname, func(t *testing.T) {
				root := t.TempDir()
				reg := ocirt.NewRegistry(ocirt.Config{
					Runtimes:     map[string][]string{name: {path}},
					Flags:        map[string][]string{name: {"root=" + filepath.Join(root, "state")}},
					SupportsJSON: []string{name},
				}, Driver{Monitor: func() (string, error) { return mon, nil }})
				var cfg ocirttest.Config
				if name == "runsc" {
					cfg.Timeout = 60 * time.Second
				}
				ocirttest.RunRegistered(t, reg, name, cfg)
			})
		}
	}
}

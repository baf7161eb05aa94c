package shimv2

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/internal/testutil"
)

// TestRunscShim runs a container on gVisor's shim (containerd-shim-runsc-v1
// driving the installed runsc) with a runsc config file for the shim.
func TestRunscShim(t *testing.T) {
	shim := testutil.RunscShim()
	testutil.RequireBinary(t, shim)
	f := newFixture(t, testutil.DebianRuncShim)
	conf := filepath.Join(f.dir, "runsc.toml")
	os.WriteFile(conf, []byte("binary_name = \"/usr/bin/runsc\"\n[runsc_config]\nnetwork = \"none\"\n"), 0o644)
	reg := ocirt.NewRegistry(ocirt.Config{
		ShimDirs: []string{filepath.Dir(shim)},
		Aliases:  map[string]ocirt.Alias{"gvisor": {Type: "io.containerd.runsc.v1", Options: map[string]any{"TypeUrl": "io.containerd.runsc.v1.options"}, ConfigPath: conf}},
	}, f.driver)
	h, err := reg.Resolve("gvisor")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := reg.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	req := f.request(false, false, "sh", "-c", "echo hello from gvisor; exit 4")
	tk, err := rt.Create(context.Background(), req)
	if !testutil.HasCapability(testutil.CapSysResource) {
		// gVisor's shim sets its daemon's oom_score_adj to -999 at `start`
		// and fails when it may not (no CAP_SYS_RESOURCE, as in this
		// sandbox). Check that this is the failure, and that it left
		// nothing behind, then skip.
		if err == nil || !strings.Contains(err.Error(), "failed to set OOM Score on shim") || !strings.Contains(err.Error(), "oom_score_adj: permission denied") {
			t.Fatalf("without CAP_SYS_RESOURCE gVisor's shim should fail setting its OOM score; got %v", err)
		}
		if _, serr := os.Stat(ShimBundle(req.RunDir, req.ID)); serr == nil {
			t.Errorf("shim bundle left after the failed create")
		}
		// pod-shim runs the exit command after a failed create, as conmon
		// does, after it reported the failure: let it write its marker
		// before the test's directory goes.
		waitFile(t, filepath.Join(filepath.Dir(req.Bundle), "exitcmd"))
		t.Skipf("gVisor's shim needs CAP_SYS_RESOURCE: %v", err)
	}
	if err != nil {
		t.Fatalf("create on gVisor's shim: %v", err)
	}
	defer tk.Delete(context.Background(), true)
	if err := tk.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if es := f.waitExit(req, tk.Ref().MonitorPid); es.Code != 4 {
		t.Errorf("exit %d, want 4", es.Code)
	}
	if lines := logLines(t, req.Log.Path); !contains(lines, "stdout hello from gvisor") {
		t.Errorf("log %q", lines)
	}
	st, _ := json.Marshal(tk.(*task).state)
	t.Logf("state %s", st)
}

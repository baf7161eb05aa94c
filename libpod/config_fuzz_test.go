package libpod

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	storagetypes "go.podman.io/storage/types"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/oci"
	"github.com/pod-engine/pod/pkg/ocirt/podconf"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2"
)

const fuzzContainersConf = `[containers]
default_ulimits = ["nofile=1024:2048"]
env = ["A=1"]
devices = ["/dev/null:/dev/x:rwm"]
pids_limit = 100

[engine]
runtime = "myrt"
tmp_dir = "/tmp/x"
events_logger = "file"
cgroup_manager = "cgroupfs"
runtime_supports_json = ["crun", "myrt"]

[engine.runtimes]
myrt = ["/usr/bin/crun", "/usr/local/bin/crun"]
"bad name" = ["relative/path"]

[engine.runtimes_flags]
myrt = ["debug", "log-format=json"]
`

const fuzzStorageConf = `[storage]
driver = "overlay"
graphroot = "/var/lib/x"
runroot = "/run/x"

[storage.options]
additionalimagestores = ["/a"]
`

const fuzzPodConf = `default_runtime = "kata"
shim_dirs = ["/opt/kata/bin"]

[runtimes.kata]
type = "io.containerd.kata.v2"

[runtimes.rs]
type = "io.containerd.runc.v2"
[runtimes.rs.options]
BinaryName = "/usr/bin/crun"
IoUid = 3

[capabilities.kata]
exec = false
`

// FuzzConfigFiles loads containers.conf, storage.conf and pod.conf as pod
// does at startup (loadConfigured: go.podman.io/common and storage's
// loaders, then pod's validation of paths, runtime tables, events and
// cgroup managers, and pod.conf's aliases), then resolves a runtime name
// through the registry built from them. Any input must give either a
// configuration whose paths are clean and absolute and whose runtime
// resolves or fails with a classified error, or a classified error naming
// what is wrong; never a panic. Nothing is created: the registry only
// stats files.
func FuzzConfigFiles(f *testing.F) {
	f.Add([]byte(fuzzContainersConf), []byte(fuzzStorageConf), []byte(fuzzPodConf), "")
	f.Add([]byte(fuzzContainersConf), []byte(fuzzStorageConf), []byte(""), "myrt")
	f.Add([]byte("[engine]\ntmp_dir = \"rel\"\n"), []byte("[storage]\ngraphroot = \"rel\"\n"), []byte("[runtimes.\"a b\"]\n"), "../x")
	f.Add([]byte("[engine.runtimes]\nx = []\n[engine]\nruntime = \"x\"\n"), []byte("[storage\n"), []byte("default_runtime = \"\"\n"), "x")
	f.Add([]byte("[engine]\nevents_logger = \"syslog\"\ncgroup_manager = \"none\"\n"), []byte(""), []byte("shim_dirs = [\"rel\"]\n"), "/abs/rt")
	f.Add([]byte("[containers]\ndefault_ulimits = [\"nofile=x\"]\nenv = [\"\"]\n"), []byte("[storage]\nrunroot = \"/r/../x\"\ngraphroot = \"/g//\"\n"), []byte("[capabilities.x]\nnosuch = true\n"), "io.containerd.runc.v2")
	f.Add([]byte("[engine]\nruntime = \"io.containerd.kata.v2\"\n[engine.runtimes_flags]\ncrun = [\"--\", \"\"]\n"), []byte("[storage]\nimagestore = \"/var/lib/x\"\ngraphroot = \"/var/lib/x\"\n"), []byte("[runtimes.k]\ntype = \"io.containerd.\"\n"), "k")
	dir := f.TempDir()
	saved := storeOptions
	f.Cleanup(func() { storeOptions = saved })
	storeOptions = storagetypes.UpdateStoreOptions // read afresh, not once per process
	f.Fuzz(func(t *testing.T, containersConf, storageConf, podConf []byte, name string) {
		files := map[string][]byte{"containers.conf": containersConf, "storage.conf": storageConf, "pod.conf": podConf}
		for n, data := range files {
			if err := os.WriteFile(filepath.Join(dir, n), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		t.Setenv("CONTAINERS_CONF", filepath.Join(dir, "containers.conf"))
		t.Setenv("CONTAINERS_CONF_OVERRIDE", "")
		t.Setenv("CONTAINERS_STORAGE_CONF", filepath.Join(dir, "storage.conf"))
		t.Setenv(podconf.EnvConfig, filepath.Join(dir, "pod.conf"))
		lc, err := loadConfigured(&Options{})
		if err != nil {
			checkConfigErr(t, err)
			return
		}
		p := lc.paths
		for _, v := range []string{p.GraphRoot, p.RunRoot, p.TmpDir, p.State, p.Locks, p.Exits} {
			if !filepath.IsAbs(v) || strings.IndexByte(v, 0) >= 0 {
				t.Fatalf("path %q accepted (paths %+v)", v, p)
			}
		}
		if p.GraphRoot != filepath.Clean(p.GraphRoot) || p.RunRoot != filepath.Clean(p.RunRoot) {
			t.Fatalf("storage paths not clean: %+v", p)
		}
		reg := ocirt.NewRegistry(lc.registry, oci.Driver{Monitor: func() (string, error) { return "/nonexistent/pod-conmon", nil }}, shimv2.Driver{})
		for _, n := range []string{"", name} {
			h, err := reg.Resolve(n)
			if err != nil {
				checkConfigErr(t, err)
				continue
			}
			if h.Kind == "" || h.Name == "" {
				t.Fatalf("runtime %q resolved to %+v", n, h)
			}
		}
	})
}

// checkConfigErr: a refused configuration is an error of a known class with
// a message, never a bare library error.
func checkConfigErr(t *testing.T, err error) {
	t.Helper()
	for _, class := range []error{errdefs.ErrInvalidArgument, errdefs.ErrNotFound, errdefs.ErrUnavailable} {
		if errors.Is(err, class) && strings.TrimSpace(err.Error()) != "" {
			return
		}
	}
	t.Fatalf("unclassified error: %v", err)
}

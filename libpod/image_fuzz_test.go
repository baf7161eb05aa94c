package libpod

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/healthcheck"
	"github.com/pod-engine/pod/pkg/imagestore"
	"github.com/pod-engine/pod/pkg/network"
)

// FuzzImageConfig decodes an image config as an untrusted `load` or
// `import` archive carries it, and derives from it what a container is made
// of, as create does: the command (Entrypoint and Cmd), the stop signal, the
// healthcheck, the exposed ports, the anonymous volumes' destinations, and
// the spec (Env, User, WorkingDir). Each step either refuses the value with
// an ErrInvalidArgument or gives a value the runtime can take; never a panic.
func FuzzImageConfig(f *testing.F) {
	for _, s := range []string{
		`{"config":{"Cmd":["sh"],"Env":["PATH=/bin","A=1"],"User":"1000:1000","WorkingDir":"/work","ExposedPorts":{"80/tcp":{},"53/udp":{}},"Volumes":{"/data":{}},"StopSignal":"SIGKILL","Labels":{"a":"b"}}}`,
		`{"config":{"Entrypoint":["/bin/sh","-c"],"Cmd":["echo hi"],"Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":1000000000,"Timeout":-5,"Retries":-1,"StartPeriod":-1}}}`,
		`{"config":{"Cmd":[""],"Env":["=x","A\u0000=1","B"],"User":"root:nosuch","WorkingDir":"rel/../x","ExposedPorts":{"0-70000/tcp":{},"x/icmp":{}},"Volumes":{"":{},"../..":{},"/a\u0000b":{}}}}`,
		`{"config":{"Cmd":[],"Entrypoint":[],"StopSignal":"RTMIN+99","Healthcheck":{"Test":["NONE"]}}}`,
		`{"config":{"Cmd":["x"],"Healthcheck":{"Test":["CMD"],"Interval":-1}}}`,
		`{"config":{"Cmd":["x"],"Healthcheck":{"Test":["BOGUS","a"],"Interval":9223372036854775807,"Timeout":9223372036854775807}}}`,
		`{"config":{"Cmd":["x"],"ExposedPorts":{"1-65535":{}},"User":"4294967295"}}`,
		`{"config":null}`, `[]`, `{"config":{"Cmd":"sh"}}`,
	} {
		f.Add([]byte(s))
	}
	rootfs := f.TempDir()
	if err := os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "etc", "passwd"), []byte("root:x:0:0:root:/root:/bin/sh\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	volDir := f.TempDir()
	f.Fuzz(func(t *testing.T, raw []byte) {
		ic, err := imagestore.ParseConfig(raw)
		if err != nil {
			checkInvalid(t, "ParseConfig", err)
			return
		}
		img := imageSpec(ic)
		if hc, _, err := healthcheck.Resolve(healthcheck.Flags{}, ic.Healthcheck); err != nil {
			checkInvalid(t, "healthcheck", err)
		} else if hc != nil {
			if hc.Interval <= 0 || hc.Timeout <= 0 || hc.Retries <= 0 || hc.StartPeriod < 0 {
				t.Fatalf("healthcheck %+v from %+v", hc, ic.Healthcheck)
			}
			if argv, err := hc.Argv(); err == nil && len(argv) == 0 {
				t.Fatalf("healthcheck %+v: empty command", hc)
			}
			st := healthcheck.Initial()
			now := time.Now()
			healthcheck.Update(&st, hc, healthcheck.ActionNone, now, healthcheck.Result{Start: now, End: now, ExitCode: 1})
		}
		if ports, err := network.ParseExpose(img.ExposedPorts); err != nil {
			checkInvalid(t, "exposed ports", err)
		} else if len(ports) > 65535*3 {
			t.Fatalf("%d exposed ports", len(ports))
		}
		if _, err := stopSignal("", img.StopSignal); err != nil {
			checkInvalid(t, "stop signal", err)
		}
		o := &specgen.Options{}
		h := &specgen.Host{CgroupManager: "cgroupfs", RuntimeName: "crun",
			Rlimits: map[string]specgen.Rlimit{"nofile": {Soft: 1024, Hard: 1024}, "nproc": {Soft: 1024, Hard: 1024}}}
		for _, d := range img.Volumes {
			dest, ok := imageVolumeDest(d)
			if !ok {
				continue
			}
			if !path.IsAbs(dest) || path.Clean(dest) != dest || dest == "/" {
				t.Fatalf("image volume %q → %q", d, dest)
			}
			h.Volumes = append(h.Volumes, specgen.VolumeMount{Source: volDir, Destination: dest, Options: []string{"rw", "rprivate", "nosuid", "nodev", "rbind"}})
		}
		if cmd, err := specgen.Command(o, &img); err != nil || len(cmd) == 0 {
			return // create refuses it: "no command given …"
		}
		if _, _, err := specgen.Generate("fuzz", o, &img, &specgen.Defaults{}, h, rootfs); err != nil {
			if errors.Is(err, specgen.ErrBadSpec) {
				t.Fatal(err)
			}
			checkInvalid(t, "Generate", err)
		}
	})
}

func checkInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, errdefs.ErrInvalidArgument) && !errors.Is(err, errdefs.ErrNotFound) {
		t.Fatalf("%s: unclassified error: %v", what, err)
	}
}

package specgen

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Overlay (O) mounts: an OCI overlay mount with layers under OverlayDir
// where the runtime mounts it (userxattr in a user namespace), a bind of
// the merged directory where libpod mounts it on the host, the user's
// upper/work directories when given; idmap stays an OCI option.
func TestGenerateOverlayMounts(t *testing.T) {
	src := t.TempDir()
	cmd := []string{"sh"}
	ovlHost := func(onHost bool) func(*Host) {
		return func(h *Host) {
			h.OverlayDir = "/st/ovl"
			h.OverlayOnHost = onHost
			h.Volumes = []VolumeMount{{Source: "/vols/v/_data", Destination: "/v", Options: []string{"O"}}}
		}
	}
	runGenCases(t, []genCase{
		{name: "runtime mounts", o: Options{Command: cmd, Volumes: []string{src + ":/data:O"}}, host: ovlHost(false),
			want: map[string]string{
				"mounts.[/data]": `{"destination":"/data","type":"overlay","source":"overlay","options":["lowerdir=` + src + `","upperdir=/st/ovl/0/upper","workdir=/st/ovl/0/work","private"]}`,
				"mounts.[/v]":    `{"destination":"/v","type":"overlay","source":"overlay","options":["lowerdir=/vols/v/_data","upperdir=/st/ovl/1/upper","workdir=/st/ovl/1/work","private"]}`,
			},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				want := []Overlay{
					{Lower: src, Upper: "/st/ovl/0/upper", Work: "/st/ovl/0/work", Temp: true},
					{Lower: "/vols/v/_data", Upper: "/st/ovl/1/upper", Work: "/st/ovl/1/work", Temp: true},
				}
				if !reflect.DeepEqual(r.Overlays, want) {
					t.Errorf("overlays %+v", r.Overlays)
				}
			}},
		{name: "host mounts", o: Options{Command: cmd, Volumes: []string{src + ":/data:O,upperdir=/u,workdir=/w"}}, host: ovlHost(true),
			want: map[string]string{
				"mounts.[/data]": `{"destination":"/data","type":"bind","source":"/st/ovl/0/merge","options":["rw","rprivate","rbind"]}`,
			},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if len(r.Overlays) != 2 || r.Overlays[0] != (Overlay{Lower: src, Upper: "/u", Work: "/w", Merge: "/st/ovl/0/merge"}) {
					t.Errorf("overlays %+v", r.Overlays)
				}
			}},
		{name: "user namespace", o: Options{Command: cmd, Volumes: []string{src + ":/data:O"},
			IDMappings: &IDMappings{UIDs: []specs.LinuxIDMapping{{HostID: 100000, Size: 65536}}, GIDs: []specs.LinuxIDMapping{{HostID: 100000, Size: 65536}}}},
			host: func(h *Host) { h.OverlayDir = "/st/ovl" },
			want: map[string]string{
				"mounts.[/data]": `{"destination":"/data","type":"overlay","source":"overlay","options":["lowerdir=` + src + `","upperdir=/st/ovl/0/upper","workdir=/st/ovl/0/work","userxattr","private"]}`,
			}},
		{name: "idmap", o: Options{Command: cmd, Volumes: []string{src + ":/data:idmap"}},
			want: map[string]string{
				"mounts.[/data]": `{"destination":"/data","type":"bind","source":"` + src + `","options":["rw","rprivate","rbind","idmap"]}`,
			}},
	})
}

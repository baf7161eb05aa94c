package specgen

import (
	"reflect"
	"strings"
	"testing"
)

// TestInspectBinds: the option lists are Podman 4.3.1's (checked against
// `podman inspect` of the same flags): the options as given, --mount's
// keys in -v's spelling, then rw, rprivate, a volume's nosuid and nodev,
// and rbind for what was not given; O mounts and tmpfs are left out.
func TestInspectBinds(t *testing.T) {
	src := t.TempDir()
	o := &Options{
		Volumes: []string{src + ":/d1", src + ":/d2:ro", src + ":/d3:z,rshared", src + ":/d4:U", src + ":/d5:noexec,nosuid",
			src + ":/d6:rslave,ro", src + ":/d7:bind", src + ":/o:O", "vol:/v1", "vol:/v2:z,noexec", "vol:/v3:suid,dev", "vol:/v4:ro", "/anon"},
		Mounts: []string{"type=bind,src=" + src + ",dst=/m1", "type=bind,source=" + src + ",target=/m2,ro=true,bind-propagation=slave",
			"type=bind,src=" + src + ",dst=/m3,relabel=private", "type=bind,src=" + src + ",dst=/m4,bind-nonrecursive=true,U=true",
			"type=volume,src=vol,dst=/v5,ro", "type=volume,dst=/v6", "type=tmpfs,dst=/t"},
	}
	want := map[string]string{
		"/d1":   "bind " + src + " rw,rprivate,rbind",
		"/d2":   "bind " + src + " ro,rprivate,rbind",
		"/d3":   "bind " + src + " z,rshared,rw,rbind",
		"/d4":   "bind " + src + " U,rw,rprivate,rbind",
		"/d5":   "bind " + src + " noexec,nosuid,rw,rprivate,rbind",
		"/d6":   "bind " + src + " rslave,ro,rbind",
		"/d7":   "bind " + src + " bind,rw,rprivate",
		"/v1":   "volume vol rw,rprivate,nosuid,nodev,rbind",
		"/v2":   "volume vol z,noexec,rw,rprivate,nosuid,nodev,rbind",
		"/v3":   "volume vol suid,dev,rw,rprivate,rbind",
		"/v4":   "volume vol ro,rprivate,nosuid,nodev,rbind",
		"/anon": "volume  rw,rprivate,nosuid,nodev,rbind",
		"/m1":   "bind " + src + " rw,rprivate,rbind",
		"/m2":   "bind " + src + " ro,slave,rbind",
		"/m3":   "bind " + src + " Z,rw,rprivate,rbind",
		"/m4":   "bind " + src + " bind,U,rw,rprivate",
		"/v5":   "volume vol ro,rprivate,nosuid,nodev,rbind",
		"/v6":   "volume  rw,rprivate,nosuid,nodev,rbind",
	}
	binds := func(initialized bool) map[string]string {
		got := map[string]string{}
		for _, b := range InspectBinds(o, initialized) {
			got[b.Destination] = b.Type + " " + b.Source + " " + strings.Join(b.Options, ",")
		}
		return got
	}
	if got := binds(false); !reflect.DeepEqual(got, want) {
		t.Errorf("InspectBinds:\n got %v\nwant %v", got, want)
	}
	// Initialized: the binds lose z, Z and U; the volumes keep them.
	want["/d3"] = "bind " + src + " rshared,rw,rbind"
	want["/d4"] = "bind " + src + " rw,rprivate,rbind"
	want["/m3"] = "bind " + src + " rw,rprivate,rbind"
	want["/m4"] = "bind " + src + " bind,rw,rprivate"
	if got := binds(true); !reflect.DeepEqual(got, want) {
		t.Errorf("InspectBinds, initialized:\n got %v\nwant %v", got, want)
	}
}

// TestInspectMountFields: Podman's split of a Mounts entry's options.
func TestInspectMountFields(t *testing.T) {
	for _, tc := range []struct {
		opts       []string
		rw         bool
		prop, mode string
		rest       []string
	}{
		{nil, true, "", "", []string{}},
		{[]string{"z", "rshared", "rw", "rbind"}, true, "rshared", "z", []string{"rbind"}},
		{[]string{"ro", "slave", "rbind"}, false, "slave", "", []string{"rbind"}},
		{[]string{"Z", "noexec", "rw", "rprivate", "nosuid", "nodev", "rbind"}, true, "rprivate", "Z", []string{"noexec", "nosuid", "nodev", "rbind"}},
		{[]string{"bind", "U", "rw", "rprivate"}, true, "rprivate", "", []string{"bind", "U"}},
	} {
		rw, prop, mode, rest := InspectMountFields(tc.opts)
		if rw != tc.rw || prop != tc.prop || mode != tc.mode || !reflect.DeepEqual(rest, tc.rest) {
			t.Errorf("InspectMountFields(%q) = %v %q %q %q; want %v %q %q %q", tc.opts, rw, prop, mode, rest, tc.rw, tc.prop, tc.mode, tc.rest)
		}
	}
}

package specgen

import (
	"reflect"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

func TestParseUserNS(t *testing.T) {
	for _, c := range []struct {
		in   string
		want UserNS
		err  bool
	}{
		{"", UserNS{Mode: "host", UID: -1, GID: -1}, false},
		{"host", UserNS{Mode: "host", UID: -1, GID: -1}, false},
		{"keep-id", UserNS{Mode: "keep-id", UID: -1, GID: -1}, false},
		{"keep-id:uid=200,gid=210", UserNS{Mode: "keep-id", UID: 200, GID: 210}, false},
		{"keep-id:gid=5", UserNS{Mode: "keep-id", UID: -1, GID: 5}, false},
		{"nomap", UserNS{Mode: "nomap", UID: -1, GID: -1}, false},
		{"ns:/proc/1/ns/user", UserNS{Mode: "ns", Path: "/proc/1/ns/user", UID: -1, GID: -1}, false},
		{"ns:relative", UserNS{}, true},
		{"keep-id:uid=x", UserNS{}, true},
		{"keep-id:size=3", UserNS{}, true},
		{"keep-id:uid=-1", UserNS{}, true},
		{"keep-id:uid=4294967295", UserNS{}, true},
		{"host:x", UserNS{}, true},
		{"auto", UserNS{Mode: "auto", UID: -1, GID: -1}, false},
		{"auto:size=10,uidmapping=0:0:1", UserNS{Mode: "auto", Auto: "size=10,uidmapping=0:0:1", UID: -1, GID: -1}, false},
		{"auto:size=0", UserNS{}, true},
		{"auto:foo=1", UserNS{}, true},
		{"auto:size", UserNS{}, true},
		{"auto:uidmapping=0:0", UserNS{}, true},
		{"nomap:x", UserNS{}, true},
		{"bogus", UserNS{}, true},
	} {
		got, err := ParseUserNS(c.in)
		if (err != nil) != c.err {
			t.Errorf("%q: err %v", c.in, err)
			continue
		}
		if !c.err && got != c.want {
			t.Errorf("%q: got %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestUserNSMappings(t *testing.T) {
	ids := &IDs{UID: 1001, GID: 1001, NSUIDs: 65537, NSGIDs: 65537}
	u, _ := ParseUserNS("keep-id")
	uids, gids, err := UserNSMappings(u, ids)
	if err != nil {
		t.Fatal(err)
	}
	want := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1, Size: 1001}, {ContainerID: 1001, HostID: 0, Size: 1}, {ContainerID: 1002, HostID: 1002, Size: 64535}}
	if !reflect.DeepEqual(uids, want) || !reflect.DeepEqual(gids, want) {
		t.Errorf("keep-id: %v %v", uids, gids)
	}
	u, _ = ParseUserNS("keep-id:uid=0,gid=0")
	uids, _, _ = UserNSMappings(u, ids)
	if want := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: 1, HostID: 1, Size: 65536}}; !reflect.DeepEqual(uids, want) {
		t.Errorf("keep-id:uid=0: %v", uids)
	}
	u, _ = ParseUserNS("keep-id:uid=70000")
	if _, _, err := UserNSMappings(u, ids); err == nil {
		t.Error("keep-id beyond the namespace: no error")
	}
	u, _ = ParseUserNS("nomap")
	uids, _, _ = UserNSMappings(u, ids)
	if want := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1, Size: 65536}}; !reflect.DeepEqual(uids, want) {
		t.Errorf("nomap: %v", uids)
	}
	for _, v := range []string{"keep-id", "nomap"} {
		u, _ = ParseUserNS(v)
		if _, _, err := UserNSMappings(u, nil); err == nil {
			t.Errorf("%s as root: no error", v)
		}
	}
	u, _ = ParseUserNS("auto")
	if uids, _, err := UserNSMappings(u, ids); err != nil || uids != nil {
		t.Errorf("auto: %v %v (storage picks the range)", uids, err)
	}
}

func FuzzParseUserNS(f *testing.F) {
	for _, s := range []string{"keep-id:uid=1,gid=2", "ns:/x", "nomap", "host", "auto", "keep-id:uid=", "auto:size=100,uidmapping=0:0:1,gidmapping=1:5:2"} {
		f.Add(s)
	}
	ids := &IDs{UID: 1000, GID: 1000, NSUIDs: 65537, NSGIDs: 65537}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUserNS(s)
		if err != nil {
			return
		}
		if again, err := ParseUserNS(u.String()); err != nil || again != u {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, u, u.String(), again, err)
		}
		uids, _, err := UserNSMappings(u, ids)
		if err != nil {
			return
		}
		var n uint32
		for _, m := range uids {
			n += m.Size
			if m.HostID+m.Size > ids.NSUIDs {
				t.Fatalf("%q: mapping %+v outside the namespace", s, m)
			}
		}
		if len(uids) > 0 && n > ids.NSUIDs {
			t.Fatalf("%q: %d ids mapped, the namespace has %d", s, n, ids.NSUIDs)
		}
	})
}

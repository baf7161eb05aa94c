package idmap

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestParseMaps(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want []specs.LinuxIDMapping
		err  string
	}{
		{[]string{"0:100000:65536"}, []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}, ""},
		{[]string{"0:1:10", "10:100:5"}, []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1, Size: 10}, {ContainerID: 10, HostID: 100, Size: 5}}, ""},
		{[]string{"0:1:10:10:100:5"}, []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1, Size: 10}, {ContainerID: 10, HostID: 100, Size: 5}}, ""},
		{[]string{"0:100000:0"}, nil, `--uidmap "0:100000:0": size 0 maps no ids`},
		{[]string{"0:100000:10", "5:200000:10"}, nil, "the specified UID and/or GID mapping 5:200000:10 conflicts with other mappings"},
		{[]string{"20:100005:10", "0:100000:10"}, nil, "the specified UID and/or GID mapping 0:100000:10 conflicts with other mappings"},
		{[]string{"abc"}, nil, `UID setting is malformed expected ["uint32:uint32:uint32"]: ["abc"]`},
		{[]string{"0:1:2:3"}, nil, "malformed"},
		{[]string{"-1:0:1"}, nil, "malformed"},
		{[]string{"1:100000:10"}, nil, "container ID 0 cannot be mapped to a host ID"},
		{[]string{"0:4294967295:10"}, nil, "the range goes past id"},
	} {
		got, err := ParseMaps("UID", c.in)
		if c.err == "" {
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("%q: %v %v", c.in, got, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) || !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("%q: got %v, want %q (invalid argument)", c.in, err, c.err)
		}
	}
}

func TestResolve(t *testing.T) {
	ns := &NS{UIDs: 65537, GIDs: 65537}
	// --gidmap defaults to --uidmap
	u, g, err := Resolve(Flags{UIDMap: []string{"0:1:1000"}}, ns)
	if err != nil || !reflect.DeepEqual(u, g) || len(u) != 1 {
		t.Fatalf("uidmap only: %v %v %v", u, g, err)
	}
	u, g, err = Resolve(Flags{UIDMap: []string{"0:1:1000"}, GIDMap: []string{"0:5:10"}}, ns)
	if err != nil || g[0].HostID != 5 || u[0].HostID != 1 {
		t.Fatalf("both: %v %v %v", u, g, err)
	}
	if _, _, err := Resolve(Flags{UIDMap: []string{"0:1:70000"}}, ns); err == nil || !strings.Contains(err.Error(), "outside the 65537 ids of your user namespace") {
		t.Errorf("beyond the namespace: %v", err)
	}
	if _, _, err := Resolve(Flags{UIDMap: []string{"0:100000:10"}}, nil); err != nil {
		t.Errorf("root, host ids: %v", err)
	}
	if _, _, err := Resolve(Flags{SubUIDName: "x"}, ns); err == nil || !strings.Contains(err.Error(), "only root") {
		t.Errorf("rootless --subuidname: %v", err)
	}
	if _, _, err := Resolve(Flags{SubUIDName: "no-such-user-pod-test"}, nil); err == nil || !strings.Contains(err.Error(), `no subuid ranges found for user "no-such-user-pod-test" in /etc/subuid`) {
		t.Errorf("unknown --subuidname: %v", err)
	}
	if u, g, err := Resolve(Flags{}, ns); u != nil || g != nil || err != nil {
		t.Errorf("no flags: %v %v %v", u, g, err)
	}
}

func TestParseAuto(t *testing.T) {
	o, err := ParseAuto("size=500,uidmapping=0:0:1,gidmapping=0:0:1,gidmapping=1:7:2", nil)
	if err != nil || o.Size != 500 || len(o.AdditionalUIDMappings) != 1 || len(o.AdditionalGIDMappings) != 2 {
		t.Fatalf("%+v %v", o, err)
	}
	for in, frag := range map[string]string{
		"foo=1":                             `unknown option specified: "foo"`,
		"size":                              "invalid option specified",
		"size=0":                            "must be a number of ids",
		"size=x":                            "must be a number of ids",
		"uidmapping=0:0":                    "malformed",
		"uidmapping=0:0:0":                  "size 0",
		"uidmapping=0:0:5,uidmapping=2:9:1": "conflicts with other mappings",
	} {
		if _, err := ParseAuto(in, nil); err == nil || !strings.Contains(err.Error(), frag) {
			t.Errorf("%q: got %v, want %q", in, err, frag)
		}
	}
	if _, err := ParseAuto("uidmapping=0:70000:1", &NS{UIDs: 65537, GIDs: 65537}); err == nil {
		t.Error("rootless uidmapping beyond the namespace: no error")
	}
}

func TestRootIDs(t *testing.T) {
	u, g, ok := RootIDs([]specs.LinuxIDMapping{{ContainerID: 0, HostID: 1, Size: 5}}, []specs.LinuxIDMapping{{ContainerID: 0, HostID: 7, Size: 1}})
	if !ok || u != 1 || g != 7 {
		t.Errorf("%d %d %v", u, g, ok)
	}
	if _, _, ok := RootIDs([]specs.LinuxIDMapping{{ContainerID: 1, HostID: 1, Size: 5}}, nil); ok {
		t.Error("unmapped root: ok")
	}
}

// FuzzParseMaps: whatever --uidmap values are accepted are maps the kernel
// takes: non-empty ranges inside 32 bits, no overlap on either side, root
// mapped; and nothing panics.
func FuzzParseMaps(f *testing.F) {
	for _, s := range []string{"0:100000:65536", "0:1:10:10:100:5", "0:1:0", "1:2:3", "0:4294967295:1", "x", ""} {
		f.Add(s, "10:1000:5")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		maps, err := ParseMaps("UID", []string{a, b})
		if err != nil {
			return
		}
		if len(maps) == 0 {
			return // both empty: nothing asked
		}
		if !mapsID(maps, 0) {
			t.Fatalf("%q %q: root unmapped in %v", a, b, maps)
		}
		for i, m := range maps {
			if m.Size == 0 || uint64(m.ContainerID)+uint64(m.Size) > 1<<32-1 || uint64(m.HostID)+uint64(m.Size) > 1<<32-1 {
				t.Fatalf("%q %q: bad range %v", a, b, m)
			}
			for j, n := range maps {
				if i == j {
					continue
				}
				if m.ContainerID < n.ContainerID+n.Size && n.ContainerID < m.ContainerID+m.Size {
					t.Fatalf("%q %q: container ranges overlap: %v", a, b, maps)
				}
				if m.HostID < n.HostID+n.Size && n.HostID < m.HostID+m.Size {
					t.Fatalf("%q %q: host ranges overlap: %v", a, b, maps)
				}
			}
		}
		if err := checkInNS("UID", maps, 65537); err == nil {
			for _, m := range maps {
				if m.HostID+m.Size > 65537 {
					t.Fatalf("%v accepted in a namespace of 65537 ids", m)
				}
			}
		}
	})
}

// FuzzParseAuto: --userns auto's options never panic, and accepted extra
// mappings have no empty or overlapping ranges.
func FuzzParseAuto(f *testing.F) {
	for _, s := range []string{"size=500", "size=500,uidmapping=0:0:1", "gidmapping=0:0:1,gidmapping=1:5:2", "foo=1", "size=0", "uidmapping=0:0:0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseAuto(s, &NS{UIDs: 65537, GIDs: 65537})
		if err != nil {
			return
		}
		for _, m := range append(o.AdditionalUIDMappings, o.AdditionalGIDMappings...) {
			if m.Size <= 0 || m.HostID+m.Size > 65537 {
				t.Fatalf("%q: accepted %v", s, m)
			}
		}
	})
}

package ctrfilter

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// resolver knows the test containers by name and one image.
type resolver map[string]*Container

func (r resolver) ContainerCreated(n string) (time.Time, error) {
	for _, c := range r {
		if c.Names[0] == n || strings.HasPrefix(c.ID, n) {
			return c.Created, nil
		}
	}
	return time.Time{}, fmt.Errorf("no container with name or ID %q found: %w", n, errdefs.ErrNotFound)
}

func (r resolver) ImageID(name string) string {
	if name == "busybox" || name == "localhost/busybox" {
		return "6732b02114c3748120e6f01c20e3dc543ee3f6d31310c02482e0ab42dce4a044"
	}
	return ""
}

func testContainers() []*Container {
	bb := "6732b02114c3748120e6f01c20e3dc543ee3f6d31310c02482e0ab42dce4a044"
	return []*Container{
		{ID: "dc21542f221d1cbf", Names: []string{"up"}, Labels: map[string]string{"a": "b", "c": "d", "io.x/y": "1"},
			State: "running", ImageID: bb, ImageName: "localhost/busybox:latest", Created: t0,
			Mounts: []Mount{{Source: "/srv", Destination: "/data"}}, Runtime: []string{"crun", "/usr/bin/crun"}},
		{ID: "839da57e82841603", Names: []string{"down"}, State: "exited", ExitCode: 3, ImageID: bb,
			ImageName: "localhost/busybox:latest", Created: t0.Add(time.Second), Networks: []string{"podman"},
			RestartPolicy: "always", Runtime: []string{"runc", "/usr/bin/runc"}},
		{ID: "c48e1af913f4aafe", Names: []string{"we[ird] name.x"}, State: "created", ImageID: "ffff0000",
			ImageName: "docker.io/library/alpine:3", Created: t0.Add(2 * time.Second), Health: "healthy",
			Mounts: []Mount{{Source: "vol1", Destination: "/v", Named: true}}, PodID: "aaaa1111", PodName: "mypod"},
	}
}

func names(t *testing.T, args ...string) string {
	t.Helper()
	cs := testContainers()
	r := resolver{}
	for _, c := range cs {
		r[c.Names[0]] = c
	}
	f, err := New(args, r)
	if err != nil {
		t.Fatalf("New(%q): %v", args, err)
	}
	var out []string
	for _, c := range cs {
		if f.Match(c) {
			out = append(out, c.Names[0])
		}
	}
	return strings.Join(out, ",")
}

func TestMatch(t *testing.T) {
	all := "up,down,we[ird] name.x"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, all},
		{[]string{"id=dc"}, "up"},
		{[]string{"id=DC2"}, "up"},
		{[]string{"id=c"}, "we[ird] name.x"},
		{[]string{"id=^8.*3$"}, "down"},
		{[]string{"id=dc", "id=83"}, "up,down"},
		{[]string{"name=^u"}, "up"},
		{[]string{"name=o"}, "down"},
		{[]string{"name=/up"}, "up"},
		{[]string{"name=["}, ""},
		{[]string{`name=we\[ird\]`}, "we[ird] name.x"},
		{[]string{"name="}, all},
		{[]string{"label=a"}, "up"},
		{[]string{"label=a=b"}, "up"},
		{[]string{"label=a=x"}, ""},
		{[]string{"label=a", "label=c=d"}, "up"},
		{[]string{"label=a", "label=zz"}, ""},
		{[]string{"label=io.*"}, "up"},
		{[]string{"status=running"}, "up"},
		{[]string{"status=stopped"}, "down"},
		{[]string{"status=running", "status=exited"}, "up,down"},
		{[]string{"status=running", "name=down"}, ""},
		{[]string{"exited=3"}, "down"},
		{[]string{"exited=0"}, ""},
		{[]string{"ancestor=busybox"}, "up,down"},
		{[]string{"ancestor=docker.io/library/alpine:3"}, "we[ird] name.x"},
		{[]string{"ancestor=sha256:ffff"}, "we[ird] name.x"},
		{[]string{"ancestor=nosuch"}, ""},
		{[]string{"before=we[ird] name.x"}, "up,down"},
		{[]string{"since=up"}, "down,we[ird] name.x"},
		{[]string{"since=up", "since=down"}, "down,we[ird] name.x"},
		{[]string{"until=2026-01-02T03:04:06Z"}, "up"},
		{[]string{"until=1h"}, all},
		{[]string{"volume=/data"}, "up"},
		{[]string{"volume=/srv:/data"}, "up"},
		{[]string{"volume=/srv"}, "up"},
		{[]string{"volume=vol1"}, "we[ird] name.x"},
		{[]string{"network=podman"}, "down"},
		{[]string{"pod=mypod"}, "we[ird] name.x"},
		{[]string{"pod=aaaa"}, "we[ird] name.x"},
		{[]string{"pod="}, ""},
		{[]string{"health=healthy"}, "we[ird] name.x"},
		{[]string{"health=unhealthy"}, ""},
		{[]string{"restart-policy=none"}, "up,we[ird] name.x"},
		{[]string{"restart-policy=always", "restart-policy=no"}, "down"},
		{[]string{"runtime=crun"}, "up"},
		{[]string{"runtime=/usr/bin/runc"}, "down"},
	} {
		if got := names(t, tc.args...); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"bogus=1"}, "bogus is an invalid filter"},
		{[]string{"=x"}, " is an invalid filter"},
		{[]string{"noequals"}, `invalid filter "noequals"`},
		{[]string{"status=sleeping"}, "unknown container state: sleeping: invalid argument"},
		{[]string{"status=configured"}, "unknown container state: configured: invalid argument"},
		{[]string{"exited=abc"}, `exited code out of range '\x00': strconv.ParseInt: parsing "abc": invalid syntax`},
		{[]string{"exited=99999999999"}, `exited code out of range '�': strconv.ParseInt: parsing "99999999999": value out of range`},
		{[]string{"before=nosuch"}, `no container with name or ID "nosuch" found: not found`},
		{[]string{"until=garbage"}, `failed to parse value as time or duration: "garbage"`},
		{[]string{"until=1h", "until=2h"}, "specify exactly one timestamp for until"},
		{[]string{"restart-policy=bad"}, "bad invalid restart policy"},
		{[]string{"restart-policy=bad", "restart-policy=worse"}, "bad, worse invalid restart policies"},
	} {
		_, err := New(tc.args, resolver{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: got %v, want %q", tc.args, err, tc.want)
			continue
		}
		if !errors.Is(err, errdefs.ErrInvalidArgument) && !errors.Is(err, errdefs.ErrNotFound) {
			t.Errorf("%q: error %v has no class", tc.args, err)
		}
	}
	if _, err := New([]string{"since=x"}, nil); err == nil {
		t.Error("since without a resolver accepted")
	}
}

func TestNilAndEmpty(t *testing.T) {
	var f *Filter
	if !f.Empty() || !f.Match(&Container{}) {
		t.Error("nil filter must match everything")
	}
	f, err := New(nil, nil)
	if err != nil || !f.Empty() || !f.Match(&Container{}) {
		t.Errorf("empty filter: %v", err)
	}
}

// FuzzNew: no input panics New or Match, errors always have a class, and a
// filter on a key that is not known always fails.
func FuzzNew(f *testing.F) {
	for _, s := range []string{"name=^u", "id=dc", "label=a=b\x00label=c", "status=running\x00status=exited",
		"exited=3", "until=1h", "until=2026-01-01T00:00:00Z", "volume=/a:/b", "restart-policy=no", "=", "x",
		"name=[", "label=*", "ancestor=sha256:", "before=up", "pod=", "health=\xff"} {
		f.Add(s)
	}
	cs := testContainers()
	r := resolver{"up": cs[0], "down": cs[1]}
	f.Fuzz(func(t *testing.T, in string) {
		args := strings.Split(in, "\x00")
		flt, err := New(args, r)
		if err != nil {
			if !errors.Is(err, errdefs.ErrInvalidArgument) && !errors.Is(err, errdefs.ErrNotFound) {
				t.Fatalf("%q: unclassified error %v", args, err)
			}
			return
		}
		for _, a := range args {
			k, _, _ := strings.Cut(a, "=")
			known := false
			for _, kk := range Keys {
				known = known || kk == k
			}
			if !known {
				t.Fatalf("%q: unknown key %q accepted", args, k)
			}
		}
		for _, c := range cs {
			flt.Match(c)
		}
	})
}

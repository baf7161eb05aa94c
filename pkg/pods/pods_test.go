package pods

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestParseShare(t *testing.T) {
	for _, tc := range []struct {
		in    string
		given bool
		want  []string
		err   string
	}{
		{"", false, []string{"ipc", "net", "uts"}, ""},
		{"", true, nil, ""},
		{"none", true, nil, ""},
		{"net", true, []string{"net"}, ""},
		{"uts,net,net", true, []string{"net", "uts"}, ""},
		{"+pid", true, []string{"ipc", "net", "pid", "uts"}, ""},
		{"cgroup,ipc", true, []string{"cgroup", "ipc"}, ""},
		{"bogus", true, nil, "invalid kernel namespace to share: bogus"},
		{"net,user", true, nil, "user namespace"},
		{"+", true, nil, "invalid kernel namespace"},
	} {
		got, err := ParseShare(tc.in, tc.given)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseShare(%q): error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseShare(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if _, err := ParseShare("x", true); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("bad namespace: %v is not ErrInvalidArgument", err)
	}
}

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, StateCreated},
		{[]string{"configured", "created"}, StateCreated},
		{[]string{"running", "running"}, StateRunning},
		{[]string{"running", "exited"}, StateDegraded},
		{[]string{"running", "created"}, StateDegraded},
		{[]string{"exited", "stopped"}, StateExited},
		{[]string{"exited", "created"}, StateStopped},
		{[]string{"paused", "paused"}, StatePaused},
		{[]string{"paused", "created"}, StateCreated},
		{[]string{"removing"}, StateErrored},
	} {
		if got := Status(tc.in); got != tc.want {
			t.Errorf("Status(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestOrder(t *testing.T) {
	ms := []Member{
		{ID: "web", Requires: []string{"db", "infra"}},
		{ID: "db", Requires: []string{"infra"}},
		{ID: "infra", Infra: true},
		{ID: "side", Requires: []string{"elsewhere", "infra"}},
		{ID: "a", Requires: []string{"b"}}, {ID: "b", Requires: []string{"a"}}, // a cycle still orders
	}
	start := StartOrder(ms)
	if start[0] != "infra" || len(start) != len(ms) {
		t.Fatalf("StartOrder = %v", start)
	}
	pos := map[string]int{}
	for i, id := range start {
		pos[id] = i
	}
	if pos["db"] > pos["web"] {
		t.Errorf("db after web: %v", start)
	}
	levels := StopLevels(ms)
	if last := levels[len(levels)-1]; len(last) != 1 || last[0] != "infra" {
		t.Errorf("StopLevels = %v: infra not alone and last", levels)
	}
	lvl := map[string]int{}
	for i, l := range levels {
		for _, id := range l {
			lvl[id] = i
		}
	}
	if lvl["web"] >= lvl["db"] {
		t.Errorf("StopLevels = %v: web must stop before db", levels)
	}
	if n := len(lvl); n != len(ms) {
		t.Errorf("StopLevels = %v: %d members, want %d", levels, n, len(ms))
	}
	stop := StopOrder(ms)
	if stop[len(stop)-1] != "infra" {
		t.Errorf("StopOrder = %v: infra not last", stop)
	}
}

func FuzzParseShare(f *testing.F) {
	for _, s := range []string{"", "none", "+pid", "net,ipc", "bogus,", ",,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseShare(s, true)
		if err != nil {
			return
		}
		for _, n := range got {
			switch n {
			case NSCgroup, NSIPC, NSNet, NSPID, NSUTS:
			default:
				t.Fatalf("ParseShare(%q) gave %q", s, n)
			}
		}
	})
}

func TestExitPolicy(t *testing.T) {
	for in, want := range map[string]string{"": ExitPolicyContinue, "continue": ExitPolicyContinue, "stop": ExitPolicyStop} {
		if got, err := ParseExitPolicy(in); err != nil || got != want {
			t.Errorf("ParseExitPolicy(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"Stop", "halt", " stop"} {
		if _, err := ParseExitPolicy(bad); err == nil || !strings.Contains(err.Error(), "invalid pod exit policy") {
			t.Errorf("ParseExitPolicy(%q): %v", bad, err)
		}
	}
	for _, tc := range []struct {
		states []string
		want   bool
	}{
		{nil, true},
		{[]string{"exited"}, true},
		{[]string{"exited", "stopped", "stopping", "removing"}, true},
		{[]string{"exited", "running"}, false},
		{[]string{"exited", "created"}, false},    // yet to run
		{[]string{"exited", "configured"}, false}, // created and never started
		{[]string{"paused"}, false},
	} {
		if got := OnlyInfraLeft(tc.states); got != tc.want {
			t.Errorf("OnlyInfraLeft(%v) = %v", tc.states, got)
		}
	}
}

func TestMergeVolumes(t *testing.T) {
	pod := Binds([]string{"/a:/x", "named:/n", "/anon", "/b:/y:ro"})
	if len(pod) != 2 || pod[0] != "/a:/x" || pod[1] != "/b:/y:ro" {
		t.Fatalf("Binds = %q", pod)
	}
	got := MergeVolumes(pod, []string{"/c:/y/", "v:/z"})
	want := []string{"/a:/x", "/c:/y/", "v:/z"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("MergeVolumes = %q, want %q", got, want)
	}
}

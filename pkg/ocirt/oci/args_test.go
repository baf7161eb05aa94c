package oci

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestArgv(t *testing.T) {
	g := Global{Flags: []string{"--root=/run/x"}, Extra: []string{"--network=none"}, Log: "/r/oci-log", LogFormat: "json"}
	cases := []struct {
		verb interface{ args() []string }
		want []string
	}{
		{StartArgs{ID: "c1"}, []string{"start", "c1"}},
		{KillArgs{ID: "c1", Signal: 9}, []string{"kill", "c1", "9"}},
		{KillArgs{ID: "c1", Signal: 15, All: true}, []string{"kill", "--all", "c1", "15"}},
		{DeleteArgs{ID: "c1"}, []string{"delete", "c1"}},
		{DeleteArgs{ID: "c1", Force: true}, []string{"delete", "--force", "c1"}},
		{StateArgs{ID: "c1"}, []string{"state", "c1"}},
		{PauseArgs{ID: "c1"}, []string{"pause", "c1"}},
		{ResumeArgs{ID: "c1"}, []string{"resume", "c1"}},
		{UpdateArgs{ID: "c1", Resources: "-"}, []string{"update", "--resources", "-", "c1"}},
		{FeaturesArgs{}, []string{"features"}},
		{CheckpointArgs{ID: "c1", ImagePath: "/s/checkpoint", WorkPath: "/s"}, []string{"checkpoint", "--image-path", "/s/checkpoint", "--work-path", "/s", "c1"}},
		{CheckpointArgs{ID: "c1", ImagePath: "/i", WorkPath: "/w", ParentPath: "../pre-checkpoint", LeaveRunning: true, PreDump: true, TCPEstablished: true, FileLocks: true},
			[]string{"checkpoint", "--image-path", "/i", "--work-path", "/w", "--parent-path", "../pre-checkpoint", "--leave-running", "--pre-dump", "--tcp-established", "--file-locks", "c1"}},
		{CreateArgs{ID: "c1", Bundle: "/b", PidFile: "/p", ConsoleSocket: "/s", NoPivot: true, NoNewKeyring: true, PreserveFDs: 2},
			[]string{"create", "--bundle", "/b", "--pid-file", "/p", "--console-socket", "/s", "--no-pivot", "--no-new-keyring", "--preserve-fds", "2", "c1"}},
	}
	for _, c := range cases {
		got := command(g, c.verb)
		want := append([]string{"--root=/run/x", "--network=none", "--log", "/r/oci-log", "--log-format", "json"}, c.want...)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%T: got %q, want %q", c.verb, got, want)
		}
	}
	if got := command(Global{}, StartArgs{ID: "x"}); !reflect.DeepEqual(got, []string{"start", "x"}) {
		t.Errorf("no global flags: %q", got)
	}
}

func TestRunscQuirks(t *testing.T) {
	q := quirksFor("/usr/bin/runsc")
	withNetns := &specs.Spec{Linux: &specs.Linux{CgroupsPath: "/pod/x", Namespaces: []specs.LinuxNamespace{{Type: specs.NetworkNamespace}}}}
	hostNet := &specs.Spec{Linux: &specs.Linux{CgroupsPath: "/pod/x", Namespaces: []specs.LinuxNamespace{{Type: specs.PIDNamespace}}}}
	joined := &specs.Spec{Linux: &specs.Linux{CgroupsPath: "/pod/x", Namespaces: []specs.LinuxNamespace{{Type: specs.NetworkNamespace, Path: "/run/netns/x"}}}}
	// a rootless container on a cgroup v1 host: no cgroup path, no resources
	noCgroup := &specs.Spec{Linux: &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.NetworkNamespace}}}}
	for _, c := range []struct {
		spec      *specs.Spec
		noCgroups bool
		want      []string
	}{
		{withNetns, false, []string{"--network=none"}},
		{hostNet, false, []string{"--network=host"}},
		{joined, false, []string{"--network=" + map[bool]string{true: "sandbox", false: "host"}[runscSandboxOK()]}},
		{withNetns, true, []string{"--network=none", "--ignore-cgroups"}},
		{noCgroup, false, []string{"--network=none", "--ignore-cgroups"}},
	} {
		if got := q.containerFlags(c.spec, c.noCgroups); !reflect.DeepEqual(got, c.want) {
			t.Errorf("runsc flags: got %q, want %q", got, c.want)
		}
	}
	t.Setenv("POD_RUNSC_NETWORK", "sandbox")
	if got := q.containerFlags(joined, false); !reflect.DeepEqual(got, []string{"--network=sandbox"}) {
		t.Errorf("POD_RUNSC_NETWORK=sandbox: %q", got)
	}
	crun := quirksFor("/usr/bin/crun")
	if !crun.sealed() || q.sealed() || quirksFor("/usr/sbin/runc").sealed() {
		t.Errorf("sealed copies: crun %v, runsc %v, runc %v; want crun only", crun.sealed(), q.sealed(), quirksFor("/usr/sbin/runc").sealed())
	}
	if got := crun.containerFlags(withNetns, true); !reflect.DeepEqual(got, []string{"--cgroup-manager=disabled"}) {
		t.Errorf("crun --cgroups=disabled: %q", got)
	}
	if got := crun.containerFlags(withNetns, false); len(got) != 0 {
		t.Errorf("crun: %q", got)
	}
}

func TestLastError(t *testing.T) {
	cases := map[string]string{
		// runc/crun: one object per line; the last error wins over warnings.
		`{"level":"warning","msg":"w1","time":"t"}` + "\n" + `{"level":"error","msg":"first","time":"t"}` + "\n" + `{"level":"error","msg":"second","time":"t"}` + "\n": "second",
		// runsc: objects back to back.
		`{"msg":"a","level":"info"}{"msg":"boom","level":"error"}{"msg":"later","level":"debug"}`: "boom",
		// garbage around objects.
		`garbage{"msg":"x","level":"error"}trailing{`: "x",
		// only warnings.
		`{"msg":"only warn","level":"warning"}`: "only warn",
		``:                                      "",
	}
	for in, want := range cases {
		if got := lastError([]byte(in)); got != want {
			t.Errorf("lastError(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStderrMessage(t *testing.T) {
	if got := stderrMessage([]byte("time=\"x\" level=error msg=\"runc create failed: \\\"boom\\\"\"\n")); got != `runc create failed: "boom"` {
		t.Errorf("text log: %q", got)
	}
	if got := stderrMessage([]byte("line1\nlast line\n\n")); got != "last line" {
		t.Errorf("plain: %q", got)
	}
}

func FuzzLastError(f *testing.F) {
	f.Add([]byte(`{"msg":"a","level":"error"}{"msg":"b","level":"error"}`))
	f.Add([]byte(`{{{{`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = lastError(b) // must not panic or loop forever
	})
}

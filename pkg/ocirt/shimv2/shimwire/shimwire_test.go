package shimwire

import (
	"reflect"
	"testing"

	"github.com/pod-engine/pod/pkg/conmon"
)

// TestArgsRoundTrip checks that what the driver renders is what pod-shim reads.
func TestArgsRoundTrip(t *testing.T) {
	want := conmon.Args{
		APIVersion: true, CID: "c1", CUUID: "u1", Name: "n", Runtime: "/usr/bin/containerd-shim-runc-v2",
		Bundle: "/b", ContainerPidFile: "/r/pidfile", ConmonPidFile: "/r/conmon.pid",
		LogPaths: []string{"k8s-file:/l/ctr.log"}, LogLevel: "warn", LogSizeMax: 10000, ExitDir: "/e", PersistDir: "/p",
		ExitCommand: "/usr/bin/pod", ExitCommandArgs: []string{"container", "cleanup", "--rm", "c1"}, ExitDelay: 3,
		FullAttach: true, Terminal: true, Stdin: true, LeaveStdinOpen: true, SystemdCgroup: true,
		RuntimeArgs: []string{"--shim-namespace=pod", "--shim-bundle=/x/c1"}, NoPivot: true, NoNewKeyring: true,
		Exec: true, ExecProcessSpec: "/d/process.json", ExecAttach: true, Timeout: 5,
	}
	got, err := conmon.ParseArgs(want.Argv())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", *got, want)
	}
}

func FuzzParseFlags(f *testing.F) {
	f.Add("--api-version\x001\x00-c\x00x\x00--runtime-arg\x00--shim-bundle=/a/x")
	f.Fuzz(func(t *testing.T, s string) {
		var argv []string
		start := 0
		for i := 0; i < len(s); i++ {
			if s[i] == 0 {
				argv = append(argv, s[start:i])
				start = i + 1
			}
		}
		argv = append(argv, s[start:])
		a, err := conmon.ParseArgs(argv)
		if err == nil {
			if f, err := ParseFlags(a.RuntimeArgs); err == nil && f.Bundle != "" && f.Bundle[0] != '/' {
				t.Fatalf("relative bundle accepted: %q", f.Bundle)
			}
		}
	})
}

func TestFlagsRoundTrip(t *testing.T) {
	f := Flags{Namespace: "pod", HashAddr: "/run/pod/shim", Bundle: "/run/x/id", Debug: true, Address: "unix:///run/containerd/s/ab", TaskAPI: 3}
	args, err := f.RuntimeArgs()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseFlags(args)
	if err != nil || !reflect.DeepEqual(*got, f) {
		t.Fatalf("got %+v %v", got, err)
	}
	for _, bad := range [][]string{{"--namespace=x"}, {"--shim-nope=1"}, {"--shim-task-api=4"}, {"--shim-options=!!"}, {"--shim-bundle=rel/x"}, {"--shim-bundle"}} {
		if _, err := ParseFlags(bad); err == nil {
			t.Errorf("ParseFlags(%q) accepted", bad)
		}
	}
}

package launch

import (
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// TestArgs checks the rules both kinds now share: the monitor's log level,
// stdin under a terminal, fd passing and the exit command.
func TestArgs(t *testing.T) {
	m := &Monitor{Runtime: "/usr/bin/crun", RuntimeArgs: []string{"--root=/r"}}
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct {
		name  string
		io    ocirt.IO
		exit  ocirt.Exit
		level string
		check func(a conmon.Args) bool
	}{
		{"default level", ocirt.IO{}, ocirt.Exit{}, "", func(a conmon.Args) bool { return a.LogLevel == "warn" }},
		{"level case", ocirt.IO{}, ocirt.Exit{}, "DEBUG", func(a conmon.Args) bool { return a.LogLevel == "debug" }},
		{"unknown level", ocirt.IO{}, ocirt.Exit{}, "chatty", func(a conmon.Args) bool { return a.LogLevel == "warn" }},
		{"stdin", ocirt.IO{Stdin: true}, ocirt.Exit{}, "", func(a conmon.Args) bool { return a.Stdin && !a.Terminal }},
		{"terminal input always flows", ocirt.IO{Stdin: true, Terminal: true}, ocirt.Exit{}, "", func(a conmon.Args) bool { return !a.Stdin && a.Terminal }},
		{"fds", ocirt.IO{ExtraFiles: []*os.File{f, f}}, ocirt.Exit{}, "", func(a conmon.Args) bool {
			return reflect.DeepEqual(a.RuntimeOpts, []string{"--preserve-fds", "2"})
		}},
		{"exit command", ocirt.IO{}, ocirt.Exit{Command: []string{"/bin/pod", "cleanup", "x y"}, Delay: 2 * time.Second}, "", func(a conmon.Args) bool {
			return a.ExitCommand == "/bin/pod" && reflect.DeepEqual(a.ExitCommandArgs, []string{"cleanup", "x y"}) && a.ExitDelay == 2
		}},
	} {
		a := m.args("id", c.io, c.exit, c.level)
		if !c.check(a) || a.Runtime != m.Runtime || !reflect.DeepEqual(a.RuntimeArgs, m.RuntimeArgs) || !a.FullAttach {
			t.Errorf("%s: %+v", c.name, a)
		}
		// What pod renders, the monitors parse back.
		back, err := conmon.ParseArgs(a.Argv())
		if err != nil || !reflect.DeepEqual(*back, a) {
			t.Errorf("%s: round trip %+v, %v", c.name, back, err)
		}
	}
}

func TestRestoreArgs(t *testing.T) {
	var a conmon.Args
	restoreArgs(&a, nil)
	if a.Restore != "" || a.RuntimeOpts != nil {
		t.Errorf("no restore: %+v", a)
	}
	restoreArgs(&a, &ocirt.Restore{ImagePath: "/s/checkpoint", TCPEstablished: true, FileLocks: true})
	if a.Restore != "/s/checkpoint" || !reflect.DeepEqual(a.RuntimeOpts, []string{"--tcp-established", "--file-locks"}) {
		t.Errorf("restore: %+v", a)
	}
	back, err := conmon.ParseArgs(a.Argv())
	if err != nil || back.Restore != a.Restore || !reflect.DeepEqual(back.RuntimeOpts, a.RuntimeOpts) {
		t.Errorf("round trip %+v, %v", back, err)
	}
}

func TestLogSpec(t *testing.T) {
	for in, want := range map[ocirt.Log]string{
		{}:                   conmon.LogDriverNone,
		{Path: "/l/ctr.log"}: "k8s-file:/l/ctr.log",
		{Driver: ocirt.LogK8sFile, Path: "/l/x y"}:    "k8s-file:/l/x y",
		{Driver: ocirt.LogJournald, Path: "/ignored"}: "journald:",
		{Driver: ocirt.LogPassthrough}:                "passthrough",
		{Driver: ocirt.LogNone}:                       "none",
	} {
		if got := logSpec(in); got != want {
			t.Errorf("logSpec(%+v) = %q, want %q", in, got, want)
		}
	}
}

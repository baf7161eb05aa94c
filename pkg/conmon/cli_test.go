package conmon

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseArgsForms(t *testing.T) {
	a, err := ParseArgs(strings.Fields("--api-version 1 -c id -u uu --name=n -r /bin/runc -b /b -p /b/pid -P /b/cpid " +
		"-l k8s-file:/b/log -l journald: --log-level=debug --log-size-max 0x2000 --exit-dir /e --persist-dir /pp " +
		"--full-attach -ti --leave-stdin-open --syslog -s --runtime-arg --root=/r --runtime-arg=--debug " +
		"--runtime-opt --preserve-fds --runtime-opt 2 --no-pivot --no-new-keyring -T 010 --exit-command /x " +
		"--exit-command-arg a --exit-command-arg=b --exit-delay=3 --socket-dir-path /s --sdnotify-socket /n " +
		"--no-sync-log --sync --replace-listen-pid --log-global-size-max 9 --log-tag tg --restore-arg r -0 /p2"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Args{APIVersion: true, CID: "id", CUUID: "uu", Name: "n", Runtime: "/bin/runc", Bundle: "/b",
		ContainerPidFile: "/b/pid", ConmonPidFile: "/b/cpid", LogPaths: []string{"k8s-file:/b/log", "journald:"},
		LogLevel: "debug", LogSizeMax: 8192, ExitDir: "/e", PersistDir: "/p2", FullAttach: true, Terminal: true,
		Stdin: true, LeaveStdinOpen: true, Syslog: true, SystemdCgroup: true, RuntimeArgs: []string{"--root=/r", "--debug"},
		RuntimeOpts: []string{"--preserve-fds", "2", "r"}, NoPivot: true, NoNewKeyring: true, Timeout: 8,
		ExitCommand: "/x", ExitCommandArgs: []string{"a", "b"}, ExitDelay: 3, SocketDirPath: "/s", SdNotifySocket: "/n",
		NoSyncLog: true, Sync: true, ReplaceListenPid: true, LogGlobalSizeMax: 9, LogTag: "tg"}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("got  %+v\nwant %+v", a, want)
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, tc := range []struct{ argv, msg string }{
		{"--bogus", "Unknown option --bogus"},
		{"--versio", "Unknown option --versio"},
		{"-x", "Unknown option -x"},
		{"-c", "Missing argument for -c"},
		{"-tc", "Missing argument for -c"},
		{"--cid", "Missing argument for --cid"},
		{"--log-size-max abc", "Cannot parse integer value “abc” for --log-size-max"},
		{"--log-size-max=12x", "Cannot parse integer value “12x” for --log-size-max"},
		{"-T abc", "Cannot parse integer value “abc” for -T"},
		{"--timeout 99999999999", "Integer value “99999999999” for --timeout out of range"},
		{"--log-size-max 99999999999999999999", "Integer value “99999999999999999999” for --log-size-max out of range"},
		{"-T 09", "Cannot parse integer value “09” for -T"},
	} {
		_, err := ParseArgs(strings.Fields(tc.argv))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Msg != tc.msg {
			t.Errorf("%q: %v, want %q", tc.argv, err, tc.msg)
		}
	}
}

func TestParseArgsGLibQuirks(t *testing.T) {
	// A short flag's value may start with "-"; "--" ends parsing; stray words are ignored.
	a, err := ParseArgs([]string{"-c", "-t", "stray", "--exit-delay", "-1", "--api-version=1", "--cid=", "--", "-u", "x"})
	if err != nil {
		t.Fatal(err)
	}
	if a.CID != "" || a.Terminal || a.ExitDelay != -1 || !a.APIVersion || a.CUUID != "" {
		t.Errorf("%+v", a)
	}
	a, err = ParseArgs([]string{"-ct", "x", "-?"})
	if err != nil || a.CID != "x" || !a.Terminal || !a.Help {
		t.Errorf("%+v %v", a, err)
	}
	for _, s := range []string{"-0x10", "0x10", " 16", "+16", "020"} {
		a, err := ParseArgs([]string{"-T", s})
		want := 16
		if s == "-0x10" {
			want = -16
		}
		if err != nil || a.Timeout != want {
			t.Errorf("-T %q: %d %v", s, a.Timeout, err)
		}
	}
	if _, err := ParseArgs([]string{"-T", "-2147483648"}); err != nil {
		t.Errorf("INT_MIN: %v", err)
	}
	if _, err := ParseArgs([]string{"-T", "2147483648"}); err == nil {
		t.Error("INT_MAX+1 accepted")
	}
}

// Argv and ParseArgs agree: rendering then parsing returns the same Args.
func TestArgvRoundTrip(t *testing.T) {
	in := Args{APIVersion: true, CID: "c", CUUID: "u", Name: "n", Runtime: "/r", Bundle: "/b", ContainerPidFile: "/p",
		ConmonPidFile: "/P", LogPaths: []string{"k8s-file:/l", "none"}, LogLevel: "info", LogSizeMax: 9000, LogTag: "t",
		ExitDir: "/e", PersistDir: "/pd", ExitCommand: "/x", ExitCommandArgs: []string{"--root", "-a b"}, ExitDelay: 2,
		SocketDirPath: "/s", FullAttach: true, Terminal: true, Stdin: true, LeaveStdinOpen: true, Syslog: true,
		SystemdCgroup: true, RuntimeArgs: []string{"--log-format=json", "--log", "/x"}, RuntimeOpts: []string{"--preserve-fds", "1"},
		NoPivot: true, NoNewKeyring: true, Exec: true, ExecProcessSpec: "/spec", ExecAttach: true, Restore: "/ck",
		Sync: true, Timeout: 5, SdNotifySocket: "/n", NoSyncLog: true, ReplaceListenPid: true, LogGlobalSizeMax: 7,
		SeccompNotifySocket: "/sn", SeccompNotifyPlugins: "p", Run: true, SealedRuntime: true,
		PeriodicCommand: "/pod", PeriodicCommandArgs: []string{"healthcheck", "run", "c"}, PeriodicInterval: 1500}
	out, err := ParseArgs(in.Argv())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*out, in) {
		t.Errorf("round trip\n got %+v\nwant %+v", *out, in)
	}
}

func FuzzParseArgs(f *testing.F) {
	f.Add("--api-version\x001\x00-c\x00id\x00-ti\x00--log-size-max=0x10")
	f.Add("-T\x00-0\x00--\x00-x")
	f.Add("--exit-command-arg\x00--cid\x00-l\x00k8s-file:/x")
	f.Fuzz(func(t *testing.T, s string) {
		argv := strings.Split(s, "\x00")
		a, err := ParseArgs(argv)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Msg == "" {
				t.Fatalf("error %v is not a ParseError", err)
			}
			return
		}
		// Whatever parsed must survive a render/parse round trip, up to the
		// values Argv leaves out (zero or negative sizes).
		b, err := ParseArgs(a.Argv())
		if err != nil {
			t.Fatalf("re-parse of %q: %v", a.Argv(), err)
		}
		norm := func(x *Args) {
			x.Help, x.Version = false, false
			if x.LogSizeMax < 0 {
				x.LogSizeMax = 0
			}
			if x.LogGlobalSizeMax < 0 {
				x.LogGlobalSizeMax = 0
			}
			if x.Timeout < 0 {
				x.Timeout = 0
			}
			if x.ExitDelay < 0 {
				x.ExitDelay = 0
			}
			if x.PeriodicCommand == "" || x.PeriodicInterval <= 0 {
				x.PeriodicCommand, x.PeriodicCommandArgs, x.PeriodicInterval = "", nil, 0
			}
		}
		norm(a)
		norm(b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip of %q\n got %+v\nwant %+v", argv, b, a)
		}
	})
}

func TestParseCtl(t *testing.T) {
	for _, tc := range []struct {
		in  string
		out CtlMessage
		ok  bool
	}{
		{"1 24 80", CtlMessage{1, 24, 80}, true},
		{"2 0 0\n", CtlMessage{2, 0, 0}, true},
		{"  1\t+5 -0 trailing", CtlMessage{1, 5, 0}, true},
		{"3 1 1", CtlMessage{}, false},
		{"1 -1 5", CtlMessage{}, false},
		{"1 5", CtlMessage{}, false},
		{"x 1 1", CtlMessage{}, false},
		{"1 70000 1", CtlMessage{}, false},
		{"", CtlMessage{}, false},
	} {
		got, err := ParseCtl([]byte(tc.in))
		if (err == nil) != tc.ok || got != tc.out {
			t.Errorf("ParseCtl(%q) = %+v, %v", tc.in, got, err)
		}
	}
	if h, w, err := ParseWinsz([]byte("24 80")); err != nil || h != 24 || w != 80 {
		t.Errorf("ParseWinsz: %d %d %v", h, w, err)
	}
	if string(FormatCtl(1, 24, 80)) != "1 24 80\n" {
		t.Error("FormatCtl")
	}
}

func TestCtlReader(t *testing.T) {
	var r CtlReader
	var got []string
	fn := func(l []byte) { got = append(got, string(l)) }
	r.Feed([]byte("1 2 3\n2 0"), fn)
	r.Feed([]byte(" 0\n\n"), fn)
	r.Feed([]byte(strings.Repeat("9", 300)), fn)
	r.Feed([]byte("\n1 4 5\n"), fn)
	want := []string{"1 2 3", "2 0 0", "", "1 4 5"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lines %q, want %q", got, want)
	}
}

func FuzzCtl(f *testing.F) {
	f.Add([]byte("1 24 80\n2 0 0\n"), 3)
	f.Add([]byte("  -1 +2 0x3\n\n\n"), 1)
	f.Fuzz(func(t *testing.T, data []byte, split int) {
		var r CtlReader
		n := 0
		fn := func(line []byte) {
			n++
			if len(line) >= CtlMaxLine {
				t.Fatalf("line of %d bytes passed the %d-byte limit", len(line), CtlMaxLine)
			}
			m, err := ParseCtl(line)
			if err == nil {
				if m.Type != CtlResize && m.Type != CtlReopen || m.Height < 0 || m.Width < 0 || m.Height > 0xffff || m.Width > 0xffff {
					t.Fatalf("accepted out-of-range %+v from %q", m, line)
				}
				back, err := ParseCtl(FormatCtl(m.Type, m.Height, m.Width))
				if err != nil || back != m {
					t.Fatalf("FormatCtl round trip %+v → %+v %v", m, back, err)
				}
			}
			if h, w, err := ParseWinsz(line); err == nil && (h < 0 || w < 0 || h > 0xffff || w > 0xffff) {
				t.Fatalf("winsz accepted %d %d", h, w)
			}
		}
		if split < 0 {
			split = -split
		}
		if len(data) > 0 {
			split %= len(data) + 1
		} else {
			split = 0
		}
		r.Feed(data[:split], fn)
		r.Feed(data[split:], fn)
		if n > len(data) {
			t.Fatalf("%d lines from %d bytes", n, len(data))
		}
	})
}

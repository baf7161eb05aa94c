package specgen

import (
	"os"
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// hostBlockDevice returns a block device of this host and its numbers, or
// skips the test.
func hostBlockDevice(t *testing.T) (string, int64, int64) {
	t.Helper()
	for _, p := range []string{"/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/loop0", "/dev/xvda"} {
		var st unix.Stat_t
		if unix.Stat(p, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFBLK {
			return p, int64(unix.Major(st.Rdev)), int64(unix.Minor(st.Rdev))
		}
	}
	t.Skip("no block device on this host")
	return "", 0, 0
}

func TestParseDeviceCgroupRule(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	ok := map[string]deviceRule{
		"c 1:3 rwm":        {Type: "c", Major: n(1), Minor: n(3), Access: "rwm"},
		"b 7:* r":          {Type: "b", Major: n(7), Access: "r"},
		"a *:* m":          {Type: "a", Access: "m"},
		"c 42:* mrw":       {Type: "c", Major: n(42), Access: "mrw"},
		"c 4294967295:0 w": {Type: "c", Major: n(4294967295), Minor: n(0), Access: "w"},
	}
	for in, want := range ok {
		got, err := parseDeviceCgroupRule(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %+v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "c 1:3", "x 1:3 r", "c 1:3 rwx", "c 1:3 rr", "c 1 r", "c 4294967296:0 r", "c  1:3 r", "c 1:3 rwmr", "c -1:3 r"} {
		_, err := parseDeviceCgroupRule(in)
		wantInvalid(t, err, flagDeviceCgroupRule)
	}
}

func TestParseThrottle(t *testing.T) {
	ok := []struct {
		flag, in, path string
		rate           uint64
	}{
		{flagDeviceReadBps, "/dev/sda:1mb", "/dev/sda", 1 << 20},
		{flagDeviceWriteBps, "/dev/sda:512k", "/dev/sda", 512 << 10},
		{flagDeviceWriteBps, "/dev/sda:100", "/dev/sda", 100},
		{flagDeviceReadIOps, "/dev/disk/by-id/x:y:1000", "/dev/disk/by-id/x:y", 1000},
		{flagDeviceWriteIOps, "/dev/sda:0", "/dev/sda", 0},
		{flagBlkioWeightDevice, "/dev/sda:10", "/dev/sda", 10},
	}
	for _, c := range ok {
		got, err := parseThrottle(c.flag, c.in)
		if err != nil || got.Path != c.path || got.Rate != c.rate {
			t.Errorf("%s %q: got %+v, %v", c.flag, c.in, got, err)
		}
	}
	bad := []struct{ flag, in, frag string }{
		{flagDeviceReadBps, "/dev/sda", "DEVICE:RATE"},
		{flagDeviceReadBps, "/dev/sda:-1", "invalid rate"},
		{flagDeviceReadBps, "/dev/sda:abc", "invalid rate"},
		{flagDeviceReadBps, "/dev/sda:", "invalid rate"},
		{flagDeviceReadBps, "sda:1mb", "not a path under /dev"},
		{flagDeviceReadBps, "/etc/../etc/passwd:1", "not a path under /dev"},
		{flagDeviceReadIOps, "/dev/sda:1.5", "invalid rate"},
		{flagDeviceWriteIOps, "/dev/sda:1k", "invalid rate"},
		{flagBlkioWeightDevice, "/dev/sda:5", "invalid weight"},
		{flagBlkioWeightDevice, "/dev/sda:1001", "invalid weight"},
	}
	for _, c := range bad {
		_, err := parseThrottle(c.flag, c.in)
		wantInvalid(t, err, c.flag, c.frag)
	}
}

func TestCheckTimezone(t *testing.T) {
	for _, in := range []string{"local", "UTC", "Europe/Berlin", "Etc/GMT+5", "America/Argentina/Buenos_Aires"} {
		if err := checkTimezone(in); err != nil {
			t.Errorf("%q: %v", in, err)
		}
	}
	for _, in := range []string{"", "/etc/passwd", "../../etc/passwd", "Europe/../../x", "Europe//Berlin", "a\x00b", "./UTC", "UTC/"} {
		wantInvalid(t, checkTimezone(in), flagTZ)
	}
}

func TestSystemdMode(t *testing.T) {
	cases := []struct {
		mode string
		cmd  []string
		want bool
	}{
		{"", []string{"/sbin/init"}, true},
		{"true", []string{"/usr/sbin/init"}, true},
		{"true", []string{"/usr/local/sbin/init"}, true},
		{"", []string{"/usr/lib/systemd/systemd", "--log-level=debug"}, true},
		{"", []string{"systemd"}, true},
		{"", []string{"/bin/init"}, false},
		{"", []string{"sh", "-c", "/sbin/init"}, false},
		{"false", []string{"/sbin/init"}, false},
		{"always", []string{"sh"}, true},
		{"always", nil, true},
		{"", nil, false},
	}
	for _, c := range cases {
		if got := SystemdMode(&Options{Systemd: c.mode}, c.cmd); got != c.want {
			t.Errorf("--systemd=%q %q: got %v", c.mode, c.cmd, got)
		}
	}
}

func TestParseLabelFile(t *testing.T) {
	got, err := ParseLabelFile("f", []byte("# comment\n\n  a=1  \nb\nc=x=y\r\n"))
	if err != nil || !reflect.DeepEqual(got, []string{"a=1", "b", "c=x=y"}) {
		t.Fatalf("got %q, %v", got, err)
	}
	_, err = ParseLabelFile("f", []byte("ok=1\n=x\n"))
	wantInvalid(t, err, "--label-file", "line 2")
	_, err = ParseLabelFile("f", []byte("a\x00b=1\n"))
	wantInvalid(t, err, "--label-file")
}

func TestParseSpecialMounts(t *testing.T) {
	ok := []struct {
		in, typ string
		opts    []string
	}{
		{"type=devpts,destination=/pts2", "devpts", nil},
		{"type=devpts,dst=/pts2,uid=1,gid=5,mode=620,max=10", "devpts", []string{"uid=1", "gid=5", "mode=620", "max=10"}},
		{"type=ramfs,dst=/r", "ramfs", []string{"rw", "nosuid", "nodev", "noexec", "rprivate"}},
		{"type=ramfs,dst=/r,ro,suid,exec", "ramfs", []string{"ro", "suid", "nodev", "exec", "rprivate"}},
		{"type=ramfs,dst=/r,readonly=false", "ramfs", []string{"rw", "nosuid", "nodev", "noexec", "rprivate"}},
	}
	for _, c := range ok {
		m, err := parseMount(c.in)
		if err != nil || m.Type != c.typ || !reflect.DeepEqual(m.Options, c.opts) {
			t.Errorf("%q: got %+v, %v", c.in, m, err)
			continue
		}
		if s := m.spec(); s.Source != c.typ || s.Type != c.typ {
			t.Errorf("%q: spec %+v", c.in, s)
		}
	}
	bad := []struct{ in, frag string }{
		{"type=devpts,dst=/p,src=/x", "source= is not allowed"},
		{"type=devpts,dst=/p,uid=x", "want a number"},
		{"type=devpts,dst=/p,mode=999", "octal"},
		{"type=devpts,dst=/p,ro", "unknown option"},
		{"type=ramfs,dst=/r,ro,rw", "conflicts"},
		{"type=ramfs,dst=/r,uid=1", "unknown option"},
		{"type=ramfs,dst=/r,nosuid=1", "takes no value"},
		{"type=glob,src=x,dst=/i", "not supported yet"},
		{"type=ramfs", "destination= (or target=, dst=) is required"},
	}
	for _, c := range bad {
		_, err := parseMount(c.in)
		wantInvalid(t, err, flagMount, c.frag)
	}
}

func TestGenerateRunFlags(t *testing.T) {
	cmd := []string{"sh"}
	dev, major, minor := "", int64(0), int64(0)
	if _, err := os.Stat("/dev/vda"); err == nil {
		dev, major, minor = hostBlockDevice(t)
	}
	cases := []genCase{
		{name: "env: TERM, container=podman, env-host below -e",
			o:    Options{Command: cmd, Terminal: true, EnvHost: true, Env: []string{"FOO=flag"}},
			img:  &Image{Env: []string{"IMG=1", "FOO=img"}},
			want: map[string]string{"process.env": `["PATH=` + DefaultPath + `","TERM=xterm","container=podman","IMG=1","FOO=flag","PREFIX_A=1","PREFIX_B=2","OTHER=3","HOME=/root","HOSTNAME=0123456789ab"]`}},
		{name: "unsetenv drops defaults and image variables, not -e",
			o:    Options{Command: cmd, UnsetEnv: []string{"PATH", "TERM", "IMG", "NOTSET"}, Env: []string{"IMG=again"}},
			img:  &Image{Env: []string{"IMG=1", "KEEP=2"}},
			want: map[string]string{"process.env": `["container=podman","KEEP=2","IMG=again","HOME=/root","HOSTNAME=0123456789ab"]`}},
		{name: "unsetenv-all keeps only -e, HOME and HOSTNAME",
			o:    Options{Command: cmd, UnsetEnvAll: true, Terminal: true, Env: []string{"ONLY=1"}},
			img:  &Image{Env: []string{"IMG=1"}},
			d:    &Defaults{Env: []string{"CONF=1"}},
			want: map[string]string{"process.env": `["ONLY=1","HOME=/root","HOSTNAME=0123456789ab"]`}},
		{name: "unsetenv name with =", o: Options{Command: cmd, UnsetEnv: []string{"A=B"}}, errs: []string{"--unsetenv", "without '='"}},
		{name: "tz zone", o: Options{Command: cmd, Timezone: "UTC"},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if _, err := os.Stat("/usr/share/zoneinfo/UTC"); err != nil {
					t.Skip("no zoneinfo on this host")
				}
				if got := jsonAt(t, s, "mounts.[/etc/localtime]"); got != compactJSON(t, `{"destination":"/etc/localtime","type":"bind","source":"/usr/share/zoneinfo/UTC","options":["bind","ro","rprivate"]}`) {
					t.Errorf("localtime mount %s", got)
				}
			}},
		{name: "tz unknown zone", o: Options{Command: cmd, Timezone: "No/Such_Zone"}, errs: []string{"--tz", "/usr/share/zoneinfo/No/Such_Zone does not exist"}},
		{name: "containers.conf tz", o: Options{Command: cmd}, d: &Defaults{Tz: "No/Zone"}, errs: []string{"containers.conf tz"}},
		{name: "tz user mount wins", o: Options{Command: cmd, Timezone: "local", Tmpfs: []string{"/etc/localtime"}},
			want: map[string]string{"mounts.[/etc/localtime].type": `"tmpfs"`}},
		{name: "device cgroup rules after the default deny",
			o:    Options{Command: cmd, DeviceCgroupRules: []string{"c 42:* rwm", "b 7:1 r"}},
			want: map[string]string{"linux.resources.devices": `[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":42,"access":"rwm"},{"allow":true,"type":"b","major":7,"minor":1,"access":"r"}]`}},
		{name: "blkio weight", o: Options{Command: cmd, BlkioWeight: 300},
			want: map[string]string{"linux.resources.blockIO": `{"weight":300}`}},
		{name: "blkio weight without a weight-capable scheduler warns", o: Options{Command: cmd, BlkioWeight: 300},
			host: func(h *Host) { h.NoBlkioWeight = true },
			want: map[string]string{"linux.resources.blockIO": `{}`},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "Weight discarded") {
					t.Errorf("warnings %q", r.Warnings)
				}
			}},
		{name: "blkio weight out of range", o: Options{Command: cmd, BlkioWeight: 5}, errs: []string{"--blkio-weight", "10 to 1000"}},
		{name: "blkio without the controller warns", o: Options{Command: cmd, BlkioWeight: 300},
			host: func(h *Host) { h.Controllers = []string{"memory", "cpu"} },
			want: map[string]string{"linux.resources.blockIO": `null`},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "blkio") {
					t.Errorf("warnings %q", r.Warnings)
				}
			}},
		{name: "throttle of a non-block device", o: Options{Command: cmd, DeviceReadBps: []string{"/dev/null:1mb"}}, errs: []string{"--device-read-bps", "not a block device"}},
		{name: "throttle of a missing device", o: Options{Command: cmd, DeviceWriteIOps: []string{"/dev/no-such-disk:10"}}, errs: []string{"--device-write-iops", "no such file"}},
		{name: "throttles need cgroups", o: Options{Command: cmd, Cgroups: "disabled", BlkioWeight: 100}, errs: []string{"--cgroups", "block I/O"}},
		{name: "personality", o: Options{Command: cmd, Personality: "LINUX32"},
			want: map[string]string{"linux.personality": `{"domain":"LINUX32"}`}},
		{name: "personality bad", o: Options{Command: cmd, Personality: "linux32"}, errs: []string{"--personality", "LINUX or LINUX32"}},
		{name: "systemd bad", o: Options{Command: cmd, Systemd: "yes"}, errs: []string{"--systemd", "true, false or always"}},
		{name: "systemd mode: tmpfs, stop signal, container_uuid",
			o:    Options{Command: []string{"/sbin/init"}},
			host: func(h *Host) { h.CgroupV2 = true },
			want: map[string]string{
				"mounts.[/run]":                   `{"destination":"/run","type":"tmpfs","source":"tmpfs","options":["rw","rprivate","nosuid","nodev","tmpcopyup"]}`,
				"mounts.[/run/lock].type":         `"tmpfs"`,
				"mounts.[/tmp].type":              `"tmpfs"`,
				"mounts.[/var/log/journal].type":  `"tmpfs"`,
				"mounts.[/sys/fs/cgroup].options": `["rprivate","nosuid","noexec","nodev","relatime","rw"]`,
			},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if !r.Systemd || r.StopSignal != SystemdStopSignal {
					t.Errorf("systemd %v, stop signal %d", r.Systemd, r.StopSignal)
				}
				if !containsStr(s.Process.Env, "container_uuid="+testID[:32]) {
					t.Errorf("env %q", s.Process.Env)
				}
				depth := 0
				for _, m := range s.Mounts {
					if d := pathDepth(m.Destination); d < depth {
						t.Fatalf("mounts not ordered by depth: %q", mountDests(s))
					} else {
						depth = d
					}
				}
			}},
		{name: "systemd mode keeps the image's and the user's stop signal",
			o: Options{Command: cmd, Systemd: "always", StopSignal: "USR1"},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if r.StopSignal != 10 {
					t.Errorf("stop signal %d", r.StopSignal)
				}
			}},
		{name: "passwd and group entries for unknown numeric ids",
			o: Options{Command: cmd, User: "1234:5678"},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if r.PasswdLine != "1234:*:1234:5678:container user:/:/bin/sh" || r.GroupLine != "5678:x:5678:1234" {
					t.Errorf("passwd %q group %q", r.PasswdLine, r.GroupLine)
				}
			}},
		{name: "passwd and group entry templates",
			o: Options{Command: cmd, User: "1234:5678", PasswdEntry: "u$UID:x:$UID:$GID:$NAME:$HOME:/bin/false", GroupEntry: "g$GROUPNAME:x:$GID:$USERNAME"},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if r.PasswdLine != "u1234:x:1234:5678:container user:/:/bin/false" || r.GroupLine != "g5678:x:5678:1234" {
					t.Errorf("passwd %q group %q", r.PasswdLine, r.GroupLine)
				}
			}},
		{name: "no entries for known ids",
			o: Options{Command: cmd, User: "1000:10"},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if r.PasswdLine != "" || r.GroupLine != "" {
					t.Errorf("passwd %q group %q", r.PasswdLine, r.GroupLine)
				}
			}},
		{name: "passwd entry with a newline", o: Options{Command: cmd, PasswdEntry: "a:b:c:d:e:f:g\nx"}, errs: []string{"--passwd-entry", "one line"}},
		{name: "group entry with too few fields", o: Options{Command: cmd, GroupEntry: "a:b"}, errs: []string{"--group-entry", "4 colon-separated"}},
		{name: "chrootdirs must be absolute", o: Options{Command: cmd, ChrootDirs: []string{"jail"}}, errs: []string{"--chrootdirs"}},
		{name: "add-host bad format", o: Options{Command: cmd, AddHosts: []string{"bad"}}, errs: []string{"--add-host", "HOST:IP"}},
		{name: "add-host bad ip", o: Options{Command: cmd, AddHosts: []string{"h:1.2.3"}}, errs: []string{"--add-host", "not an IP address"}},
		{name: "add-host with no-hosts", o: Options{Command: cmd, AddHosts: []string{"h:1.2.3.4"}, NoHosts: true}, errs: []string{"--no-hosts and --add-host cannot be set together"}},
		{name: "dns bad ip", o: Options{Command: cmd, DNS: []string{"bad"}}, errs: []string{"--dns", "not an IP address"}},
		{name: "dns with network none", o: Options{Command: cmd, DNS: []string{"9.9.9.9"}, Network: "none"}, errs: []string{"conflicting options: dns and the network mode: none"}},
		{name: "dns-option with a space", o: Options{Command: cmd, DNSOptions: []string{"a b"}}, errs: []string{"--dns-option"}},
		{name: "cpu period and quota, realtime, mems",
			o:    Options{Command: cmd, CPUPeriod: 50000, CPUQuota: 25000, CPURtPeriod: 1000000, CPURtRuntime: 950000, CPUSetMems: "0"},
			want: map[string]string{"linux.resources.cpu": `{"quota":25000,"period":50000,"realtimeRuntime":950000,"realtimePeriod":1000000,"mems":"0"}`}},
		{name: "cpu period with --cpus", o: Options{Command: cmd, CPUs: "1", CPUPeriod: 50000}, errs: []string{"--cpus", "cannot be set with --cpus"}},
		{name: "cpu period out of range", o: Options{Command: cmd, CPUPeriod: 10}, errs: []string{"--cpu-period", "1000 to 1000000"}},
		{name: "cpu quota too small", o: Options{Command: cmd, CPUQuota: 10}, errs: []string{"--cpu-quota"}},
		{name: "rt runtime above period", o: Options{Command: cmd, CPURtPeriod: 1000, CPURtRuntime: 2000}, errs: []string{"--cpu-rt-runtime"}},
		{name: "cpuset-mems bad", o: Options{Command: cmd, CPUSetMems: "x"}, errs: []string{"--cpuset-mems"}},
		{name: "memory reservation, swappiness, oom-kill-disable",
			o:    Options{Command: cmd, MemoryReservation: "64m", MemorySwappiness: ptr(int64(10)), OOMKillDisable: true},
			want: map[string]string{"linux.resources.memory": `{"reservation":67108864,"swappiness":10,"disableOOMKiller":true}`}},
		{name: "swappiness -1 is the default", o: Options{Command: cmd, MemorySwappiness: ptr(int64(-1))},
			want: map[string]string{"linux.resources.memory": `null`}},
		{name: "swappiness out of range", o: Options{Command: cmd, MemorySwappiness: ptr(int64(101))}, errs: []string{"--memory-swappiness"}},
		{name: "memory limits need cgroups", o: Options{Command: cmd, Cgroups: "disabled", OOMKillDisable: true}, errs: []string{"--oom-kill-disable", "--cgroups=disabled"}},
		{name: "cgroupns host and private",
			o: Options{Command: cmd, CgroupNS: "private"},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if !strings.Contains(jsonAt(t, s, "linux.namespaces"), `"cgroup"`) {
					t.Errorf("no cgroup namespace: %s", jsonAt(t, s, "linux.namespaces"))
				}
			}},
		{name: "cgroupns host", o: Options{Command: cmd, CgroupNS: "host"}, host: func(h *Host) { h.CgroupV2 = true },
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if strings.Contains(jsonAt(t, s, "linux.namespaces"), `"cgroup"`) {
					t.Errorf("cgroup namespace with --cgroupns host: %s", jsonAt(t, s, "linux.namespaces"))
				}
			}},
		{name: "cgroupns bad", o: Options{Command: cmd, CgroupNS: "bogus"}, errs: []string{"--cgroupns"}},
		{name: "proxy variables from pod, below the image; env-merge",
			o:    Options{Command: cmd, EnvMerge: []string{"PATH=${PATH}:/opt/bin", "NEW=${http_proxy}-x"}},
			img:  &Image{Env: []string{"HTTPS_PROXY=img"}},
			host: func(h *Host) { h.Env = []string{"http_proxy=http://p:3128", "HTTPS_PROXY=host", "OTHER=1"} },
			want: map[string]string{"process.env": `["PATH=` + DefaultPath + `:/opt/bin","TERM=xterm","container=podman","http_proxy=http://p:3128","HTTPS_PROXY=img","NEW=http://p:3128-x","HOME=/root","HOSTNAME=0123456789ab"]`}},
		{name: "no proxy variables with --http-proxy=false",
			o:    Options{Command: cmd, NoHTTPProxy: true},
			host: func(h *Host) { h.Env = []string{"http_proxy=http://p:3128"} },
			want: map[string]string{"process.env": `["PATH=` + DefaultPath + `","TERM=xterm","container=podman","HOME=/root","HOSTNAME=0123456789ab"]`}},
		{name: "env-merge without =", o: Options{Command: cmd, EnvMerge: []string{"PATH"}}, errs: []string{"--env-merge"}},
		{name: "no passwd entries with --passwd=false",
			o: Options{Command: cmd, User: "1234:5678", NoPasswd: true},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if r.PasswdLine != "" || r.GroupLine != "" {
					t.Errorf("passwd %q group %q", r.PasswdLine, r.GroupLine)
				}
			}},
		{name: "cgroup-conf on cgroup v2", o: Options{Command: cmd, CgroupConf: []string{"memory.high=1073741824", "pids.max=10"}},
			host: func(h *Host) { h.CgroupV2 = true },
			want: map[string]string{"linux.resources.unified": `{"memory.high":"1073741824","pids.max":"10"}`}},
		{name: "cgroup-conf on cgroup v1", o: Options{Command: cmd, CgroupConf: []string{"memory.high=1"}}, errs: []string{"cannot use --cgroup-conf without cgroup v2"}},
		{name: "cgroup-conf bad key", o: Options{Command: cmd, CgroupConf: []string{"../x=1"}}, errs: []string{"--cgroup-conf"}},
		{name: "memory 0 is no limit", o: Options{Command: cmd, Memory: "0"},
			want: map[string]string{"linux.resources.memory": `null`}},
	}
	if dev != "" {
		cases = append(cases, genCase{name: "block I/O throttles",
			o: Options{Command: cmd, DeviceReadBps: []string{dev + ":1mb"}, DeviceWriteIOps: []string{dev + ":200"}, BlkioWeightDevice: []string{dev + ":50"}},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				bio := s.Linux.Resources.BlockIO
				if bio == nil || len(bio.ThrottleReadBpsDevice) != 1 || len(bio.ThrottleWriteIOPSDevice) != 1 || len(bio.WeightDevice) != 1 {
					t.Fatalf("blockIO %+v", bio)
				}
				rb, wi, wd := bio.ThrottleReadBpsDevice[0], bio.ThrottleWriteIOPSDevice[0], bio.WeightDevice[0]
				if rb.Major != major || rb.Minor != minor || rb.Rate != 1<<20 || wi.Rate != 200 || *wd.Weight != 50 {
					t.Errorf("blockIO %+v %+v %+v", rb, wi, wd)
				}
			}})
	}
	runGenCases(t, cases)
}

func TestAddFileMounts(t *testing.T) {
	s := &specs.Spec{Root: &specs.Root{}, Mounts: []specs.Mount{
		{Destination: "/proc", Type: "proc"},
		{Destination: "/etc/hosts", Type: "bind", Source: "/user/hosts"},
		{Destination: "/run", Type: "tmpfs"},
	}}
	AddFileMounts(s, []FileMount{
		{Destination: "/run/.containerenv", Source: "/r/.containerenv"},
		{Destination: "/etc/hosts", Source: "/r/hosts"},
		{Destination: "/etc/hostname", Source: "/r/hostname"},
		{Destination: "/jail/etc/hostname", Source: "/r/hostname"},
	})
	if got := mountDests(s); !reflect.DeepEqual(got, []string{"/proc", "/run", "/etc/hosts", "/run/.containerenv", "/etc/hostname", "/jail/etc/hostname"}) {
		t.Errorf("mounts %q", got)
	}
	if s.Mounts[2].Source != "/user/hosts" {
		t.Errorf("the user's /etc/hosts was replaced: %+v", s.Mounts[2])
	}
	ro := &specs.Spec{Root: &specs.Root{Readonly: true}}
	AddFileMounts(ro, []FileMount{{Destination: "/etc/hosts", Source: "/r/hosts"}})
	if got := ro.Mounts[0].Options; !reflect.DeepEqual(got, []string{"bind", "rprivate", "ro", "nosuid", "noexec", "nodev"}) {
		t.Errorf("read-only root: options %q", got)
	}
}

func TestParseAddHost(t *testing.T) {
	for in, want := range map[string][2]string{"foo:1.2.3.4": {"foo", "1.2.3.4"}, "bar:::1": {"bar", "::1"}, "x.y:fe80::1": {"x.y", "fe80::1"}} {
		name, ip, err := ParseAddHost(in)
		if err != nil || name != want[0] || ip != want[1] {
			t.Errorf("%q: %q %q %v", in, name, ip, err)
		}
	}
	for _, in := range []string{"", "foo", ":1.2.3.4", "foo:", "foo:bar", "a b:1.2.3.4", "foo:1.2.3.4:5"} {
		_, _, err := ParseAddHost(in)
		wantInvalid(t, err, flagAddHost)
	}
}

package specgen

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// genCase is one Generate table entry: the relevant spec parts (dotted
// paths, see jsonAt) compared as JSON, or an error that must contain errs.
type genCase struct {
	name    string
	seccomp bool // needs a build with the seccomp tag
	o       Options
	img     *Image
	d       *Defaults
	host    func(*Host)
	want    map[string]string
	check   func(t *testing.T, s *specs.Spec, r *Result)
	errs    []string
}

func runGenCases(t *testing.T, cases []genCase) {
	t.Helper()
	rootfs := testRootfs(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.seccomp && !seccompBuilt {
				t.Skip("built without the seccomp tag")
			}
			h := testHost()
			if c.host != nil {
				c.host(h)
			}
			d := c.d
			if d == nil {
				d = &Defaults{}
			}
			o := c.o
			s, r, err := Generate(testID, &o, c.img, d, h, rootfs)
			if len(c.errs) > 0 {
				wantInvalid(t, err, c.errs...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for p, want := range c.want {
				if got, w := jsonAt(t, s, p), compactJSON(t, want); got != w {
					t.Errorf("%s:\n got %s\nwant %s", p, got, w)
				}
			}
			if c.check != nil {
				c.check(t, s, r)
			}
		})
	}
}

func TestGenerateCommand(t *testing.T) {
	initBin := filepath.Join(t.TempDir(), "catatonit")
	if err := os.WriteFile(initBin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	img := &Image{Entrypoint: []string{"/ep"}, Cmd: []string{"c1", "c2"}}
	runGenCases(t, []genCase{
		{name: "image entrypoint and cmd", img: img, want: map[string]string{"process.args": `["/ep","c1","c2"]`}},
		{name: "command replaces cmd", img: img, o: Options{Command: []string{"x", "y"}}, want: map[string]string{"process.args": `["/ep","x","y"]`}},
		{name: "empty entrypoint keeps image cmd", img: img, o: Options{Entrypoint: &[]string{""}}, want: map[string]string{"process.args": `["c1","c2"]`}},
		{name: "json entrypoint drops image cmd", img: img, o: Options{Entrypoint: &[]string{`["a","b"]`}}, want: map[string]string{"process.args": `["a","b"]`}},
		{name: "entrypoint and command", img: img, o: Options{Entrypoint: &[]string{"sh"}, Command: []string{"-c", "true"}}, want: map[string]string{"process.args": `["sh","-c","true"]`}},
		{name: "image [\"\"] entrypoint", img: &Image{Entrypoint: []string{""}, Cmd: []string{"c"}}, want: map[string]string{"process.args": `["c"]`}},
		{name: "no command", img: &Image{}, errs: []string{"no command or entrypoint provided"}},
		{name: "init", img: img, o: Options{Init: true, InitPath: initBin}, want: map[string]string{
			"process.args":              `["/run/podman-init","--","/ep","c1","c2"]`,
			"mounts.[/run/podman-init]": `{"destination":"/run/podman-init","type":"bind","source":"` + initBin + `","options":["bind","ro","rprivate"]}`,
		}},
		{name: "init from defaults", img: img, o: Options{Init: true}, d: &Defaults{InitPath: initBin}, want: map[string]string{"process.args.0": `"/run/podman-init"`}},
		{name: "init binary missing", img: img, o: Options{Init: true, InitPath: "/nonexistent/catatonit"}, errs: []string{"--init-path", "does not exist"}},
		{name: "terminal", o: Options{Command: []string{"sh"}, Terminal: true}, want: map[string]string{"process.terminal": `true`}},
	})
}

func TestGenerateEnv(t *testing.T) {
	cmd := []string{"sh"}
	runGenCases(t, []genCase{
		{name: "defaults", o: Options{Command: cmd}, want: map[string]string{
			"process.env": `["PATH=` + DefaultPath + `","TERM=xterm","container=podman","HOME=/root","HOSTNAME=0123456789ab"]`}},
		{name: "layers", o: Options{Command: cmd, Env: []string{"U=user", "I=over", "FOO", "NOPE", "PREFIX_*", "E="}},
			img:  &Image{Env: []string{"PATH=/img", "I=img", "J=img", "junk"}},
			d:    &Defaults{Env: []string{"PATH=/conf", "D=conf", "I=conf"}},
			want: map[string]string{"process.env": `["PATH=/img","TERM=xterm","container=podman","D=conf","I=over","J=img","U=user","FOO=from-host","PREFIX_A=1","PREFIX_B=2","E=","HOME=/root","HOSTNAME=0123456789ab"]`}},
		{name: "TERM without -t (Podman 4.3.1)", o: Options{Command: cmd}, want: map[string]string{"process.env.1": `"TERM=xterm"`}},
		{name: "tty TERM", o: Options{Command: cmd, Terminal: true}, want: map[string]string{"process.env.1": `"TERM=xterm"`}},
		{name: "user TERM HOME HOSTNAME win", o: Options{Command: cmd, Terminal: true, Env: []string{"TERM=vt100", "HOME=/h", "HOSTNAME=x", "container=other"}},
			want: map[string]string{"process.env": `["PATH=` + DefaultPath + `","TERM=vt100","container=other","HOME=/h","HOSTNAME=x"]`}},
		{name: "hostname option", o: Options{Command: cmd, Hostname: "box"}, want: map[string]string{"hostname": `"box"`, "process.env.4": `"HOSTNAME=box"`}},
		{name: "bad env", o: Options{Command: cmd, Env: []string{"=x"}}, errs: []string{"--env", "empty variable name"}},
		{name: "bad conf env", o: Options{Command: cmd}, d: &Defaults{Env: []string{"=x"}}, errs: []string{"containers.conf env"}},
	})
}

func TestGenerateUser(t *testing.T) {
	cmd := []string{"sh"}
	runGenCases(t, []genCase{
		{name: "root default", o: Options{Command: cmd}, want: map[string]string{"process.user": `{"uid":0,"gid":0,"umask":18,"additionalGids":[0,1,10]}`}},
		{name: "named", o: Options{Command: cmd, User: "test"}, want: map[string]string{
			"process.user": `{"uid":1000,"gid":1000,"umask":18,"additionalGids":[1000,10,29]}`, "process.env.3": `"HOME=/home/test"`}},
		{name: "numeric known", o: Options{Command: cmd, User: "1000"}, want: map[string]string{"process.user.additionalGids": `[1000,10,29]`}},
		{name: "numeric unknown", o: Options{Command: cmd, User: "1234"}, want: map[string]string{
			"process.user": `{"uid":1234,"gid":0,"umask":18,"additionalGids":[0]}`, "process.env.3": `"HOME=/"`}},
		{name: "explicit group and group-add", o: Options{Command: cmd, User: "1234:wheel", GroupAdd: []string{"bin", "77", "wheel"}},
			want: map[string]string{"process.user": `{"uid":1234,"gid":10,"umask":18,"additionalGids":[10,1,77]}`}},
		{name: "explicit group drops memberships", o: Options{Command: cmd, User: "test:audio"},
			want: map[string]string{"process.user": `{"uid":1000,"gid":29,"umask":18,"additionalGids":[29]}`}},
		{name: "image user", o: Options{Command: cmd}, img: &Image{User: "nobody"},
			want: map[string]string{"process.user": `{"uid":65534,"gid":65534,"umask":18,"additionalGids":[65534]}`}},
		{name: "user beats image", o: Options{Command: cmd, User: "0"}, img: &Image{User: "nobody"}, want: map[string]string{"process.user.uid": `0`}},
		{name: "umask", o: Options{Command: cmd, Umask: "0077"}, want: map[string]string{"process.user.umask": `63`}},
		{name: "umask default", o: Options{Command: cmd}, d: &Defaults{Umask: "0027"}, want: map[string]string{"process.user.umask": `23`}},
		{name: "bad umask", o: Options{Command: cmd, Umask: "0999"}, errs: []string{"--umask", "0999"}},
		{name: "unknown group", o: Options{Command: cmd, User: "test:nosuch"}, errs: []string{"--user", "unable to find group nosuch"}},
		{name: "unknown group-add", o: Options{Command: cmd, GroupAdd: []string{"nosuch"}}, errs: []string{"--group-add", "unable to find group nosuch"}},
		{name: "keep-groups crun", o: Options{Command: cmd, GroupAdd: []string{"keep-groups"}},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if s.Annotations["run.oci.keep_original_groups"] != "1" {
					t.Errorf("annotations %v", s.Annotations)
				}
			}},
		{name: "keep-groups with others", o: Options{Command: cmd, GroupAdd: []string{"keep-groups", "1"}}, errs: []string{"--group-add", "not allowed with any other"}},
		{name: "workdir", o: Options{Command: cmd, WorkDir: "/work/"}, want: map[string]string{"process.cwd": `"/work"`}},
		{name: "workdir missing", o: Options{Command: cmd, WorkDir: "/nonexistent"}, errs: []string{"--workdir", "/nonexistent", "does not exist"}},
		{name: "workdir on a mount", o: Options{Command: cmd, WorkDir: "/data/sub", Volumes: []string{"/tmp:/data"}}, want: map[string]string{"process.cwd": `"/data/sub"`}},
		{name: "workdir relative", o: Options{Command: cmd, WorkDir: "rel"}, errs: []string{"--workdir", "not absolute"}},
		{name: "image workdir", o: Options{Command: cmd}, img: &Image{WorkingDir: "app"}, want: map[string]string{"process.cwd": `"/app"`}},
	})
}

func TestGenerateHostnameAnnotationsSignal(t *testing.T) {
	cmd := []string{"sh"}
	hostName, _ := os.Hostname()
	runGenCases(t, []genCase{
		{name: "default", o: Options{Command: cmd}, want: map[string]string{
			"hostname":    `"0123456789ab"`,
			"annotations": `{"io.container.manager":"pod","org.opencontainers.image.stopSignal":"15"}`}},
		{name: "uts host", o: Options{Command: cmd, UTS: "host"}, want: map[string]string{"hostname": `null`, "process.env.4": `"HOSTNAME=` + hostName + `"`}},
		{name: "uts host hostname", o: Options{Command: cmd, UTS: "host", Hostname: "x"}, errs: []string{"--hostname", "--uts host"}},
		{name: "bad hostname", o: Options{Command: cmd, Hostname: "a b"}, errs: []string{"--hostname", "invalid character"}},
		{name: "annotations", o: Options{Command: cmd, Annotations: map[string]string{"a": "user", "b": "2"}, Labels: map[string]string{"l": "m"}, StopSignal: "SIGKILL"},
			d:    &Defaults{Annotations: []string{"a=conf", "c=3"}},
			want: map[string]string{"annotations": `{"a":"user","b":"2","c":"3","io.container.manager":"pod","org.opencontainers.image.stopSignal":"9"}`},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if r.StopSignal != 9 {
					t.Errorf("stop signal %d", r.StopSignal)
				}
			}},
		{name: "image stop signal", o: Options{Command: cmd}, img: &Image{StopSignal: "SIGQUIT"},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if r.StopSignal != 3 {
					t.Errorf("stop signal %d", r.StopSignal)
				}
			}},
		{name: "user stop signal beats image", o: Options{Command: cmd, StopSignal: "10"}, img: &Image{StopSignal: "SIGQUIT"},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if r.StopSignal != 10 {
					t.Errorf("stop signal %d", r.StopSignal)
				}
			}},
		{name: "bad stop signal", o: Options{Command: cmd, StopSignal: "SIGNOPE"}, errs: []string{"--stop-signal", "SIGNOPE"}},
		{name: "bad image stop signal", o: Options{Command: cmd}, img: &Image{StopSignal: "NOPE"}, errs: []string{"image StopSignal"}},
		{name: "bad label", o: Options{Command: cmd, Labels: map[string]string{"": "x"}}, errs: []string{"--label"}},
	})
}

func TestGenerateMounts(t *testing.T) {
	cmd := []string{"sh"}
	src := t.TempDir()
	defer func(v string) { hostMqueue = v }(hostMqueue)
	defaultDests := []string{"/proc", "/dev", "/sys", "/dev/pts", "/dev/mqueue", "/dev/shm", "/sys/fs/cgroup"}
	runGenCases(t, []genCase{
		{name: "defaults", o: Options{Command: cmd},
			want: map[string]string{
				"mounts.[/proc]":          `{"destination":"/proc","type":"proc","source":"proc","options":["nosuid","noexec","nodev"]}`,
				"mounts.[/dev]":           `{"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","noexec","strictatime","mode=755","size=65536k"]}`,
				"mounts.[/dev/pts]":       `{"destination":"/dev/pts","type":"devpts","source":"devpts","options":["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620","gid=5"]}`,
				"mounts.[/dev/mqueue]":    `{"destination":"/dev/mqueue","type":"mqueue","source":"mqueue","options":["nosuid","noexec","nodev"]}`,
				"mounts.[/dev/shm]":       `{"destination":"/dev/shm","type":"tmpfs","source":"shm","options":["nosuid","noexec","nodev","mode=1777","size=64000k"]}`,
				"mounts.[/sys]":           `{"destination":"/sys","type":"sysfs","source":"sysfs","options":["nosuid","noexec","nodev","ro"]}`,
				"mounts.[/sys/fs/cgroup]": `{"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["rprivate","nosuid","noexec","nodev","relatime","ro"]}`,
				"root.readonly":           `null`,
				"linux.readonlyPaths":     `["/proc/asound","/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"]`,
				"linux.maskedPaths.11":    `"/proc/interrupts"`,
			},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if got := mountDests(s); !reflect.DeepEqual(got, defaultDests) {
					t.Errorf("order %q", got)
				}
			}},
		{name: "user mounts sorted by depth", o: Options{Command: cmd,
			Volumes: []string{src + ":/a/b/c:ro,z", src + ":/data"},
			Mounts:  []string{"type=bind,src=" + src + ",dst=/m,bind-propagation=rslave", "type=tmpfs,dst=/a/t,tmpfs-size=1m"},
			Tmpfs:   []string{"/a:size=10m"}},
			want: map[string]string{
				"mounts.[/a/b/c]": `{"destination":"/a/b/c","type":"bind","source":"` + src + `","options":["ro","rprivate","rbind"]}`,
				"mounts.[/m]":     `{"destination":"/m","type":"bind","source":"` + src + `","options":["rw","rslave","rbind"]}`,
				"mounts.[/a/t]":   `{"destination":"/a/t","type":"tmpfs","source":"tmpfs","options":["size=1m","rw","rprivate","nosuid","nodev","tmpcopyup"]}`,
			},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				want := []string{"/proc", "/dev", "/sys", "/data", "/m", "/a", "/dev/pts", "/dev/mqueue", "/dev/shm", "/a/t", "/sys/fs/cgroup", "/a/b/c"}
				if got := mountDests(s); !reflect.DeepEqual(got, want) {
					t.Errorf("order %q", got)
				}
				if !reflect.DeepEqual(r.Relabel, []Relabel{{Path: src, Shared: true}}) {
					t.Errorf("relabel %+v", r.Relabel)
				}
			}},
		{name: "user replaces default", o: Options{Command: cmd, Volumes: []string{src + ":/dev/shm"}},
			want: map[string]string{"mounts.[/dev/shm].type": `"bind"`},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if got := mountDests(s); !reflect.DeepEqual(got, defaultDests) {
					t.Errorf("order %q", got)
				}
			}},
		{name: "read-only", o: Options{Command: cmd, ReadOnly: true}, want: map[string]string{
			"root.readonly":     `true`,
			"mounts.[/tmp]":     `{"destination":"/tmp","type":"tmpfs","source":"tmpfs","options":["rw","rprivate","nosuid","nodev","tmpcopyup"]}`,
			"mounts.[/var/tmp]": `{"destination":"/var/tmp","type":"tmpfs","source":"tmpfs","options":["rw","rprivate","nosuid","nodev","tmpcopyup"]}`,
			"mounts.[/run]":     `{"destination":"/run","type":"tmpfs","source":"tmpfs","options":["rw","rprivate","nosuid","nodev","tmpcopyup"]}`,
		}},
		{name: "read-only default, user /tmp", o: Options{Command: cmd, Tmpfs: []string{"/tmp:size=1m"}}, d: &Defaults{ReadOnly: true}, want: map[string]string{
			"root.readonly": `true`, "mounts.[/tmp].options.0": `"size=1m"`, "mounts.[/run].type": `"tmpfs"`}},
		{name: "read-only without tmpfs", o: Options{Command: cmd, ReadOnly: true, ReadOnlyTmpfs: ptr(false)}, want: map[string]string{
			"root.readonly": `true`, "mounts.[/tmp]": `null`, "mounts.[/run]": `null`}},
		{name: "shm size", o: Options{Command: cmd, ShmSize: "1g"}, want: map[string]string{"mounts.[/dev/shm].options.4": `"size=1048576k"`}},
		{name: "shm size default", o: Options{Command: cmd}, d: &Defaults{ShmSize: "1000"}, want: map[string]string{"mounts.[/dev/shm].options.4": `"size=1000"`}},
		{name: "ipc host", o: Options{Command: cmd, IPC: "host"}, want: map[string]string{
			"mounts.[/dev/shm]": `{"destination":"/dev/shm","type":"bind","source":"/dev/shm","options":["rbind","rprivate","nosuid","noexec","nodev"]}`}},
		{name: "ipc none", o: Options{Command: cmd, IPC: "none"}, want: map[string]string{"mounts.[/dev/shm]": `null`}},
		// sysfs needs the owner of the network namespace: an ordinary user does not own the host's
		{name: "rootless host network binds /sys", o: Options{Command: cmd, Network: "host"}, host: func(h *Host) { h.Rootless = true },
			want: map[string]string{"mounts.[/sys]": `{"destination":"/sys","type":"bind","source":"/sys","options":["rprivate","nosuid","noexec","nodev","ro","rbind"]}`}},
		{name: "rootless own network mounts sysfs", o: Options{Command: cmd, Network: "none"}, host: func(h *Host) { h.Rootless = true },
			want: map[string]string{"mounts.[/sys].type": `"sysfs"`}},
		// mqueue needs the owner of the IPC namespace: an ordinary user does not own the host's
		{name: "rootless host ipc binds /dev/mqueue", o: Options{Command: cmd, IPC: "host"}, host: func(h *Host) { h.Rootless = true; hostMqueue = src },
			want: map[string]string{"mounts.[/dev/mqueue]": `{"destination":"/dev/mqueue","type":"bind","source":"` + src + `","options":["bind","nosuid","noexec","nodev"]}`}},
		{name: "rootless host ipc without a host mqueue", o: Options{Command: cmd, IPC: "host"}, host: func(h *Host) { h.Rootless = true; hostMqueue = "/nonexistent/mqueue" },
			errs: []string{`--ipc "host"`, "/nonexistent/mqueue", "mount -t mqueue"}},
		{name: "rootless host pid binds /proc", o: Options{Command: cmd, PID: "host"}, host: func(h *Host) { h.Rootless = true },
			want: map[string]string{"mounts.[/proc]": `{"destination":"/proc","type":"bind","source":"/proc","options":["rbind","nosuid","noexec","nodev","rw","rprivate"]}`}},
		{name: "root host pid mounts proc", o: Options{Command: cmd, PID: "host"}, want: map[string]string{"mounts.[/proc].type": `"proc"`}},
		{name: "rootless own ipc mounts mqueue", o: Options{Command: cmd}, host: func(h *Host) { h.Rootless = true },
			want: map[string]string{"mounts.[/dev/mqueue].type": `"mqueue"`}},
		{name: "root host ipc mounts mqueue", o: Options{Command: cmd, IPC: "host"}, want: map[string]string{"mounts.[/dev/mqueue].type": `"mqueue"`}},
		{name: "root host network mounts sysfs", o: Options{Command: cmd, Network: "host"}, want: map[string]string{"mounts.[/sys].type": `"sysfs"`}},
		{name: "conf mounts", o: Options{Command: cmd, Volumes: []string{src + ":/x"}}, d: &Defaults{Mounts: []string{"type=bind,src=/etc,dst=/conf,ro", "type=tmpfs,dst=/x"}},
			want: map[string]string{"mounts.[/conf].options": `["ro","rprivate","rbind"]`, "mounts.[/x].type": `"bind"`}},
		{name: "duplicate destination", o: Options{Command: cmd, Volumes: []string{src + ":/x"}, Tmpfs: []string{"/x"}}, errs: []string{"--tmpfs", "already used by --volume"}},
		{name: "missing source", o: Options{Command: cmd, Volumes: []string{"/nonexistent/dir:/x"}}, errs: []string{"--volume", "/nonexistent/dir", "does not exist on the host"}},
		{name: "missing mount source", o: Options{Command: cmd, Mounts: []string{"type=bind,src=/nonexistent,dst=/x"}}, errs: []string{"--mount", "does not exist on the host"}},
		{name: "named volume", o: Options{Command: cmd, Volumes: []string{"data:/x:ro", src + ":/img"}},
			host: func(h *Host) {
				h.Volumes = []VolumeMount{{Source: "/v/data/_data", Destination: "/x", Options: []string{"ro", "rprivate", "nosuid", "nodev", "rbind"}},
					{Source: "/v/anon/_data", Destination: "/img", Options: []string{"rw"}},      // an image VOLUME under a user bind: the bind wins
					{Source: "/v/anon2/_data", Destination: "/dev/shm", Options: []string{"rw"}}} // a volume replaces a default mount
			},
			want: map[string]string{
				"mounts.[/x]":              `{"destination":"/x","type":"bind","source":"/v/data/_data","options":["ro","rprivate","nosuid","nodev","rbind"]}`,
				"mounts.[/img].source":     `"` + src + `"`,
				"mounts.[/dev/shm].source": `"/v/anon2/_data"`,
			}},
		{name: "volume not resolved", o: Options{Command: cmd, Volumes: []string{"data:/x"}}, want: map[string]string{"mounts.[/x]": `null`}},
		{name: "volume and --init", o: Options{Command: cmd, Volumes: []string{"data:" + InitMountPath}, Init: true}, errs: []string{"--volume", "used by --init"}},
		{name: "mask unmask", o: Options{Command: cmd, SecurityOpt: []string{"mask=/proc/x:/sys/y", "unmask=/proc/k*", "unmask=/proc/sys"}}, check: func(t *testing.T, s *specs.Spec, r *Result) {
			m := s.Linux.MaskedPaths
			if containsStr(m, "/proc/kcore") || containsStr(m, "/proc/keys") || !containsStr(m, "/proc/x") || !containsStr(m, "/sys/y") || !containsStr(m, "/proc/acpi") {
				t.Errorf("masked %q", m)
			}
			if containsStr(s.Linux.ReadonlyPaths, "/proc/sys") || len(s.Linux.ReadonlyPaths) != 5 {
				t.Errorf("readonly %q", s.Linux.ReadonlyPaths)
			}
		}},
		{name: "unmask all", o: Options{Command: cmd, SecurityOpt: []string{"unmask=ALL"}}, want: map[string]string{"linux.maskedPaths": `null`, "linux.readonlyPaths": `null`}},
	})
}

func TestGenerateCapabilities(t *testing.T) {
	cmd := []string{"sh"}
	defaultJSON := `["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SETFCAP","CAP_SETGID","CAP_SETPCAP","CAP_SETUID","CAP_SYS_CHROOT"]`
	runGenCases(t, []genCase{
		{name: "default", o: Options{Command: cmd}, want: map[string]string{
			"process.capabilities": `{"bounding":` + defaultJSON + `,"effective":` + defaultJSON + `,"permitted":` + defaultJSON + `}`}},
		{name: "add and drop", o: Options{Command: cmd, CapAdd: []string{"net_admin", "CAP_SYS_ADMIN"}, CapDrop: []string{"chown", "CAP_KILL", "cap_fowner"}},
			want: map[string]string{"process.capabilities.bounding": `["CAP_DAC_OVERRIDE","CAP_FSETID","CAP_NET_ADMIN","CAP_NET_BIND_SERVICE","CAP_SETFCAP","CAP_SETGID","CAP_SETPCAP","CAP_SETUID","CAP_SYS_ADMIN","CAP_SYS_CHROOT"]`}},
		{name: "drop all add one", o: Options{Command: cmd, CapDrop: []string{"all"}, CapAdd: []string{"net_raw"}},
			want: map[string]string{"process.capabilities": `{"bounding":["CAP_NET_RAW"],"effective":["CAP_NET_RAW"],"permitted":["CAP_NET_RAW"]}`}},
		{name: "drop all", o: Options{Command: cmd, CapDrop: []string{"ALL"}}, want: map[string]string{"process.capabilities": `{}`}},
		{name: "add all drop one", o: Options{Command: cmd, CapAdd: []string{"ALL"}, CapDrop: []string{"net_raw"}},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				b := s.Process.Capabilities.Bounding
				if len(b) != len(allCaps)-1 || containsStr(b, "CAP_NET_RAW") {
					t.Errorf("bounding %d %q", len(b), b)
				}
			}},
		{name: "bounding set limits ALL", o: Options{Command: cmd, CapAdd: []string{"ALL"}}, host: func(h *Host) { h.BoundingCaps = []string{"CAP_CHOWN", "CAP_KILL"} },
			want: map[string]string{"process.capabilities.bounding": `["CAP_CHOWN","CAP_KILL"]`}},
		{name: "cap not held", o: Options{Command: cmd, CapAdd: []string{"sys_resource"}}, host: func(h *Host) { h.BoundingCaps = []string{"CAP_CHOWN"} },
			errs: []string{"--cap-add", "sys_resource", "pod itself does not hold it"}},
		{name: "default cap not held", o: Options{Command: cmd}, host: func(h *Host) { h.BoundingCaps = []string{"CAP_CHOWN", "CAP_KILL"} },
			want: map[string]string{"process.capabilities.bounding": `["CAP_CHOWN","CAP_KILL"]`},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if len(r.Warnings) != 9 {
					t.Errorf("warnings %q", r.Warnings)
				}
			}},
		{name: "non-root user", o: Options{Command: cmd, User: "test", CapAdd: []string{"net_admin"}},
			want: map[string]string{
				"process.capabilities.bounding.5": `"CAP_NET_ADMIN"`,
				"process.capabilities.effective":  `["CAP_NET_ADMIN"]`, "process.capabilities.permitted": `["CAP_NET_ADMIN"]`,
				"process.capabilities.inheritable": `["CAP_NET_ADMIN"]`, "process.capabilities.ambient": `["CAP_NET_ADMIN"]`}},
		{name: "non-root user default", o: Options{Command: cmd, User: "test"},
			want: map[string]string{"process.capabilities": `{"bounding":` + defaultJSON + `}`}},
		{name: "conf defaults", o: Options{Command: cmd, CapAdd: []string{"kill"}}, d: &Defaults{Capabilities: []string{"CHOWN", "cap_net_raw"}},
			want: map[string]string{"process.capabilities.bounding": `["CAP_CHOWN","CAP_KILL","CAP_NET_RAW"]`}},
		{name: "bad conf default", o: Options{Command: cmd}, d: &Defaults{Capabilities: []string{"bogus"}}, errs: []string{"default_capabilities", "bogus"}},
		{name: "add and drop same", o: Options{Command: cmd, CapAdd: []string{"chown"}, CapDrop: []string{"CAP_CHOWN"}}, errs: []string{"--cap-add", "both added and dropped"}},
		{name: "unknown cap", o: Options{Command: cmd, CapDrop: []string{"cap_bogus"}}, errs: []string{"--cap-drop", "cap_bogus", "unknown capability"}},
	})
}

func TestGeneratePrivileged(t *testing.T) {
	runGenCases(t, []genCase{
		{name: "privileged", o: Options{Command: []string{"sh"}, Privileged: true, CapDrop: []string{"net_raw"}},
			want: map[string]string{
				"linux.maskedPaths": `null`, "linux.readonlyPaths": `null`, "linux.seccomp": `null`,
				"linux.resources.devices": `[{"allow":true,"access":"rwm"}]`,
				"mounts.[/sys].options.3": `"rw"`, "mounts.[/sys/fs/cgroup].options.5": `"rw"`,
				"process.selinuxLabel": `null`, "process.apparmorProfile": `null`,
			},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if n := len(s.Process.Capabilities.Bounding); n != len(allCaps)-1 {
					t.Errorf("caps %d", n)
				}
				var sawNull, sawConsole, sawPts bool
				for _, d := range s.Linux.Devices {
					sawNull = sawNull || d.Path == "/dev/null"
					sawConsole = sawConsole || d.Path == "/dev/console"
					sawPts = sawPts || strings.HasPrefix(d.Path, "/dev/pts/")
				}
				if !sawNull || sawConsole || sawPts {
					t.Errorf("devices: null %v console %v pts %v", sawNull, sawConsole, sawPts)
				}
				if r.AppArmorProfile != "unconfined" {
					t.Errorf("apparmor %q", r.AppArmorProfile)
				}
			}},
	})
}

func TestGenerateSecurity(t *testing.T) {
	cmd := []string{"sh"}
	dir := t.TempDir()
	profile := filepath.Join(dir, "profile.json")
	if err := os.WriteFile(profile, []byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":1},{"names":["reboot"],"action":"SCMP_ACT_ERRNO","includes":{"caps":["CAP_SYS_BOOT"]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	badProfile := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badProfile, []byte(`{not json`), 0o644); err != nil {
		t.Fatal(err)
	}
	runGenCases(t, []genCase{
		{name: "nnp", o: Options{Command: cmd, SecurityOpt: []string{"no-new-privileges"}}, want: map[string]string{"process.noNewPrivileges": `true`}},
		{name: "nnp default", o: Options{Command: cmd}, d: &Defaults{NoNewPrivs: true}, want: map[string]string{"process.noNewPrivileges": `true`}},
		{name: "nnp off beats default", o: Options{Command: cmd, SecurityOpt: []string{"no-new-privileges=false"}}, d: &Defaults{NoNewPrivs: true}, want: map[string]string{"process.noNewPrivileges": `null`}},
		{name: "default seccomp", seccomp: true, o: Options{Command: cmd}, check: func(t *testing.T, s *specs.Spec, r *Result) {
			if s.Linux.Seccomp == nil || s.Linux.Seccomp.DefaultAction != specs.ActErrno || len(s.Linux.Seccomp.Syscalls) == 0 {
				t.Fatalf("seccomp %+v (warnings %q)", s.Linux.Seccomp, r.Warnings)
			}
		}},
		{name: "unconfined", o: Options{Command: cmd, SecurityOpt: []string{"seccomp=unconfined"}}, want: map[string]string{"linux.seccomp": `null`}},
		{name: "profile", seccomp: true, o: Options{Command: cmd, SecurityOpt: []string{"seccomp=" + profile}}, want: map[string]string{
			"linux.seccomp.defaultAction": `"SCMP_ACT_ALLOW"`,
			"linux.seccomp.syscalls":      `[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]`}},
		{name: "profile caps include", seccomp: true, o: Options{Command: cmd, CapAdd: []string{"sys_boot"}, SecurityOpt: []string{"seccomp=" + profile}}, want: map[string]string{
			"linux.seccomp.syscalls.1.names": `["reboot"]`}},
		{name: "conf profile", seccomp: true, o: Options{Command: cmd}, d: &Defaults{SeccompProfile: profile}, want: map[string]string{"linux.seccomp.defaultAction": `"SCMP_ACT_ALLOW"`}},
		{name: "conf profile missing falls back", seccomp: true, o: Options{Command: cmd}, d: &Defaults{SeccompProfile: "/nonexistent.json"}, want: map[string]string{"linux.seccomp.defaultAction": `"SCMP_ACT_ERRNO"`}},
		{name: "privileged with profile", seccomp: true, o: Options{Command: cmd, Privileged: true, SecurityOpt: []string{"seccomp=" + profile}}, want: map[string]string{"linux.seccomp.defaultAction": `"SCMP_ACT_ALLOW"`}},
		{name: "profile missing", o: Options{Command: cmd, SecurityOpt: []string{"seccomp=/nonexistent.json"}}, errs: []string{"--security-opt", "seccomp=/nonexistent.json", "does not exist"}},
		{name: "profile not a file", o: Options{Command: cmd, SecurityOpt: []string{"seccomp=/dev/zero"}}, errs: []string{"--security-opt", "not a regular file"}},
		{name: "profile bad json", seccomp: true, o: Options{Command: cmd, SecurityOpt: []string{"seccomp=" + badProfile}}, errs: []string{"--security-opt", "loading seccomp profile"}},
		{name: "label disable", o: Options{Command: cmd, SecurityOpt: []string{"label=disable"}}, want: map[string]string{"process.selinuxLabel": `null`, "linux.mountLabel": `null`}},
		{name: "label type", o: Options{Command: cmd, SecurityOpt: []string{"label=type:spc_t", "label=level:s0"}}, check: func(t *testing.T, s *specs.Spec, r *Result) {
			// SELinux is off on hosts without /sys/fs/selinux: labels stay empty.
			if _, err := os.Stat("/sys/fs/selinux"); err != nil && (r.ProcessLabel != "" || r.MountLabel != "") {
				t.Errorf("labels %q %q", r.ProcessLabel, r.MountLabel)
			}
		}},
		{name: "apparmor unconfined", o: Options{Command: cmd, SecurityOpt: []string{"apparmor=unconfined"}}, want: map[string]string{"process.apparmorProfile": `null`},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if r.AppArmorProfile != "unconfined" || len(r.Warnings) != 0 {
					t.Errorf("%+v", r)
				}
			}},
		{name: "apparmor recorded", o: Options{Command: cmd, SecurityOpt: []string{"apparmor=myprof"}}, want: map[string]string{"process.apparmorProfile": `null`},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if r.AppArmorProfile != "myprof" || len(r.Warnings) != 1 {
					t.Errorf("%+v", r)
				}
			}},
		{name: "apparmor applied", o: Options{Command: cmd, SecurityOpt: []string{"apparmor=myprof"}}, host: func(h *Host) { h.AppArmor = true },
			want: map[string]string{"process.apparmorProfile": `"myprof"`}},
	})
}

func TestGenerateRlimits(t *testing.T) {
	cmd := []string{"sh"}
	runGenCases(t, []genCase{
		{name: "defaults clamped", o: Options{Command: cmd}, want: map[string]string{
			"process.rlimits": `[{"type":"RLIMIT_NOFILE","hard":20000,"soft":20000},{"type":"RLIMIT_NPROC","hard":96365,"soft":96365}]`}},
		{name: "defaults when pod may raise", o: Options{Command: cmd}, host: func(h *Host) { h.CanRaiseRlimits = true }, want: map[string]string{
			"process.rlimits": `[{"type":"RLIMIT_NOFILE","hard":1048576,"soft":1048576},{"type":"RLIMIT_NPROC","hard":4194304,"soft":4194304}]`}},
		{name: "defaults with unknown host", o: Options{Command: cmd}, host: func(h *Host) { h.Rlimits = nil }, want: map[string]string{
			"process.rlimits.0": `{"type":"RLIMIT_NOFILE","hard":1048576,"soft":1048576}`}},
		{name: "conf ulimits clamped", o: Options{Command: cmd}, d: &Defaults{Ulimits: []string{"nofile=1024:50000", "core=-1"}}, want: map[string]string{
			"process.rlimits": `[{"type":"RLIMIT_NOFILE","hard":20000,"soft":1024},{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":18446744073709551615}]`}},
		{name: "user", o: Options{Command: cmd, Ulimits: []string{"nofile=100:200", "nproc=50", "core=-1"}}, want: map[string]string{
			"process.rlimits": `[{"type":"RLIMIT_NOFILE","hard":200,"soft":100},{"type":"RLIMIT_NPROC","hard":50,"soft":50},{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":18446744073709551615}]`}},
		{name: "user above hard", o: Options{Command: cmd, Ulimits: []string{"nofile=1024:30000"}}, errs: []string{"--ulimit", "nofile=1024:30000", "RLIMIT_NOFILE", "30000", "maximum allowed 20000"}},
		{name: "user unlimited above hard", o: Options{Command: cmd, Ulimits: []string{"nproc=-1"}}, errs: []string{"--ulimit", "unlimited", "maximum allowed 96365"}},
		{name: "user above hard with CAP_SYS_RESOURCE", o: Options{Command: cmd, Ulimits: []string{"nofile=30000"}}, host: func(h *Host) { h.CanRaiseRlimits = true },
			want: map[string]string{"process.rlimits.0": `{"type":"RLIMIT_NOFILE","hard":30000,"soft":30000}`}},
		{name: "host", o: Options{Command: cmd, Ulimits: []string{"host"}}, want: map[string]string{
			"process.rlimits": `[{"type":"RLIMIT_STACK","hard":18446744073709551615,"soft":8388608},{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":0},{"type":"RLIMIT_NPROC","hard":96365,"soft":96365},{"type":"RLIMIT_NOFILE","hard":20000,"soft":20000}]`}},
		{name: "host plus user", o: Options{Command: cmd, Ulimits: []string{"host", "nofile=10"}}, want: map[string]string{
			"process.rlimits.3": `{"type":"RLIMIT_NOFILE","hard":10,"soft":10}`}},
		{name: "bad conf ulimit", o: Options{Command: cmd}, d: &Defaults{Ulimits: []string{"nofile"}}, errs: []string{"containers.conf default_ulimits"}},
	})
}

func TestGenerateResources(t *testing.T) {
	cmd := []string{"sh"}
	deny := `[{"allow":false,"access":"rwm"}]`
	runGenCases(t, []genCase{
		{name: "default", o: Options{Command: cmd}, d: &Defaults{PidsLimit: 2048}, want: map[string]string{
			"linux.resources":   `{"devices":` + deny + `,"pids":{"limit":2048}}`,
			"linux.cgroupsPath": `"/pod/` + testID + `"`}},
		{name: "limits", o: Options{Command: cmd, Memory: "512m", CPUs: "1.5", CPUShares: 512, CPUSetCPUs: "0", PidsLimit: ptr(int64(100))}, d: &Defaults{PidsLimit: 2048},
			want: map[string]string{"linux.resources": `{"devices":` + deny + `,"memory":{"limit":536870912,"swap":1073741824},"cpu":{"shares":512,"quota":150000,"period":100000,"cpus":"0"},"pids":{"limit":100}}`}},
		{name: "explicit swap", o: Options{Command: cmd, Memory: "512m", MemorySwap: "-1"}, want: map[string]string{"linux.resources.memory": `{"limit":536870912,"swap":-1}`}},
		{name: "no swap accounting", o: Options{Command: cmd, Memory: "512m", MemorySwap: "1g"}, host: func(h *Host) { h.SwapAccounting = false },
			want: map[string]string{"linux.resources.memory": `{"limit":536870912}`},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "--memory-swap") {
					t.Errorf("warnings %q", r.Warnings)
				}
			}},
		{name: "swap below memory", o: Options{Command: cmd, Memory: "512m", MemorySwap: "256m"}, errs: []string{"--memory-swap", "at least --memory"}},
		{name: "swap without memory", o: Options{Command: cmd, MemorySwap: "1g"}, errs: []string{"--memory-swap", "needs --memory"}},
		{name: "tiny memory", o: Options{Command: cmd, Memory: "1m"}, errs: []string{"--memory", "minimum"}},
		{name: "cpus too many", o: Options{Command: cmd, CPUs: "100000"}, errs: []string{"--cpus", "100000"}},
		{name: "cpus NaN", o: Options{Command: cmd, CPUs: "NaN"}, errs: []string{"--cpus"}},
		{name: "bad cpuset", o: Options{Command: cmd, CPUSetCPUs: "3-1"}, errs: []string{"--cpuset-cpus", "bad CPU range"}},
		{name: "pids unlimited", o: Options{Command: cmd, PidsLimit: ptr(int64(0))}, d: &Defaults{PidsLimit: 2048}, want: map[string]string{"linux.resources.pids": `{"limit":-1}`}},
		{name: "pids -1", o: Options{Command: cmd, PidsLimit: ptr(int64(-1))}, want: map[string]string{"linux.resources.pids": `{"limit":-1}`}},
		{name: "pids bad", o: Options{Command: cmd, PidsLimit: ptr(int64(-2))}, errs: []string{"--pids-limit", "-2"}},
		{name: "no pids controller", o: Options{Command: cmd}, d: &Defaults{PidsLimit: 2048}, host: func(h *Host) { h.CgroupV2 = true; h.Controllers = []string{"cpu", "memory"} },
			want: map[string]string{"linux.resources": `{"devices":` + deny + `}`},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if len(r.Warnings) != 0 {
					t.Errorf("warnings %q", r.Warnings)
				}
			}},
		{name: "no pids controller explicit", o: Options{Command: cmd, PidsLimit: ptr(int64(10))}, host: func(h *Host) { h.Controllers = []string{"cpu", "memory"} },
			want: map[string]string{"linux.resources.pids": `null`},
			check: func(t *testing.T, s *specs.Spec, r *Result) {
				if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "pids") {
					t.Errorf("warnings %q", r.Warnings)
				}
			}},
		{name: "cgroups disabled", o: Options{Command: cmd, Cgroups: "disabled"}, d: &Defaults{PidsLimit: 2048}, want: map[string]string{"linux.resources": `null`, "linux.cgroupsPath": `null`}},
		{name: "cgroups disabled with limit", o: Options{Command: cmd, Cgroups: "disabled", Memory: "100m"}, errs: []string{"--memory", "--cgroups=disabled"}},
		{name: "conf cgroups disabled with limit", o: Options{Command: cmd, CPUs: "1"}, d: &Defaults{Cgroups: "disabled"}, errs: []string{"--cpus", "--cgroups=disabled"}},
		{name: "cgroups split", o: Options{Command: cmd, Cgroups: "split"}, errs: []string{"--cgroups", "split is not supported"}},
		{name: "cgroup parent", o: Options{Command: cmd, CgroupParent: "/foo/bar"}, want: map[string]string{"linux.cgroupsPath": `"/foo/bar/` + testID + `"`}},
		{name: "cgroup parent relative", o: Options{Command: cmd, CgroupParent: "foo"}, errs: []string{"--cgroup-parent", "absolute"}},
		{name: "cgroup parent dotdot", o: Options{Command: cmd, CgroupParent: "/a/../b"}, errs: []string{"--cgroup-parent", ".."}},
		{name: "systemd", o: Options{Command: cmd}, host: func(h *Host) { h.CgroupManager = "systemd" }, want: map[string]string{"linux.cgroupsPath": `"machine.slice:libpod:` + testID + `"`}},
		{name: "systemd parent", o: Options{Command: cmd, CgroupParent: "my.slice"}, host: func(h *Host) { h.CgroupManager = "systemd" }, want: map[string]string{"linux.cgroupsPath": `"my.slice:libpod:` + testID + `"`}},
		{name: "systemd bad parent", o: Options{Command: cmd, CgroupParent: "/foo"}, host: func(h *Host) { h.CgroupManager = "systemd" }, errs: []string{"--cgroup-parent", ".slice"}},
		{name: "oom score", o: Options{Command: cmd, OOMScoreAdj: ptr(500)}, want: map[string]string{"process.oomScoreAdj": `500`}},
		{name: "oom score below own", o: Options{Command: cmd, OOMScoreAdj: ptr(-100)}, host: func(h *Host) { h.OOMScoreAdj = ptr(0) },
			errs: []string{"--oom-score-adj", "-100", "CAP_SYS_RESOURCE"}},
		{name: "oom score below own with CAP_SYS_RESOURCE", o: Options{Command: cmd, OOMScoreAdj: ptr(-100)}, host: func(h *Host) { h.OOMScoreAdj = ptr(0); h.CanRaiseRlimits = true },
			want: map[string]string{"process.oomScoreAdj": `-100`}},
		{name: "oom score bad", o: Options{Command: cmd, OOMScoreAdj: ptr(5000)}, errs: []string{"--oom-score-adj", "5000"}},
		{name: "devices", o: Options{Command: cmd, Devices: []string{"/dev/null:/dev/mynull:r"}}, want: map[string]string{
			"linux.devices.0.path":    `"/dev/mynull"`,
			"linux.devices.0.type":    `"c"`,
			"linux.resources.devices": `[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"r"}]`}},
		{name: "conf devices", o: Options{Command: cmd, Devices: []string{"/dev/zero:/dev/x"}}, d: &Defaults{Devices: []string{"/dev/null:/dev/x:r"}}, want: map[string]string{
			"linux.devices.0.minor": `5`, "linux.resources.devices.2.minor": `5`}},
		{name: "missing device", o: Options{Command: cmd, Devices: []string{"/dev/nonexistent"}}, errs: []string{"--device", "/dev/nonexistent", "does not exist"}},
	})
}

func TestGenerateNamespacesSysctls(t *testing.T) {
	cmd := []string{"sh"}
	runGenCases(t, []genCase{
		{name: "default", o: Options{Command: cmd}, d: &Defaults{Sysctls: []string{"net.ipv4.ping_group_range=0 0"}}, want: map[string]string{
			"linux.namespaces": `[{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"}]`,
			"linux.sysctl":     `{"net.ipv4.ping_group_range":"0 0"}`}},
		{name: "cgroup v2", o: Options{Command: cmd}, host: func(h *Host) { h.CgroupV2 = true }, want: map[string]string{"linux.namespaces.5": `{"type":"cgroup"}`}},
		{name: "cgroupns host on v2", o: Options{Command: cmd}, d: &Defaults{CgroupNS: "host"}, host: func(h *Host) { h.CgroupV2 = true }, want: map[string]string{"linux.namespaces.5": `null`}},
		{name: "host namespaces", o: Options{Command: cmd, Network: "host", PID: "host", IPC: "host", UTS: "host"}, d: &Defaults{Sysctls: []string{"net.ipv4.ping_group_range=0 0", "kernel.msgmax=100"}},
			want: map[string]string{"linux.namespaces": `[{"type":"mount"}]`, "linux.sysctl": `null`}},
		{name: "ns path", o: Options{Command: cmd, Network: "ns:/proc/self/ns/net"}, want: map[string]string{"linux.namespaces.1": `{"type":"network","path":"/proc/self/ns/net"}`}},
		{name: "ns path missing", o: Options{Command: cmd, Network: "ns:/nonexistent/ns"}, errs: []string{"--network", "ns:/nonexistent/ns"}},
		{name: "user sysctls", o: Options{Command: cmd, Sysctls: map[string]string{"net.core.somaxconn": "1024", "kernel.msgmax": "100", "fs.mqueue.msg_max": "20"}},
			want: map[string]string{"linux.sysctl": `{"fs.mqueue.msg_max":"20","kernel.msgmax":"100","net.core.somaxconn":"1024"}`}},
		{name: "net sysctl with host network", o: Options{Command: cmd, Network: "host", Sysctls: map[string]string{"net.core.somaxconn": "1"}}, errs: []string{"--sysctl", "--network host"}},
		{name: "ipc sysctl with host ipc", o: Options{Command: cmd, IPC: "host", Sysctls: map[string]string{"kernel.shmmax": "1"}}, errs: []string{"--sysctl", "--ipc host"}},
		{name: "not namespaced", o: Options{Command: cmd, Sysctls: map[string]string{"kernel.panic": "1"}}, errs: []string{"--sysctl", "kernel.panic", "not namespaced"}},
		{name: "bad conf sysctl", o: Options{Command: cmd}, d: &Defaults{Sysctls: []string{"vm.swappiness=1"}}, errs: []string{"containers.conf default_sysctls", "not namespaced"}},
		{name: "relative network namespace", o: Options{Command: cmd, Network: "ns:rel"}, errs: []string{"--network", "relative"}},
	})
}

func TestGenerateBasics(t *testing.T) {
	rootfs := testRootfs(t)
	s, r, err := Generate(testID, &Options{Command: []string{"true"}}, nil, nil, nil, rootfs)
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != "1.0.2-dev" || s.Root.Path != rootfs || r.StopSignal != 15 {
		t.Errorf("version %q root %+v stop %d", s.Version, s.Root, r.StopSignal)
	}
	_, _, err = Generate("bad/id", &Options{Command: []string{"true"}}, nil, nil, nil, rootfs)
	wantInvalid(t, err, "container id")
	_, _, err = Generate(testID, &Options{Command: []string{"true"}}, nil, nil, nil, "rel")
	wantInvalid(t, err, "not absolute")
	// A short id is the hostname as is.
	s, _, err = Generate("abc", &Options{Command: []string{"true"}}, nil, nil, nil, rootfs)
	if err != nil || s.Hostname != "abc" {
		t.Errorf("hostname %q %v", s.Hostname, err)
	}
}

func TestValidate(t *testing.T) {
	if err := Validate(&Options{Command: []string{"x"}, Volumes: []string{"/tmp:/x:ro"}, Devices: []string{"/dev/null"}, Ulimits: []string{"host", "nofile=1:2"}}); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		o    Options
		frag []string
	}{
		{Options{Volumes: []string{"/nonexistent:/x"}}, []string{"--volume", "does not exist"}},
		{Options{Devices: []string{"/dev/nonexistent"}}, []string{"--device", "does not exist"}},
		{Options{Rootfs: "/nonexistent"}, []string{"--rootfs", "not a directory"}},
		{Options{Rootfs: "rel"}, []string{"--rootfs", "relative"}},
		{Options{Init: true, InitPath: "/etc/passwd"}, []string{"--init-path", "not an executable"}},
		{Options{InitPath: "rel"}, []string{"--init-path", "relative"}},
		{Options{ShmSize: "0"}, []string{"--shm-size"}},
		{Options{CPUShares: 1}, []string{"--cpu-shares"}},
		{Options{Annotations: map[string]string{"": "v"}}, []string{"--annotation"}},
		{Options{Ulimits: []string{"nofile=x"}}, []string{"--ulimit", "nofile=x"}},
		{Options{Mounts: []string{"type=bind,src=/tmp,dst=/x", "type=tmpfs,dst=/x"}}, []string{"--mount", "already used"}},
	}
	for _, c := range bad {
		wantInvalid(t, Validate(&c.o), c.frag...)
	}
}

func TestUserFiles(t *testing.T) {
	users := parsePasswd([]byte(testPasswd))
	if len(users) != 4 || users[2] != (passwdEntry{Name: "test", UID: 1000, GID: 1000, Home: "/home/test"}) {
		t.Errorf("passwd %+v", users)
	}
	groups := parseGroup([]byte(testGroup))
	if len(groups) != 6 || !reflect.DeepEqual(groups[2], groupEntry{Name: "wheel", GID: 10, Members: []string{"root", "test"}}) {
		t.Errorf("group %+v", groups)
	}
	// No /etc/passwd: numeric ids work, names fail clearly.
	empty := t.TempDir()
	eu, err := resolveUser(empty, flagUser, "5:6", "5", "6", []string{"7"})
	if err != nil || eu.UID != 5 || eu.GID != 6 || !reflect.DeepEqual(eu.AdditionalGids, []uint32{6, 7}) || eu.Home != "/" {
		t.Errorf("%+v %v", eu, err)
	}
	_, err = resolveUser(empty, flagUser, "bob", "bob", "", nil)
	if !errors.Is(err, errdefs.ErrNoSuchUser) || !errors.Is(err, errdefs.ErrPermission) || err.Error() != "unable to find user bob: the container has no /etc/passwd" {
		t.Errorf("user missing without /etc/passwd: %v", err)
	}
	// An unknown user: Podman's words; the class makes run exit 126.
	_, _, err = Generate(testID, &Options{Command: []string{"true"}, User: "nosuch"}, &Image{}, &Defaults{}, testHost(), testRootfs(t))
	if !errors.Is(err, errdefs.ErrNoSuchUser) || !strings.Contains(err.Error(), "unable to find user nosuch: no matching entries in passwd file") {
		t.Errorf("unknown user: %v", err)
	}
	// /etc/passwd as a symlink that points outside the rootfs stays inside.
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "etc"), 0o755)
	os.Symlink("/etc/shadow-not-here/../../../etc/passwd2", filepath.Join(dir, "etc/passwd"))
	if _, err := resolveUser(dir, flagUser, "root", "root", "", nil); err == nil {
		t.Errorf("symlinked passwd outside the rootfs was read")
	}
	// A FIFO as /etc/group must not block.
	fifoRoot := testRootfs(t)
	os.Remove(filepath.Join(fifoRoot, "etc/group"))
	if err := mkfifo(filepath.Join(fifoRoot, "etc/group")); err == nil {
		_, err := resolveUser(fifoRoot, flagUser, "test", "test", "", nil)
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("fifo: %v", err)
		}
	}
}

func mkfifo(p string) error { return unix.Mkfifo(p, 0o644) }

func TestGenerateInitSearch(t *testing.T) {
	rootfs := testRootfs(t)
	s, _, err := Generate(testID, &Options{Command: []string{"sh"}, Init: true}, nil, nil, testHost(), rootfs)
	found := findInitBinary()
	if found == "" {
		wantInvalid(t, err, "--init", "no init binary found", "/usr/libexec/podman")
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := jsonAt(t, s, "mounts.[/run/podman-init].source"); got != `"`+found+`"` {
		t.Errorf("init source %s, want %s", got, found)
	}
}

func TestValidateHost(t *testing.T) {
	h := testHost()
	img := &Image{Cmd: []string{"sh"}}
	if err := ValidateHost(&Options{User: "nosuch", WorkDir: "/nonexistent"}, img, &Defaults{}, h); err != nil {
		t.Errorf("rootfs-dependent options must not be checked: %v", err)
	}
	bad := []struct {
		o    Options
		img  *Image
		d    *Defaults
		frag []string
	}{
		{Options{Ulimits: []string{"nofile=50000"}}, img, nil, []string{"--ulimit", "maximum allowed 20000"}},
		{Options{}, &Image{}, nil, []string{"no command or entrypoint"}},
		{Options{OOMScoreAdj: ptr(-5)}, img, nil, []string{"--oom-score-adj"}},
		{Options{CgroupParent: "rel"}, img, nil, []string{"--cgroup-parent"}},
		{Options{}, img, &Defaults{Ulimits: []string{"bad"}}, []string{"containers.conf default_ulimits"}},
		{Options{Volumes: []string{"/nonexistent:/x"}}, img, nil, []string{"--volume", "does not exist"}},
	}
	h.OOMScoreAdj = ptr(0)
	h.RuntimeName = "runc"
	for _, c := range bad {
		wantInvalid(t, ValidateHost(&c.o, c.img, c.d, h), c.frag...)
	}
}

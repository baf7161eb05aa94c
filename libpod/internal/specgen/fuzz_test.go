package specgen

import (
	"errors"
	"path"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// Each parser is fuzzed for panics and for the invariants its callers rely on:
// every error is an ErrInvalidArgument naming the flag, and every accepted
// value yields clean absolute paths and well-formed options.
// Run one with: go test -tags seccomp -run '^$' -fuzz FuzzVolume -fuzztime 1m .

func checkFlagErr(t *testing.T, err error, flag string) {
	t.Helper()
	if !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.HasPrefix(err.Error(), flag+" ") {
		t.Fatalf("error %q: want an ErrInvalidArgument starting with %s", err, flag)
	}
}

func checkCleanAbs(t *testing.T, what, p string) {
	t.Helper()
	if !strings.HasPrefix(p, "/") || path.Clean(p) != p || strings.IndexByte(p, 0) >= 0 {
		t.Fatalf("%s %q is not a clean absolute path", what, p)
	}
}

// checkOneOf checks that exactly one member of group is in opts.
func checkOneOf(t *testing.T, opts []string, group []string) {
	t.Helper()
	n := 0
	for _, o := range opts {
		if containsStr(group, o) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("options %q: want exactly one of %q", opts, group)
	}
}

func checkMountReq(t *testing.T, m mountReq) {
	t.Helper()
	checkCleanAbs(t, "destination", m.Destination)
	if m.Destination == "/" {
		t.Fatalf("destination /")
	}
	for _, o := range m.Options {
		if o == "" || strings.ContainsAny(o, ",\x00") {
			t.Fatalf("bad option %q in %q", o, m.Options)
		}
	}
	if ovl, upper, work := OverlayOf(m.Options); ovl {
		if (m.Type != "bind" && m.Type != "volume") || (upper == "") != (work == "") || len(m.Options) != 1 && len(m.Options) != 3 {
			t.Fatalf("overlay mount %+v", m)
		}
		for _, p := range []string{m.Source, upper, work} {
			if strings.ContainsAny(p, ",:\\") {
				t.Fatalf("overlay path %q in %+v", p, m)
			}
		}
		if upper != "" {
			checkCleanAbs(t, "upperdir", upper)
			checkCleanAbs(t, "workdir", work)
		}
		return
	}
	if n := strings.Count(","+strings.Join(m.Options, ",")+",", ",idmap,"); n > 1 || (n == 1 && m.Type != "bind" && m.Type != "volume") {
		t.Fatalf("idmap in %+v", m)
	}
	switch m.Type {
	case "image":
		if m.Source == "" || strings.Join(m.Options, ",") != "ro,rprivate,nosuid,nodev,rbind" {
			t.Fatalf("image mount %+v", m)
		}
	case "volume":
		if m.Source != "" && checkVolumeName(m.Source) != nil {
			t.Fatalf("accepted volume name %q", m.Source)
		}
		checkOneOf(t, m.Options, optRW)
		checkOneOf(t, m.Options, optPropagation)
		checkOneOf(t, m.Options, optBind)
	case "bind":
		checkCleanAbs(t, "source", m.Source)
		checkOneOf(t, m.Options, optRW)
		checkOneOf(t, m.Options, optPropagation)
		checkOneOf(t, m.Options, optBind)
	case "tmpfs", "ramfs":
		checkOneOf(t, m.Options, optRW)
	case "devpts":
		for _, o := range m.Options {
			if k, _, ok := strings.Cut(o, "="); !ok || !containsStr([]string{"uid", "gid", "mode", "max"}, k) {
				t.Fatalf("devpts option %q", o)
			}
		}
	default:
		t.Fatalf("type %q", m.Type)
	}
}

func FuzzVolume(f *testing.F) {
	for _, s := range []string{"/src:/dst", "/a:/b:ro,z", "/a:/b:Z,shared,noexec", "vol:/x", "./r:/x", "/a:/b:ro,rw", "/a", "/a:/b:c:d", "/a:/:ro", "/a/../b:/c/./d:rbind,nosuid", "v.1:/d:ro,nocopy,suid", "v:/d:U", "/a:/b:U,z", "../x:/d", "a\x00b:/d",
		"/a:/b:O", "v:/d:O,U", "/a:/b:O,upperdir=/u,workdir=/w", "/a:/b:O,ro", "/a:/b:idmap", "v:/d:idmap,ro", "/a,b:/c:O", "/a:/b:idmap=uids=0-1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		m, err := parseVolume(v)
		if err != nil {
			checkFlagErr(t, err, flagVolume)
			return
		}
		checkMountReq(t, m)
		if m.Relabel != "" && m.Relabel != "z" && m.Relabel != "Z" {
			t.Fatalf("relabel %q", m.Relabel)
		}
		// The canonical form parses to the same mount.
		canon := m.Source + ":" + m.Destination + ":" + strings.Join(m.Options, ",")
		if m.Relabel != "" {
			canon += "," + m.Relabel
		}
		if m.NoCopy {
			canon += ",nocopy"
		}
		if m.Chown {
			canon += ",U"
		}
		if m.Type == "volume" && m.Source == "" {
			canon = m.Destination // anonymous: no options
		}
		m2, err := parseVolume(canon)
		if err != nil || m2.Destination != m.Destination || strings.Join(m2.Options, ",") != strings.Join(m.Options, ",") {
			t.Fatalf("canonical %q of %q: %+v %v", canon, v, m2, err)
		}
	})
}

func FuzzMount(f *testing.F) {
	for _, s := range []string{
		"type=bind,src=/a,dst=/b", "type=bind,source=/a,target=/b,ro,bind-propagation=rslave,relabel=shared",
		"type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=0700", "type=volume,src=v,dst=/x", "type=tmpfs,target=/t,ro=false,notmpcopyup",
		"type=bind,src=/a,dst=/b,bind-nonrecursive=true,readonly=1", "dst=/x", "type=bind,,",
		"type=devpts,dst=/pts2,uid=1,gid=5,mode=620,max=10", "type=ramfs,dst=/r,ro,suid,exec", "type=ramfs,target=/r,readonly=false",
		"type=volume,dst=/v,volume-nocopy=true,ro", "type=volume,src=../x,dst=/v", "type=volume,src=n,dst=/v,Z,exec,suid", "type=image,src=busybox,dst=/i", "type=image,src=x,dst=/i,rw=true",
		"type=bind,src=/a,dst=/b,idmap", "type=volume,src=v,dst=/b,idmap,ro", "type=bind,src=/a,dst=/b,O", "type=bind,src=/a,dst=/b,idmap=uids=0-1-1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		m, err := parseMount(v)
		if err != nil {
			checkFlagErr(t, err, flagMount)
			return
		}
		checkMountReq(t, m)
	})
}

func FuzzTmpfs(f *testing.F) {
	for _, s := range []string{"/t", "/t:rw,size=10m,mode=700", "/t:ro,notmpcopyup", "/t:size=50%", "/t:uid=1,gid=2,nr_inodes=1k", "/t:size=", "t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		m, err := parseTmpfs(v)
		if err != nil {
			checkFlagErr(t, err, flagTmpfs)
			return
		}
		checkMountReq(t, m)
		for _, o := range m.Options {
			if k, val, ok := strings.Cut(o, "="); ok && k == "size" && !strings.HasSuffix(val, "%") {
				if n, ok := memparse(val); !ok || n == 0 {
					t.Fatalf("accepted size %q", val)
				}
			}
		}
	})
}

func FuzzDevice(f *testing.F) {
	for _, s := range []string{"/dev/null", "/dev/null:/dev/x", "/dev/null:r", "/dev/null:/x:rwm", "/dev/net", "a=b", "/dev/null:/x:rwx", "/:/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, err := parseDevice(flagDevice, v)
		if err != nil {
			checkFlagErr(t, err, flagDevice)
			return
		}
		checkCleanAbs(t, "host", d.Host)
		checkCleanAbs(t, "container", d.Ctr)
		if !isDevicePerms(d.Perms) {
			t.Fatalf("perms %q", d.Perms)
		}
	})
}

func FuzzUlimit(f *testing.F) {
	for _, s := range []string{"nofile=1024", "nofile=1024:2048", "core=-1", "core=0:-1", "nproc=-5", "bogus=1", "nofile=2:1", "nofile=1:2:3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		u, err := parseUlimit(flagUlimit, v)
		if err != nil {
			checkFlagErr(t, err, flagUlimit)
			return
		}
		if !containsStr(rlimitNames, u.Name) {
			t.Fatalf("name %q", u.Name)
		}
		if u.Hard != rlimitUnlimited && u.Soft > u.Hard {
			t.Fatalf("soft %d > hard %d", u.Soft, u.Hard)
		}
		// The limits check in Generate must hold for any accepted value.
		g := &gen{h: testHost(), p: &parsed{Ulimits: []ulimitReq{u}, NS: &namespaces{}}, d: &Defaults{}, spec: emptySpec()}
		if err := g.rlimits(); err != nil {
			checkFlagErr(t, err, flagUlimit)
		}
	})
}

func FuzzSecurityOpt(f *testing.F) {
	for _, s := range []string{"no-new-privileges", "no-new-privileges=false", "seccomp=unconfined", "seccomp=/p.json", "label=disable", "label=type:spc_t",
		"label:level:s0:c1", "apparmor=unconfined", "mask=/a:/b", "unmask=ALL", "unmask=/proc/*", "systempaths=unconfined", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		s, err := parseSecurityOpts([]string{v})
		if err != nil {
			checkFlagErr(t, err, flagSecurityOpt)
			return
		}
		if s.Seccomp != "" && s.Seccomp != "unconfined" {
			checkCleanAbs(t, "seccomp profile", s.Seccomp)
		}
		for _, m := range s.Mask {
			checkCleanAbs(t, "mask", m)
		}
		for _, l := range s.LabelOpts {
			if l != "disable" && l != "nested" && !strings.Contains(l, ":") {
				t.Fatalf("label option %q", l)
			}
		}
	})
}

func FuzzUser(f *testing.F) {
	for _, s := range []string{"root", "0", "test", "1000:1000", "test:wheel", "1234:audio", "nosuch", "a:b:c", "4294967295", ":"} {
		f.Add(s, "bin")
	}
	rootfs := testRootfs(f)
	f.Fuzz(func(t *testing.T, spec, groupAdd string) {
		user, group, err := parseUserSpec(flagUser, spec)
		if err != nil {
			checkFlagErr(t, err, flagUser)
			return
		}
		if err := checkGroupAdd([]string{groupAdd}); err != nil {
			checkFlagErr(t, err, flagGroupAdd)
			return
		}
		eu, err := resolveUser(rootfs, flagUser, spec, user, group, []string{groupAdd})
		if err != nil {
			// a user the container lacks is ErrNoSuchUser (Podman's words)
			if !errors.Is(err, errdefs.ErrInvalidArgument) && !errors.Is(err, errdefs.ErrNoSuchUser) {
				t.Fatalf("error %q is neither ErrInvalidArgument nor ErrNoSuchUser", err)
			}
			return
		}
		if len(eu.AdditionalGids) == 0 || eu.AdditionalGids[0] != eu.GID || eu.Home == "" {
			t.Fatalf("user %+v", eu)
		}
	})
}

func FuzzMemory(f *testing.F) {
	for _, s := range []string{"512m", "0", "0m", "1g", "1.5G", "6m", "104857600", "1e30g", "-1", "10 m", "1k", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if n, err := parseMemory(flagMemory, v); err != nil {
			checkFlagErr(t, err, flagMemory)
		} else if n != 0 && n < 6<<20 {
			t.Fatalf("%q accepted as %d", v, n)
		}
		if n, err := parseBytes(v); err == nil && n < 0 {
			t.Fatalf("%q parsed as %d", v, n)
		}
		if n, ok := memparse(v); ok && v != "" && strings.Trim(v, "0") == "" && n != 0 {
			t.Fatalf("%q parsed as %d", v, n)
		}
		_ = checkTmpfsSize(v)
	})
}

func FuzzSignal(f *testing.F) {
	for _, s := range []string{"SIGTERM", "kill", "9", "RTMIN+3", "SIGRTMAX-2", "0", "SIG", "RTMIN-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		n, err := parseSignal(v)
		if err == nil && (n < 1 || n > sigRTMax) {
			t.Fatalf("%q → %d", v, n)
		}
	})
}

func FuzzIDFiles(f *testing.F) {
	f.Add([]byte(testPasswd), []byte(testGroup))
	f.Add([]byte("a:b:c:d"), []byte("::::"))
	f.Fuzz(func(t *testing.T, passwd, group []byte) {
		for _, e := range parsePasswd(passwd) {
			if strings.Contains(e.Name, ":") {
				t.Fatalf("name %q", e.Name)
			}
		}
		for _, e := range parseGroup(group) {
			for _, m := range e.Members {
				if strings.Contains(m, ",") {
					t.Fatalf("member %q", m)
				}
			}
		}
	})
}

func emptySpec() *specs.Spec {
	return &specs.Spec{Process: &specs.Process{}, Linux: &specs.Linux{}}
}

func FuzzDeviceCgroupRule(f *testing.F) {
	for _, s := range []string{"c 1:3 rwm", "b 7:* r", "a *:* m", "c 1:3", "x 1:3 r", "c 99999999999:1 r", "c 1:3 rr"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		r, err := parseDeviceCgroupRule(v)
		if err != nil {
			checkFlagErr(t, err, flagDeviceCgroupRule)
			return
		}
		if !containsStr([]string{"a", "b", "c"}, r.Type) || !isDevicePerms(r.Access) {
			t.Fatalf("%q accepted as %+v", v, r)
		}
		for _, n := range []*int64{r.Major, r.Minor} {
			if n != nil && (*n < 0 || *n > 1<<32-1) {
				t.Fatalf("%q: device number %d", v, *n)
			}
		}
	})
}

func FuzzThrottle(f *testing.F) {
	for _, s := range []string{"/dev/sda:1mb", "/dev/sda:100", "/dev/sda", "sda:1", "/dev/a:b:1k", "/dev/../etc/x:1", "/dev/sda:-1", "/dev/sda:1e9"} {
		f.Add(s)
	}
	flags := []string{flagDeviceReadBps, flagDeviceWriteBps, flagDeviceReadIOps, flagDeviceWriteIOps, flagBlkioWeightDevice}
	f.Fuzz(func(t *testing.T, v string) {
		for _, flag := range flags {
			r, err := parseThrottle(flag, v)
			if err != nil {
				checkFlagErr(t, err, flag)
				continue
			}
			checkCleanAbs(t, "device", r.Path)
			if !strings.HasPrefix(r.Path, "/dev/") {
				t.Fatalf("%s %q: device %q outside /dev", flag, v, r.Path)
			}
			if flag == flagBlkioWeightDevice && (r.Rate < 10 || r.Rate > 1000) {
				t.Fatalf("%s %q: weight %d", flag, v, r.Rate)
			}
		}
	})
}

func FuzzLabelFile(f *testing.F) {
	f.Add([]byte("# c\na=1\n\nb\n"))
	f.Add([]byte("=x\n"))
	f.Add([]byte("a\x00=1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		labels, err := ParseLabelFile("f", data)
		if err != nil {
			checkFlagErr(t, err, "--label-file")
			return
		}
		for _, l := range labels {
			if l == "" || strings.HasPrefix(l, "=") || strings.HasPrefix(l, "#") || strings.ContainsAny(l, "\n\x00") {
				t.Fatalf("label %q from %q", l, data)
			}
		}
	})
}

func FuzzTimezone(f *testing.F) {
	for _, s := range []string{"local", "UTC", "Europe/Berlin", "../x", "/etc/passwd", "a//b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if err := checkTimezone(v); err != nil {
			checkFlagErr(t, err, flagTZ)
			return
		}
		if v != "local" && (strings.HasPrefix(v, "/") || path.Clean("/"+v) != "/"+v) {
			t.Fatalf("zone %q escapes the zoneinfo dir", v)
		}
	})
}

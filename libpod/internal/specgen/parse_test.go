package specgen

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseVolume(t *testing.T) {
	ok := []struct {
		in      string
		src     string
		dst     string
		opts    []string
		relabel string
	}{
		{"/src:/dst", "/src", "/dst", []string{"rw", "rprivate", "rbind"}, ""},
		{"/src/:/dst/sub/../x", "/src", "/dst/x", []string{"rw", "rprivate", "rbind"}, ""},
		{"/src:/dst:ro", "/src", "/dst", []string{"ro", "rprivate", "rbind"}, ""},
		{"/src:/dst:ro,z", "/src", "/dst", []string{"ro", "rprivate", "rbind"}, "z"},
		{"/src:/dst:Z,shared,noexec,nosuid", "/src", "/dst", []string{"rw", "shared", "rbind", "noexec", "nosuid"}, "Z"},
		{"/src:/dst:bind,rslave,nodev,exec", "/src", "/dst", []string{"rw", "rslave", "bind", "nodev", "exec"}, ""},
		{"/src:/dst:rw,private,rbind,suid,dev", "/src", "/dst", []string{"rw", "private", "rbind", "suid", "dev"}, ""},
	}
	for _, c := range ok {
		m, err := parseVolume(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if m.Source != c.src || m.Destination != c.dst || !reflect.DeepEqual(m.Options, c.opts) || m.Relabel != c.relabel || m.Type != "bind" {
			t.Errorf("%q: got %+v", c.in, m)
		}
	}
	bad := []struct{ in, frag string }{
		{"", "empty value"},
		{"my*vol:/data", "is invalid"},
		{"myvol:/data:U,U", "conflicts"},
		{"myvol:/data:copy,nocopy", "conflicts"},
		{"/dst/..", "root directory"},
		{"./rel:/data", "relative source path"},
		{"../rel:/data", "relative source path"},
		{"/src:rel", "not absolute"},
		{"/src:/", "root directory"},
		{":/dst", "empty source"},
		{"/a:/b:/c:/d", "too many"},
		{"/src:/dst:ro,rw", "conflicts"},
		{"/src:/dst:z,Z", "conflicts"},
		{"/src:/dst:shared,slave", "conflicts"},
		{"/src:/dst:bogus", "unknown option"},
		{"/src:/dst:ro,", "empty option"},
		{"/src:/dst:U,ro,U", "conflicts"},
		{"/src:/dst:O,ro", "cannot be combined with O"},
		{"/src:/dst:O,Z", "cannot be combined with O"},
		{"/src:/dst:O,O", "more than once"},
		{"/src:/dst:O,idmap", "cannot be combined with O"},
		{"/src:/dst:O,upperdir=/u", "must be given together"},
		{"/src:/dst:O,workdir=/w", "must be given together"},
		{"/src:/dst:O,upperdir=/u,workdir=/u", "different directories"},
		{"/src:/dst:O,upperdir=u,workdir=/w", "absolute host path"},
		{"/src:/dst:upperdir=/u,workdir=/w", "need the O"},
		{"/s,x:/dst:O", "cannot carry"},
		{"/src:/dst:O,upperdir=/u\\x,workdir=/w", "cannot carry"},
		{"/src:/dst:idmap,idmap", "more than once"},
		{"/src:/dst:idmap=uids=0-1-2", "custom mappings"},
		{"/src:/dst:nocopy", "named and anonymous volumes"},
	}
	for _, c := range bad {
		_, err := parseVolume(c.in)
		wantInvalid(t, err, "--volume", c.frag)
	}
	ext := []struct {
		in, typ string
		opts    []string
		chown   bool
	}{
		{"/src:/dst:O", "bind", []string{"O"}, false},
		{"/src:/dst:U,O", "bind", []string{"O"}, true},
		{"/src:/dst:O,upperdir=/u/x/,workdir=/w", "bind", []string{"O", "upperdir=/u/x", "workdir=/w"}, false},
		{"vol:/dst:O", "volume", []string{"O"}, false},
		{"vol:/dst:workdir=/w,O,upperdir=/u", "volume", []string{"O", "upperdir=/u", "workdir=/w"}, false},
		{"/src:/dst:idmap,ro", "bind", []string{"ro", "rprivate", "rbind", "idmap"}, false},
		{"vol:/dst:idmap", "volume", []string{"rw", "rprivate", "nosuid", "nodev", "rbind", "idmap"}, false},
	}
	for _, c := range ext {
		m, err := parseVolume(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if m.Type != c.typ || !reflect.DeepEqual(m.Options, c.opts) || m.Chown != c.chown {
			t.Errorf("%q: got %+v", c.in, m)
		}
	}
	vols := []struct {
		in, name, dst string
		opts          []string
		noCopy        bool
	}{
		{"/dst", "", "/dst", []string{"rw", "rprivate", "nosuid", "nodev", "rbind"}, false},
		{"/a/../dst/", "", "/dst", []string{"rw", "rprivate", "nosuid", "nodev", "rbind"}, false},
		{"myvol:/data", "myvol", "/data", []string{"rw", "rprivate", "nosuid", "nodev", "rbind"}, false},
		{"my.vol-1_x:/data:ro,nocopy", "my.vol-1_x", "/data", []string{"ro", "rprivate", "nosuid", "nodev", "rbind"}, true},
		{"v:/data:suid,dev,noexec,rshared,bind,z", "v", "/data", []string{"rw", "rshared", "suid", "dev", "noexec", "bind"}, false},
	}
	for _, c := range vols {
		m, err := parseVolume(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if m.Type != "volume" || m.Source != c.name || m.Destination != c.dst || !reflect.DeepEqual(m.Options, c.opts) || m.NoCopy != c.noCopy {
			t.Errorf("%q: got %+v", c.in, m)
		}
	}
}

func TestParseMount(t *testing.T) {
	ok := []struct {
		in, typ, src, dst string
		opts              []string
		relabel           string
	}{
		{"type=bind,src=/a,dst=/b", "bind", "/a", "/b", []string{"rw", "rprivate", "rbind"}, ""},
		{"type=bind,source=/a,target=/b,ro", "bind", "/a", "/b", []string{"ro", "rprivate", "rbind"}, ""},
		{"type=bind,source=/a,destination=/b,readonly=true", "bind", "/a", "/b", []string{"ro", "rprivate", "rbind"}, ""},
		{"type=bind,source=/a,destination=/b,ro=false", "bind", "/a", "/b", []string{"rw", "rprivate", "rbind"}, ""},
		{"type=bind,src=/a,dst=/b,bind-propagation=rshared,bind-nonrecursive", "bind", "/a", "/b", []string{"rw", "rshared", "bind"}, ""},
		{"type=bind,src=/a,dst=/b,relabel=shared,nosuid", "bind", "/a", "/b", []string{"rw", "rprivate", "rbind", "nosuid"}, "z"},
		{"type=bind,src=/a,dst=/b,Z", "bind", "/a", "/b", []string{"rw", "rprivate", "rbind"}, "Z"},
		{"type=tmpfs,dst=/t", "tmpfs", "", "/t", []string{"rw", "rprivate", "nosuid", "nodev", "tmpcopyup"}, ""},
		{"type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=0700", "tmpfs", "", "/t", []string{"size=1m", "mode=0700", "rw", "rprivate", "nosuid", "nodev", "tmpcopyup"}, ""},
		{"type=tmpfs,target=/t,ro,notmpcopyup,exec", "tmpfs", "", "/t", []string{"ro", "exec", "rprivate", "nosuid", "nodev"}, ""},
		{"type=volume,src=v,dst=/b", "volume", "v", "/b", []string{"rw", "rprivate", "nosuid", "nodev", "rbind"}, ""},
		{"type=image,src=docker.io/x:1,dst=/b,ro", "image", "docker.io/x:1", "/b", []string{"ro", "rprivate", "nosuid", "nodev", "rbind"}, ""},
		{"type=volume,dst=/b,ro,suid,exec,Z", "volume", "", "/b", []string{"ro", "rprivate", "suid", "nodev", "exec", "rbind"}, "Z"},
		{"type=volume,source=v.1_x,target=/b,volume-nocopy", "volume", "v.1_x", "/b", []string{"rw", "rprivate", "nosuid", "nodev", "rbind"}, ""},
	}
	for _, c := range ok {
		m, err := parseMount(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if m.Type != c.typ || m.Source != c.src || m.Destination != c.dst || !reflect.DeepEqual(m.Options, c.opts) || m.Relabel != c.relabel {
			t.Errorf("%q: got %+v", c.in, m)
		}
	}
	bad := []struct{ in, frag string }{
		{"", "empty value"},
		{"src=/a,dst=/b", "type= is required"},
		{"type=volume,src=v/x,dst=/b", "is invalid"},
		{"type=volume,src=v,dst=/b,volume-opt=x", "volume create"},
		{"type=volume,src=v,dst=/b,bind-propagation=shared", "unknown option"},
		{"type=image,src=i,dst=/b,rw=true", "writable image mount"},
		{"type=image,dst=/b", "source= (or src=) is required"},
		{"type=image,src=i,dst=/b,U", "unknown option"},
		{"type=nfs,dst=/b", "unknown mount type"},
		{"type=bind,dst=/b", "source= (or src=) is required"},
		{"type=bind,src=/a", "destination= (or target=, dst=) is required"},
		{"type=bind,src=rel,dst=/b", "relative"},
		{"type=bind,src=/a,dst=/b,dst=/c", "more than once"},
		{"type=bind,src=/a,dst=/b,bind-propagation=sideways", "bind-propagation"},
		{"type=bind,src=/a,dst=/b,ro=maybe", "want true or false"},
		{"type=bind,src=/a,dst=/b,relabel=both", "relabel"},
		{"type=bind,src=/a,dst=/b,tmpfs-size=1m", "unknown option"},
		{"type=bind,src=/a,dst=/b,chown=maybe", "true or false"},
		{"type=tmpfs,src=/a,dst=/b", "not allowed for type=tmpfs"},
		{"type=tmpfs,dst=/b,tmpfs-size=lots", "size="},
		{"type=tmpfs,dst=/b,tmpfs-size=1.5m", "size="},
		{"type=tmpfs,dst=/b,tmpfs-mode=999", "tmpfs-mode"},
		{"type=tmpfs,dst=/b,ro,rw", "conflicts"},
		{"type=bind,,src=/a,dst=/b", "empty option"},
	}
	for _, c := range bad {
		_, err := parseMount(c.in)
		wantInvalid(t, err, "--mount", c.frag)
	}
}

func TestParseTmpfs(t *testing.T) {
	ok := []struct {
		in, dst string
		opts    []string
	}{
		{"/t", "/t", []string{"rw", "rprivate", "nosuid", "nodev", "tmpcopyup"}},
		{"/t:rw,size=10m,mode=700", "/t", []string{"rw", "size=10m", "mode=700", "rprivate", "nosuid", "nodev", "tmpcopyup"}},
		{"/t:ro,suid,dev,notmpcopyup,shared", "/t", []string{"ro", "suid", "dev", "shared"}},
		{"/t:size=50%,uid=1000,gid=1000,nr_inodes=1k,noatime", "/t", []string{"size=50%", "uid=1000", "gid=1000", "nr_inodes=1k", "noatime", "rw", "rprivate", "nosuid", "nodev", "tmpcopyup"}},
	}
	for _, c := range ok {
		m, err := parseTmpfs(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if m.Destination != c.dst || !reflect.DeepEqual(m.Options, c.opts) {
			t.Errorf("%q: got %q", c.in, m.Options)
		}
	}
	bad := []struct{ in, frag string }{
		{"", "empty container path"},
		{"t", "not absolute"},
		{"/", "root directory"},
		{"/t:size=", "size="},
		{"/t:size=0", "size="},
		{"/t:size=99999999999999999999k", "size="},
		{"/t:mode=8", "mode="},
		{"/t:uid=-1", "uid="},
		{"/t:foo=bar", "unknown tmpfs option"},
		{"/t:bogus", "unknown option"},
		{"/t:size=1m,size=2m", "more than once"},
		{"/t:rw,ro", "conflicts"},
		{"/t:,", "empty option"},
	}
	for _, c := range bad {
		_, err := parseTmpfs(c.in)
		wantInvalid(t, err, "--tmpfs", c.frag)
	}
}

func TestParseDevice(t *testing.T) {
	ok := []struct{ in, host, ctr, perms string }{
		{"/dev/fuse", "/dev/fuse", "/dev/fuse", "rwm"},
		{"/dev/null:/dev/mynull", "/dev/null", "/dev/mynull", "rwm"},
		{"/dev/null:r", "/dev/null", "/dev/null", "r"},
		{"/dev/null:/dev/x:rw", "/dev/null", "/dev/x", "rw"},
		{"/dev/null:mwr", "/dev/null", "/dev/null", "mwr"},
	}
	for _, c := range ok {
		d, err := parseDevice(flagDevice, c.in)
		if err != nil || d.Host != c.host || d.Ctr != c.ctr || d.Perms != c.perms {
			t.Errorf("%q: got %+v, %v", c.in, d, err)
		}
	}
	bad := []struct{ in, frag string }{
		{"", "empty host path"},
		{"dev/null", "relative"},
		{"/dev/null:/x:rwx", "invalid permissions"},
		{"/dev/null:/x:rr", "invalid permissions"},
		{"/dev/null:x", "not absolute"},
		{"/dev/null:/", "cannot be /"},
		{"/a:/b:r:extra", "too many"},
		{"nvidia.com/gpu=all", "CDI"},
	}
	for _, c := range bad {
		_, err := parseDevice(flagDevice, c.in)
		wantInvalid(t, err, "--device", c.frag)
	}
}

func TestResolveDevice(t *testing.T) {
	d, _ := parseDevice(flagDevice, "/dev/null:/dev/mynull:r")
	devs, err := d.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) != 1 || devs[0].Path != "/dev/mynull" || devs[0].Type != "c" || devs[0].Major != 1 || devs[0].Minor != 3 {
		t.Errorf("got %+v", devs)
	}
	if _, err := os.Stat("/dev/net/tun"); err == nil {
		d, _ = parseDevice(flagDevice, "/dev/net:/dev/n")
		devs, err = d.resolve()
		if err != nil || len(devs) == 0 || devs[0].Path != "/dev/n/tun" {
			t.Errorf("directory: got %+v, %v", devs, err)
		}
	}
	d, _ = parseDevice(flagDevice, "/dev/nonexistent-device")
	_, err = d.resolve()
	wantInvalid(t, err, "--device", "/dev/nonexistent-device", "does not exist on the host")
	d, _ = parseDevice(flagDevice, "/etc/passwd")
	_, err = d.resolve()
	wantInvalid(t, err, "--device", "not a character or block device")
}

func TestParseUlimit(t *testing.T) {
	ok := []struct {
		in         string
		name       string
		soft, hard uint64
	}{
		{"nofile=1024", "nofile", 1024, 1024},
		{"nofile=1024:2048", "nofile", 1024, 2048},
		{"core=-1", "core", rlimitUnlimited, rlimitUnlimited},
		{"core=0:-1", "core", 0, rlimitUnlimited},
		{"nproc=0", "nproc", 0, 0},
	}
	for _, c := range ok {
		u, err := parseUlimit(flagUlimit, c.in)
		if err != nil || u.Name != c.name || u.Soft != c.soft || u.Hard != c.hard {
			t.Errorf("%q: got %+v, %v", c.in, u, err)
		}
	}
	bad := []struct{ in, frag string }{
		{"", "invalid ulimit argument"},
		{"nofile", "invalid ulimit argument"},
		{"bogus=1", "invalid ulimit type"},
		{"nofile=abc", "invalid syntax"},
		{"nofile=2048:1024", "soft limit must be less than or equal to hard limit"},
		{"nofile=-5", "negative soft limit"},
		{"nofile=1:2:3", "too many"},
		{"nofile=-1:100", "soft limit must be less"},
	}
	for _, c := range bad {
		_, err := parseUlimit(flagUlimit, c.in)
		wantInvalid(t, err, "--ulimit", c.frag)
	}
}

func TestParseSecurityOpts(t *testing.T) {
	s, err := parseSecurityOpts([]string{
		"no-new-privileges", "seccomp=unconfined", "label=type:spc_t", "label=level:s0:c1,c2",
		"apparmor=myprofile", "mask=/proc/a:/proc/b/", "unmask=/proc/kcore", "label:disable",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &securityOpts{
		NoNewPrivs: ptr(true), Seccomp: "unconfined", seccompFromOpt: "seccomp=unconfined",
		LabelOpts: []string{"type:spc_t", "level:s0:c1,c2", "disable"}, LabelDisabled: true,
		AppArmor: "myprofile", Mask: []string{"/proc/a", "/proc/b"}, Unmask: []string{"/proc/kcore"},
	}
	if !reflect.DeepEqual(s, want) {
		a, _ := json.Marshal(s)
		b, _ := json.Marshal(want)
		t.Errorf("got %s\nwant %s", a, b)
	}
	s, err = parseSecurityOpts([]string{"no-new-privileges=false", "seccomp=/etc/p.json", "unmask=ALL"})
	if err != nil || *s.NoNewPrivs || s.Seccomp != "/etc/p.json" || !reflect.DeepEqual(s.Unmask, []string{"ALL"}) {
		t.Errorf("got %+v, %v", s, err)
	}
	s, err = parseSecurityOpts([]string{"systempaths=unconfined", "unmask=/proc/*"})
	if err != nil || !reflect.DeepEqual(s.Unmask, []string{"ALL", "/proc/*"}) {
		t.Errorf("got %+v, %v", s, err)
	}
	bad := []struct{ in, frag string }{
		{"bogus", "unknown option"},
		{"bogus=1", "unknown option"},
		{"no-new-privileges=maybe", "no-new-privileges=true"},
		{"seccomp=", "empty seccomp profile"},
		{"seccomp=rel.json", "relative"},
		{"label=foo", "want label=disable"},
		{"label=color:red", "unknown label field"},
		{"label=type:", "invalid type value"},
		{"apparmor=", "want apparmor="},
		{"mask=proc", "not absolute"},
		{"mask=", "empty path list"},
		{"unmask=/proc/[", "bad pattern"},
		{"systempaths=confined", "systempaths=unconfined"},
		{"proc-opts=hidepid=2", "not supported yet"},
	}
	for _, c := range bad {
		_, err := parseSecurityOpts([]string{c.in})
		wantInvalid(t, err, "--security-opt", c.in, c.frag)
	}
}

func TestNormalizeCap(t *testing.T) {
	for in, want := range map[string]string{
		"net_admin": "CAP_NET_ADMIN", "CAP_NET_ADMIN": "CAP_NET_ADMIN", "cap_sys_admin": "CAP_SYS_ADMIN",
		"all": "ALL", "ALL": "ALL", "Chown": "CAP_CHOWN", "checkpoint_restore": "CAP_CHECKPOINT_RESTORE",
	} {
		if got, err := normalizeCap(in); err != nil || got != want {
			t.Errorf("%q: got %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "CAP_", "bogus", "CAP_ALL", "net admin"} {
		if _, err := normalizeCap(in); err == nil {
			t.Errorf("%q: want error", in)
		}
	}
	_, err := normalizeCaps(flagCapAdd, []string{"chown", "nope"})
	wantInvalid(t, err, "--cap-add", `"nope"`, "unknown capability")
}

func TestParseUserSpec(t *testing.T) {
	ok := []struct{ in, user, group string }{
		{"root", "root", ""}, {"1000", "1000", ""}, {"1000:1000", "1000", "1000"},
		{"test:wheel", "test", "wheel"}, {"4294967294", "4294967294", ""},
	}
	for _, c := range ok {
		u, g, err := parseUserSpec(flagUser, c.in)
		if err != nil || u != c.user || g != c.group {
			t.Errorf("%q: got %q %q %v", c.in, u, g, err)
		}
	}
	for _, in := range []string{"", ":", "root:", ":root", "a:b:c", "4294967295", "99999999999", "us er", "a/b"} {
		_, _, err := parseUserSpec(flagUser, in)
		wantInvalid(t, err, "--user")
	}
}

func TestParseMemory(t *testing.T) {
	for in, want := range map[string]int64{"512m": 512 << 20, "1g": 1 << 30, "1G": 1 << 30, "6m": 6 << 20, "104857600": 100 << 20, "1.5g": 3 << 29, "0": 0, "0g": 0} {
		if got, err := parseMemory(flagMemory, in); err != nil || got != want {
			t.Errorf("%q: got %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "abc", "-1", "1k", "5m", " 1g", "1e30g", "10q"} {
		_, err := parseMemory(flagMemory, in)
		wantInvalid(t, err, "--memory")
	}
}

func TestParseSignal(t *testing.T) {
	for in, want := range map[string]int{
		"SIGTERM": 15, "TERM": 15, "term": 15, "sigkill": 9, "9": 9, "SIGUSR1": 10, "HUP": 1,
		"RTMIN": 34, "SIGRTMIN+2": 36, "RTMAX": 64, "RTMAX-1": 63, "64": 64, "IOT": 6, "CLD": 17,
	} {
		if got, err := parseSignal(in); err != nil || got != want {
			t.Errorf("%q: got %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0", "65", "-1", "SIGFOO", "RTMIN-1", "RTMAX+1", "RTMIN+31", "SIG"} {
		if _, err := parseSignal(in); err == nil {
			t.Errorf("%q: want error", in)
		}
	}
}

func TestParseEntrypoint(t *testing.T) {
	cases := []struct {
		in   *[]string
		want []string
		set  bool
	}{
		{nil, nil, false},
		{&[]string{""}, []string{}, true},
		{&[]string{"/bin/sh"}, []string{"/bin/sh"}, true},
		{&[]string{`["a","b c"]`}, []string{"a", "b c"}, true},
		{&[]string{`[]`}, []string{}, true},
		{&[]string{`[not json`}, []string{`[not json`}, true},
		{&[]string{"a", "b"}, []string{"a", "b"}, true},
		{&[]string{}, []string{}, true},
	}
	for _, c := range cases {
		got, set, err := parseEntrypoint(c.in)
		if err != nil || set != c.set || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v: got %q %v %v", c.in, got, set, err)
		}
	}
}

func TestParseNamespaces(t *testing.T) {
	ns, err := parseNamespaces(&Options{Network: "none", PID: "host", IPC: "ns:/proc/1/ns/ipc", UTS: "private"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := namespaces{Net: nsMode{Kind: nsPrivate}, PID: nsMode{Kind: nsHost}, IPC: nsMode{Kind: nsPath, Path: "/proc/1/ns/ipc"}, UTS: nsMode{Kind: nsPrivate}}
	if *ns != want {
		t.Errorf("got %+v", ns)
	}
	// container:NAME is kept for libpod, which turns it into ns:PATH at start.
	ns, err = parseNamespaces(&Options{PID: "container:abc", IPC: "container:abc", UTS: "container:x y"}, nil)
	if err != nil || ns.PID != (nsMode{Kind: nsContainer, Path: "abc"}) || ns.IPC.Kind != nsContainer || ns.UTS.Path != "x y" {
		t.Errorf("container: got %+v %v", ns, err)
	}
	if err := ValidateHost(&Options{PID: "container:abc", Command: []string{"true"}}, nil, nil, nil); err != nil {
		t.Errorf("container: at create: %v", err)
	}
	if _, _, err := Generate("id", &Options{UTS: "container:abc"}, nil, nil, nil, "/rootfs"); err == nil || !errContains(err, "not resolved") {
		t.Errorf("container: at start: want an error, got %v", err)
	}
	// Defaults apply when the option is empty; values pod cannot do are ignored.
	ns, err = parseNamespaces(&Options{}, &Defaults{NetNS: "bridge", PIDNS: "host", IPCNS: "shareable", UTSNS: "private"})
	if err != nil || ns.Net.Kind != nsPrivate || ns.PID.Kind != nsHost || ns.IPC.Kind != nsPrivate {
		t.Errorf("defaults: got %+v %v", ns, err)
	}
	bad := []struct {
		o          Options
		flag, frag string
	}{
		{Options{Network: "ns:rel"}, "--network", "relative"},
		{Options{PID: "container:"}, "--pid", "container:NAME"},
		{Options{IPC: "container:a/b"}, "--ipc", "container:NAME"},
		{Options{IPC: "ns:rel"}, "--ipc", "relative"},
		{Options{UTS: "none"}, "--uts", "host, private, container:NAME or ns:PATH"},
	}
	for _, c := range bad {
		_, err := parseNamespaces(&c.o, nil)
		wantInvalid(t, err, c.flag, c.frag)
	}
}

func TestMemparse(t *testing.T) {
	for in, want := range map[string]uint64{"0": 0, "10": 10, "1k": 1024, "2M": 2 << 20, "1g": 1 << 30, "1e": 1 << 60, "15e": 15 << 60} {
		if got, ok := memparse(in); !ok || got != want {
			t.Errorf("%q: got %d %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "k", "1kk", "1.5m", "-1", "16e", "0x10", "18446744073709551616"} {
		if _, ok := memparse(in); ok {
			t.Errorf("%q: want failure", in)
		}
	}
}

func TestParseChown(t *testing.T) {
	for in, want := range map[string]bool{"/a:/b:U": true, "/a:/b": false, "v:/b:ro,U": true, "v:/b": false} {
		m, err := parseVolume(in)
		if err != nil || m.Chown != want {
			t.Errorf("%q: chown %v, %v", in, m.Chown, err)
		}
	}
	for in, want := range map[string]bool{"type=bind,src=/a,dst=/b,U": true, "type=volume,dst=/b,chown=true": true, "type=volume,dst=/b,chown=false": false} {
		m, err := parseMount(in)
		if err != nil || m.Chown != want {
			t.Errorf("%q: chown %v, %v", in, m.Chown, err)
		}
	}
}

func errContains(err error, frag string) bool {
	return err != nil && strings.Contains(err.Error(), frag)
}

package etcfiles

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestContainerEnv(t *testing.T) {
	p := &Params{Engine: "pod", ID: "abc", Name: `we"ird`, Image: "localhost/busybox:latest", ImageID: "f00"}
	if got := ContainerEnv(p); got != "" {
		t.Errorf("unprivileged: %q", got)
	}
	p.Privileged = true
	want := "engine=\"pod\"\nname=\"we\\\"ird\"\nid=\"abc\"\nimage=\"localhost/busybox:latest\"\nimageid=\"f00\"\nrootless=0\n"
	if got := ContainerEnv(p); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	p.Rootless = true
	if got := ContainerEnv(p); got[len(got)-11:] != "rootless=1\n" {
		t.Errorf("rootless: %q", got)
	}
}

func TestHosts(t *testing.T) {
	cases := []struct {
		base string
		p    Params
		want string
	}{
		{"127.0.0.1 localhost\n", Params{Hostname: "h", Name: "n"}, "127.0.0.1\tlocalhost\n127.0.0.1\th n\n"},
		{"127.0.0.1 localhost", Params{Hostname: "same", Name: "same"}, "127.0.0.1\tlocalhost\n127.0.0.1\tsame\n"},
		{"# comment\n::1   ip6-localhost ip6-loopback # trailing\n\nbroken\n", Params{}, "::1\tip6-localhost ip6-loopback\n"},
		{"", Params{Name: "n", AddHosts: [][2]string{{"foo", "1.2.3.4"}, {"bar", "::1"}}}, "1.2.3.4\tfoo\n::1\tbar\n127.0.0.1\tn\n"},
		{"10.0.0.1 base\n", Params{Name: "n", HostInternal: "10.88.0.1"}, "10.0.0.1\tbase\n10.88.0.1\thost.containers.internal\n127.0.0.1\tn\n"},
		{"", Params{Name: "n", HostInternal: "10.88.0.1", AddHosts: [][2]string{{"host.containers.internal", "1.1.1.1"}}}, "1.1.1.1\thost.containers.internal\n127.0.0.1\tn\n"},
		{"", Params{}, ""},
	}
	for _, c := range cases {
		if got := Hosts([]byte(c.base), &c.p); got != c.want {
			t.Errorf("%q %+v: got %q want %q", c.base, c.p, got, c.want)
		}
	}
}

func TestResolvConf(t *testing.T) {
	host := "# generated\nsearch lan\nnameserver 127.0.0.53\nnameserver 10.0.0.1\noptions edns0\n"
	local := "nameserver 127.0.0.53\nnameserver ::1\n"
	cases := []struct {
		name, host string
		own        bool
		p          Params
		want       string
	}{
		{"host network: as is", host, false, Params{}, host},
		{"own netns: loopback dropped", host, true, Params{}, "# generated\nsearch lan\nnameserver 10.0.0.1\noptions edns0\n"},
		{"only loopback: Podman's fallback", local, true, Params{}, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n"},
		{"--dns replaces nameservers", host, true, Params{DNS: []string{"9.9.9.9"}}, "nameserver 9.9.9.9\n# generated\nsearch lan\noptions edns0\n"},
		{"--dns-search and --dns-option replace theirs", host, true, Params{DNSSearch: []string{"a.example", "b.example"}, DNSOptions: []string{"ndots:2"}},
			"search a.example b.example\n# generated\nnameserver 10.0.0.1\noptions ndots:2\n"},
		{"--dns-search . removes search", host, false, Params{DNSSearch: []string{"."}}, "# generated\nnameserver 127.0.0.53\nnameserver 10.0.0.1\noptions edns0\n"},
		{"empty host file", "", true, Params{}, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n"},
		{"slirp4netns: its DNS before the host's", host, true, Params{HelperDNS: []string{"10.0.2.3"}},
			"nameserver 10.0.2.3\n# generated\nsearch lan\nnameserver 10.0.0.1\noptions edns0\n"},
		{"slirp4netns, only loopback on the host: no fallback", local, true, Params{HelperDNS: []string{"10.0.2.3"}}, "nameserver 10.0.2.3\n"},
		{"--dns replaces the helper's too", host, true, Params{HelperDNS: []string{"10.0.2.3"}, DNS: []string{"9.9.9.9"}},
			"nameserver 9.9.9.9\n# generated\nsearch lan\noptions edns0\n"},
	}
	for _, c := range cases {
		if got := ResolvConf([]byte(c.host), c.own, &c.p); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	hosts := filepath.Join(dir, "host-hosts")
	resolv := filepath.Join(dir, "host-resolv")
	if err := os.WriteFile(hosts, []byte("127.0.0.1 localhost\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(resolv, []byte("nameserver 10.1.1.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	p := &Params{Engine: "pod", ID: "id", Name: "n", Hostname: "h", HostsFile: hosts, ResolvConf: resolv,
		ChrootDirs: []string{"/jail"}, Skip: map[string]bool{"/jail/etc/hosts": true}}
	mounts, err := Write(run, p)
	if err != nil {
		t.Fatal(err)
	}
	var dests []string
	for _, m := range mounts {
		dests = append(dests, m.Destination)
	}
	want := []string{"/run/.containerenv", "/etc/hostname", "/jail/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/jail/etc/resolv.conf"}
	if !reflect.DeepEqual(dests, want) {
		t.Errorf("mounts %q, want %q", dests, want)
	}
	for name, content := range map[string]string{"hostname": "h", "hosts": "127.0.0.1\tlocalhost\n127.0.0.1\th n\n", "resolv.conf": "nameserver 10.1.1.1\n", ".containerenv": ""} {
		b, err := os.ReadFile(filepath.Join(run, name))
		if err != nil || string(b) != content {
			t.Errorf("%s: %q, %v", name, b, err)
		}
		if fi, _ := os.Stat(filepath.Join(run, name)); fi == nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v", name, fi)
		}
	}
	// --network none: no resolv.conf; --no-hosts: no hosts; a user mount: skipped.
	p = &Params{Network: "none", NoHosts: true, Skip: map[string]bool{"/run/.containerenv": true}}
	mounts, err = Write(run, p)
	if err != nil || len(mounts) != 0 {
		t.Errorf("got %+v, %v", mounts, err)
	}
}

func TestAppendLine(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0::/root:/bin/sh"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // the second append finds the line and adds nothing
		if err := AppendLine(root, "/etc/passwd", "1234:*:1234:0:container user:/:/bin/sh"); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(root, "etc/passwd"))
	if string(b) != "root:x:0:0::/root:/bin/sh\n1234:*:1234:0:container user:/:/bin/sh\n" {
		t.Errorf("passwd %q", b)
	}
	// A symlink pointing out of the root filesystem stays inside it.
	if err := os.Symlink("/etc/group.real", filepath.Join(root, "etc/group")); err != nil {
		t.Fatal(err)
	}
	if err := AppendLine(root, "/etc/group", "5678:x:5678:1234"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "etc/group.real")); err != nil || string(b) != "5678:x:5678:1234\n" {
		t.Errorf("group through symlink: %q, %v", b, err)
	}
}

func TestAddHostUser(t *testing.T) {
	root := t.TempDir()
	hostPasswd := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(hostPasswd, []byte("root:x:0:0:root:/root:/bin/bash\n# c\nalice:x:1001:1001:Alice:/home/alice:/bin/zsh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"alice", "1001", "root"} { // by name, by uid (already there), root (the container's stays)
		if err := AddHostUser(root, hostPasswd, u); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(root, "etc/passwd"))
	if string(b) != "root:x:0:0:root:/root:/bin/sh\nalice:x:1001:1001:Alice:/home/alice:/bin/zsh\n" {
		t.Errorf("passwd %q", b)
	}
	if err := AddHostUser(root, hostPasswd, "nobody-here"); err == nil {
		t.Error("unknown host user accepted")
	}
}

func TestNetworkAddresses(t *testing.T) {
	p := &Params{Hostname: "hn", Name: "web", IPs: []string{"10.88.0.5"}}
	if got := Hosts([]byte("127.0.0.1 localhost\n"), p); got != "127.0.0.1\tlocalhost\n10.88.0.5\thn web\n" {
		t.Errorf("hosts: %q", got)
	}
	p = &Params{NetworkDNS: []string{"10.89.0.1"}, NetworkSearch: []string{"dns.podman"}}
	got := ResolvConf([]byte("search example.com\nnameserver 192.0.2.53\noptions ndots:2\n"), true, p)
	if got != "search dns.podman example.com\nnameserver 10.89.0.1\noptions ndots:2\n" {
		t.Errorf("resolv.conf with the network's DNS: %q", got)
	}
	p.DNS = []string{"192.0.2.1"} // --dns wins over the network's server
	if got := ResolvConf([]byte("nameserver 192.0.2.53\n"), true, p); got != "nameserver 192.0.2.1\n" {
		t.Errorf("resolv.conf with --dns: %q", got)
	}
}

func TestPodHosts(t *testing.T) {
	base := []byte("127.0.0.1 localhost\n")
	// A pod with an address: its host name and infra on it, members on 127.0.0.1.
	p := &Params{Name: "m1", Hostname: "web", IPs: []string{"10.0.0.9"}, AddHosts: [][2]string{{"db", "1.2.3.4"}},
		Pod: &PodHosts{IPs: []string{"10.88.0.5", "fd00::5"}, Names: []string{"web", "abc-infra"}, Members: []string{"m1", "m 2", "abc-infra"}}}
	want := "1.2.3.4\tdb\n127.0.0.1\tlocalhost\n10.88.0.5\tweb abc-infra\nfd00::5\tweb abc-infra\n127.0.0.1\tm1\n127.0.0.1\tm 2\n"
	if got := Hosts(base, p); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	// Without an address (--network none): the pod's host name and the container.
	p.Pod = &PodHosts{Names: []string{"web", "m1"}}
	if got, want := Hosts(base, p), "1.2.3.4\tdb\n127.0.0.1\tlocalhost\n127.0.0.1\tweb m1\n"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestSharedHostsInPlace(t *testing.T) {
	dir := t.TempDir()
	shared := filepath.Join(dir, "infra-hosts")
	if err := os.WriteFile(shared, []byte("a much longer old content than the new one\n\n\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(shared)
	if err != nil {
		t.Fatal(err)
	}
	p := &Params{Name: "m1", HostsFile: filepath.Join(dir, "none"), SharedHosts: shared, NoHosts: false, Network: "none",
		Pod: &PodHosts{IPs: []string{"10.1.1.1"}, Names: []string{"p"}, Members: []string{"m1"}}}
	mounts, err := Write(filepath.Join(dir), p)
	if err != nil {
		t.Fatal(err)
	}
	var src string
	for _, m := range mounts {
		if m.Destination == "/etc/hosts" {
			src = m.Source
		}
	}
	if src != shared {
		t.Fatalf("/etc/hosts bound from %q, want the shared file %q", src, shared)
	}
	after, err := os.Stat(shared)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Error("the shared hosts file was replaced, not rewritten in place: running members would keep the old one")
	}
	if data, _ := os.ReadFile(shared); string(data) != "10.1.1.1\tp\n127.0.0.1\tm1\n" {
		t.Errorf("shared hosts: %q", data)
	}
	if after.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", after.Mode().Perm())
	}
}

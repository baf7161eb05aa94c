package network

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestParsePublish(t *testing.T) {
	good := map[string]PortMapping{
		"80":                    {ContainerPort: 80, Range: 1, Protocol: "tcp"},
		"8080:80":               {HostPort: 8080, ContainerPort: 80, Range: 1, Protocol: "tcp"},
		"127.0.0.1:8080:80/udp": {HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Range: 1, Protocol: "udp"},
		"127.0.0.1::80":         {HostIP: "127.0.0.1", ContainerPort: 80, Range: 1, Protocol: "tcp"},
		"0:80":                  {ContainerPort: 80, Range: 1, Protocol: "tcp"},
		"8000-8002:90-92":       {HostPort: 8000, ContainerPort: 90, Range: 3, Protocol: "tcp"},
		"90-92":                 {ContainerPort: 90, Range: 3, Protocol: "tcp"},
		"[::1]:8080:80":         {HostIP: "::1", HostPort: 8080, ContainerPort: 80, Range: 1, Protocol: "tcp"},
		"53:53/tcp,udp":         {HostPort: 53, ContainerPort: 53, Range: 1, Protocol: "tcp,udp"},
	}
	for in, want := range good {
		got, err := ParsePublish([]string{in})
		if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], want) {
			t.Errorf("%q: got %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "0", "70000", "80:80:80:80", "80/icmp", "127.0.0.1:80-81:90", "90-80", "1.2.3:80:80", "[::1]80", "8080:0", "0-2:80-82", "[::1:80:80"} {
		_, err := ParsePublish([]string{in})
		if err == nil || !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), in) {
			t.Errorf("%q: want an invalid-argument error naming it, got %v", in, err)
		}
	}
}

func TestParseExposeAndPublishAll(t *testing.T) {
	got, err := ParseExpose([]string{"80", "7000-7001/udp", "80/tcp"})
	if err != nil || !reflect.DeepEqual(got, []string{"7000/udp", "7001/udp", "80/tcp"}) {
		t.Fatalf("ParseExpose: %v %v", got, err)
	}
	maps := PublishAll([]PortMapping{{HostPort: 8080, ContainerPort: 80, Range: 1, Protocol: "tcp"}}, got)
	if len(maps) != 3 || maps[1].ContainerPort != 7000 || maps[1].HostPort != 0 || maps[2].Protocol != "udp" {
		t.Fatalf("PublishAll: %+v", maps)
	}
	if _, err := ParseExpose([]string{"80/xyz"}); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Fatalf("80/xyz: %v", err)
	}
}

func TestParseMode(t *testing.T) {
	for in, kind := range map[string]string{"": KindBridge, "private": KindBridge, "bridge": KindBridge, "none": KindNone,
		"host": KindHost, "ns:/run/netns/x": KindPath, "container:abc": KindContainer, "mynet": KindBridge} {
		m, err := ParseMode(in, "podman")
		if err != nil || m.Kind != kind {
			t.Errorf("%q: %+v %v, want %s", in, m, err, kind)
		}
	}
	m, err := ParseMode("mynet:ip=10.1.2.3,alias=a,alias=b,mac=92:d0:c6:0a:29:33,interface_name=eth7", "podman")
	if err != nil {
		t.Fatal(err)
	}
	o := m.Networks["mynet"]
	if len(o.StaticIPs) != 1 || o.StaticIPs[0].String() != "10.1.2.3" || !reflect.DeepEqual(o.Aliases, []string{"a", "b"}) || o.StaticMAC.String() != "92:d0:c6:0a:29:33" || o.InterfaceName != "eth7" {
		t.Errorf("options: %+v", o)
	}
	for _, in := range []string{"ns:rel", "container:", "../x", "a/b", "bridge:ip=1.2.3.4", "net:ip=300.1.1.1", "net:ip6=10.0.0.1", "net:mac=zz", "net:foo=bar", "net:ip", "-x"} {
		if _, err := ParseMode(in, "podman"); !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), in) {
			t.Errorf("%q: want an invalid-argument error naming it, got %v", in, err)
		}
	}
	if m, err := ParseMode("pasta", "podman"); err != nil || m.Kind != KindPasta {
		t.Errorf("pasta: %+v %v", m, err)
	}
	m, _ = ParseMode("", "podman")
	if err := m.ApplyFlags("10.88.0.9", "", "", []string{"x"}); err != nil || len(m.Networks["podman"].StaticIPs) != 1 {
		t.Errorf("ApplyFlags: %v %+v", err, m)
	}
	none, _ := ParseMode("none", "podman")
	if err := none.ApplyFlags("10.88.0.9", "", "", nil); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("--ip with none: %v", err)
	}
	// A bad value is named before the mode is refused (rootless slirp4netns), as Podman.
	slirp, _ := ParseMode("slirp4netns", "podman")
	for _, c := range [][3]string{{"10.88.0.500", "", ""}, {"", "::1::2", ""}, {"", "", "nomac"}} {
		err := slirp.ApplyFlags(c[0], c[1], c[2], nil)
		if bad := c[0] + c[1] + c[2]; err == nil || !strings.Contains(err.Error(), bad) || !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("%q with slirp4netns: want an error naming it, got %v", bad, err)
		}
	}
}

func TestCheckName(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "../x", "a/b", `a\b`, "-a", "a b"} {
		if CheckName(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if err := CheckName("pt-net_1.x"); err != nil {
		t.Error(err)
	}
}

func FuzzParsePublish(f *testing.F) {
	for _, s := range []string{"80", "127.0.0.1:8080:80/udp", "[::1]:1-2:3-4/tcp,udp", "0:80", "::80", "a:b:c:d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		maps, err := ParsePublish([]string{s})
		if err != nil {
			if !errors.Is(err, errdefs.ErrInvalidArgument) {
				t.Fatalf("%q: error without a class: %v", s, err)
			}
			return
		}
		m := maps[0]
		if m.ContainerPort == 0 || m.Range == 0 || uint32(m.ContainerPort)+uint32(m.Range)-1 > 65535 {
			t.Fatalf("%q: bad container range %+v", s, m)
		}
		if m.HostPort != 0 && uint32(m.HostPort)+uint32(m.Range)-1 > 65535 {
			t.Fatalf("%q: bad host range %+v", s, m)
		}
		for _, p := range strings.Split(m.Protocol, ",") {
			if p != "tcp" && p != "udp" && p != "sctp" {
				t.Fatalf("%q: protocol %q", s, p)
			}
		}
	})
}

func FuzzParseMode(f *testing.F) {
	for _, s := range []string{"bridge", "none", "host", "ns:/x", "container:a", "net:ip=10.0.0.1,alias=x", "net:mac=92:d0:c6:0a:29:33", "../x", "a:b=c",
		"slirp4netns", "slirp4netns:mtu=1500,cidr=10.5.0.0/24", "slirp4netns:port_handler=rootlesskit", "pasta", "pasta:-t,8080,--map-gw", "pasta:,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMode(s, "podman")
		if err != nil {
			if !errors.Is(err, errdefs.ErrInvalidArgument) && !errors.Is(err, errdefs.ErrNotImplemented) {
				t.Fatalf("%q: error without a class: %v", s, err)
			}
			return
		}
		for name := range m.Networks {
			if CheckName(name) != nil {
				t.Fatalf("%q: network name %q would become a path", s, name)
			}
		}
		if m.Kind == KindSlirp && CheckSlirpOptionsForTest(m.Options) != nil {
			t.Fatalf("%q: slirp4netns options accepted that the check refuses: %v", s, m.Options)
		}
		for _, o := range m.Options {
			if o == "" {
				t.Fatalf("%q: empty option accepted", s)
			}
		}
		if m.Kind == KindPath && !strings.HasPrefix(m.Path, "/") {
			t.Fatalf("%q: relative path %q", s, m.Path)
		}
	})
}

func TestParseModeUserMode(t *testing.T) {
	good := map[string]Mode{
		"slirp4netns": {Kind: KindSlirp},
		"slirp4netns:allow_host_loopback=true,mtu=1500,cidr=10.5.0.0/24,enable_ipv6=false,port_handler=slirp4netns": {Kind: KindSlirp,
			Options: []string{"allow_host_loopback=true", "mtu=1500", "cidr=10.5.0.0/24", "enable_ipv6=false", "port_handler=slirp4netns"}},
		"pasta":                  {Kind: KindPasta},
		"pasta:--map-gw,-t,8080": {Kind: KindPasta, Options: []string{"--map-gw", "-t", "8080"}},
	}
	for in, want := range good {
		m, err := ParseMode(in, "podman")
		if err != nil || !reflect.DeepEqual(m, want) {
			t.Errorf("%q: got %+v, %v; want %+v", in, m, err, want)
		}
		if !OwnsNamespace(m.Kind) || !m.Publishes() || m.Joins() || !IsUserMode(m.Kind) {
			t.Errorf("%q: kind %s: wrong predicates", in, m.Kind)
		}
	}
	bad := map[string]string{
		"slirp4netns:":                         "empty option",
		"pasta:a,,b":                           "empty option",
		"slirp4netns:mtu=10":                   "mtu=10",
		"slirp4netns:mtu=x":                    "mtu=x",
		"slirp4netns:cidr=10.0.0.0":            "cidr=10.0.0.0",
		"slirp4netns:cidr=fd00::/64":           "cidr=fd00::/64",
		"slirp4netns:allow_host_loopback=yes":  "allow_host_loopback=yes",
		"slirp4netns:port_handler=rootlesskit": "port_handler=slirp4netns",
		"slirp4netns:port_handler=x":           "port_handler=x",
		"slirp4netns:nosuch=1":                 "nosuch",
		"slirp4netns:mtu":                      "KEY=VALUE",
		"slirp4netns:outbound_addr=":           "outbound_addr",
	}
	for in, want := range bad {
		_, err := ParseMode(in, "podman")
		if err == nil || !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--network") {
			t.Errorf("%q: want an invalid-argument error naming --network and %q, got %v", in, want, err)
		}
	}
	for _, k := range []string{KindBridge, KindNone, KindHost, KindPath, KindContainer} {
		if IsUserMode(k) {
			t.Errorf("%s is not user-mode", k)
		}
	}
}

func TestParseModes(t *testing.T) {
	m, err := ParseModes([]string{"n1:ip=10.1.0.5", "n2:alias=x", "n1:alias=y", "bridge"}, "podman")
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != KindBridge || len(m.Networks) != 3 {
		t.Fatalf("%+v", m)
	}
	if o := m.Networks["n1"]; len(o.StaticIPs) != 1 || !reflect.DeepEqual(o.Aliases, []string{"y"}) {
		t.Errorf("n1 merged: %+v", o)
	}
	if _, ok := m.Networks["podman"]; !ok {
		t.Errorf("bridge is the default network: %+v", m.Networks)
	}
	if err := m.ApplyFlags("10.1.0.9", "", "", nil); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("--ip with several networks: %v", err)
	}
	for _, vals := range [][]string{{"none", "n1"}, {"n1", "host"}, {"n1", "container:x"}, {"n1", "bad/name"}} {
		if _, err := ParseModes(vals, "podman"); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("%q: want an invalid-argument error, got %v", vals, err)
		}
	}
	if m, err := ParseModes([]string{"none"}, "podman"); err != nil || m.Kind != KindNone {
		t.Errorf("one value: %+v %v", m, err)
	}
}

func FuzzParseModes(f *testing.F) {
	f.Add("n1:ip=10.0.0.1", "n2:alias=x")
	f.Add("none", "n1")
	f.Add("bridge", "bridge")
	f.Add("n1:mac=92:d0:c6:0a:29:33", "n1:interface_name=eth3")
	f.Add("host", "")
	f.Fuzz(func(t *testing.T, a, b string) {
		m, err := ParseModes([]string{a, b}, "podman")
		if err != nil {
			if !errors.Is(err, errdefs.ErrInvalidArgument) && !errors.Is(err, errdefs.ErrNotImplemented) {
				t.Fatalf("%q %q: error without a class: %v", a, b, err)
			}
			return
		}
		if !m.Joins() || len(m.Networks) == 0 || len(m.Networks) > 2 {
			t.Fatalf("%q %q: two values accepted as %+v", a, b, m)
		}
		for name := range m.Networks {
			if CheckName(name) != nil {
				t.Fatalf("%q %q: network name %q would become a path", a, b, name)
			}
		}
	})
}

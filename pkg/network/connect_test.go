package network

import (
	"errors"
	"net"
	"strings"
	"testing"

	"go.podman.io/common/libnetwork/types"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func testNet(t *testing.T, cidrs ...string) Network {
	n := Network{Name: "n1"}
	for _, c := range cidrs {
		s, err := types.ParseCIDR(c)
		if err != nil {
			t.Fatal(err)
		}
		n.Subnets = append(n.Subnets, types.Subnet{Subnet: s})
	}
	return n
}

func TestConnectSpec(t *testing.T) {
	n := testNet(t, "10.5.0.0/24", "fd00:5::/64")
	p, err := ConnectSpec(n, ConnectOptions{IP: "10.5.0.7", IP6: "fd00:5::7", MAC: "92:d0:c6:0a:29:33", Aliases: []string{"a", "b.c"}})
	if err != nil || len(p.StaticIPs) != 2 || !p.StaticIPs[1].Equal(net.ParseIP("fd00:5::7")) || p.StaticMAC.String() != "92:d0:c6:0a:29:33" || len(p.Aliases) != 2 {
		t.Fatalf("%+v %v", p, err)
	}
	for _, o := range []ConnectOptions{
		{IP: "10.6.0.1"}, {IP: "fd00:5::1"}, {IP6: "10.5.0.1"}, {IP6: "fd00:6::1"}, {IP: "x"},
		{MAC: "zz"}, {Aliases: []string{"../x"}}, {Aliases: []string{""}},
	} {
		if _, err := ConnectSpec(n, o); !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), "--") {
			t.Errorf("%+v: want an invalid-argument error naming the flag, got %v", o, err)
		}
	}
	if err := CheckStaticIPs(n, PerNetworkOptions{StaticIPs: []net.IP{net.ParseIP("10.9.9.9")}}); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("CheckStaticIPs: %v", err)
	}
}

func TestAssignInterfaces(t *testing.T) {
	nets := map[string]PerNetworkOptions{"b": {}, "a": {}, "c": {InterfaceName: "eth0"}}
	AssignInterfaces(nets)
	if nets["a"].InterfaceName != "eth1" || nets["b"].InterfaceName != "eth2" || nets["c"].InterfaceName != "eth0" {
		t.Fatalf("%+v", nets)
	}
	// A new network takes the first free name; the others keep theirs.
	delete(nets, "c")
	nets["0new"] = PerNetworkOptions{}
	AssignInterfaces(nets)
	if nets["0new"].InterfaceName != "eth0" || nets["a"].InterfaceName != "eth1" || nets["b"].InterfaceName != "eth2" {
		t.Fatalf("%+v", nets)
	}
}

func FuzzConnectSpec(f *testing.F) {
	for _, s := range []string{"10.5.0.7", "fd00:5::7", "", "::ffff:10.5.0.1", "zz"} {
		f.Add(s, s, "92:d0:c6:0a:29:33", "alias")
	}
	n := Network{Name: "n1"}
	for _, c := range []string{"10.5.0.0/24", "fd00:5::/64"} {
		s, _ := types.ParseCIDR(c)
		n.Subnets = append(n.Subnets, types.Subnet{Subnet: s})
	}
	f.Fuzz(func(t *testing.T, ip, ip6, mac, alias string) {
		p, err := ConnectSpec(n, ConnectOptions{IP: ip, IP6: ip6, MAC: mac, Aliases: []string{alias}})
		if err != nil {
			if !errors.Is(err, errdefs.ErrInvalidArgument) {
				t.Fatalf("error without a class: %v", err)
			}
			return
		}
		for _, a := range p.StaticIPs {
			if !inSubnets(n, a) {
				t.Fatalf("%s accepted outside the subnets", a)
			}
		}
		if strings.ContainsAny(p.Aliases[0], "/ \n") {
			t.Fatalf("alias %q accepted", p.Aliases[0])
		}
	})
}

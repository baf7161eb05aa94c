package network

import (
	"encoding/json"
	"net"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/containernetworking/cni/libcni"
	current "github.com/containernetworking/cni/pkg/types/100"
	"go.podman.io/common/libnetwork/types"
)

// The restored cache file must read back through libcni as the result and
// configuration a DEL hands the plugins, in the list's own CNI version.
func TestWriteCNICacheReadsBackThroughLibcni(t *testing.T) {
	dir := t.TempDir()
	id := "0123456789abcdef"
	conf := []byte(`{"cniVersion":"0.4.0","name":"n\u00e9t-1","plugins":[{"type":"bridge","bridge":"cni-podman7"},{"type":"firewall"}]}`)
	_, addr, _ := net.ParseCIDR("10.190.7.2/24")
	addr.IP = net.ParseIP("10.190.7.2").To4()
	res := &current.Result{
		CNIVersion: current.ImplementedSpecVersion,
		Interfaces: []*current.Interface{{Name: "cni-podman7"}, {Name: "eth0", Mac: "aa:bb:cc:00:11:22", Sandbox: "/run/x/ns"}},
		IPs:        []*current.IPConfig{{Address: *addr, Interface: current.Int(1), Gateway: net.ParseIP("10.190.7.1")}},
	}
	entry := cniCacheEntry{
		Kind: libcni.CNICacheV1, ContainerID: id, Config: conf, IfName: "eth0", NetworkName: "n\u00e9t-1", NetNS: "/run/x/ns",
		CapabilityArgs: map[string]any{"portMappings": cniPortMappings([]types.PortMapping{{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}})},
	}
	file := filepath.Join(dir, "results", "n\u00e9t-1-"+id+"-eth0")
	if err := writeCNICache(file, res, &entry); err != nil {
		t.Fatal(err)
	}
	cni := libcni.NewCNIConfigWithCacheDir(nil, dir, nil)
	list, err := libcni.ConfListFromBytes(conf)
	if err != nil {
		t.Fatal(err)
	}
	rt := &libcni.RuntimeConf{ContainerID: id, IfName: "eth0", Args: [][2]string{{"K8S_POD_NAME", "c"}}}
	got, err := cni.GetNetworkListCachedResult(list, rt)
	if err != nil || got == nil {
		t.Fatalf("cached result: %v, %v", got, err)
	}
	if got.Version() != "0.4.0" {
		t.Errorf("version %s, want the list's 0.4.0", got.Version())
	}
	cur, err := current.NewResultFromResult(got)
	if err != nil {
		t.Fatal(err)
	}
	if len(cur.IPs) != 1 || cur.IPs[0].Address.String() != "10.190.7.2/24" || cur.Interfaces[0].Name != "cni-podman7" {
		t.Errorf("result %+v", cur)
	}
	b, newRt, err := cni.GetNetworkListCachedConfig(list, rt)
	if err != nil || string(b) != string(conf) {
		t.Fatalf("cached config %q, %v", b, err)
	}
	if !reflect.DeepEqual(newRt.Args, rt.Args) {
		t.Errorf("args %v, want libnetwork's %v kept", newRt.Args, rt.Args)
	}
	pm, _ := json.Marshal(newRt.CapabilityArgs["portMappings"])
	if string(pm) != `[{"containerPort":80,"hostPort":8080,"protocol":"tcp"}]` {
		t.Errorf("portMappings %s", pm)
	}
}

func TestCNIPortMappingsExpandsRangesAndProtocols(t *testing.T) {
	got := cniPortMappings([]types.PortMapping{
		{HostIP: "127.0.0.1", HostPort: 9000, ContainerPort: 90, Range: 2, Protocol: "tcp,udp"},
		{HostPort: 53, ContainerPort: 53, Protocol: "sctp"},
	})
	want := []cniPortMapping{
		{9000, 90, "tcp", "127.0.0.1"}, {9001, 91, "tcp", "127.0.0.1"},
		{9000, 90, "udp", "127.0.0.1"}, {9001, 91, "udp", "127.0.0.1"},
		{53, 53, "sctp", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestInDirsMatchesProgramOrScript(t *testing.T) {
	dirs := []string{"/usr/lib/cni/", "/opt/cni/bin"}
	for _, c := range []struct {
		argv []string
		want bool
	}{
		{[]string{"/usr/lib/cni/firewall"}, true},
		{[]string{"/bin/sh", "/opt/cni/bin/dnsname"}, true},
		{[]string{"/usr/sbin/dnsmasq", "-u", "root"}, false},
		{[]string{"/bin/sh", "-c", "/usr/lib/cni/x"}, false},
		{[]string{""}, false},
	} {
		if got := inDirs(dirs, c.argv); got != c.want {
			t.Errorf("inDirs(%q) = %v, want %v", c.argv, got, c.want)
		}
	}
}

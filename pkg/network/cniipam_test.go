package network

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.podman.io/common/pkg/config"
)

// The host-local directories of a network are read from its list (the
// default dataDir or the plugin's own), and a name that is not a plain
// network name never names a directory.
func TestHostLocalDirs(t *testing.T) {
	dir := t.TempDir()
	lists := map[string]string{
		"plain": `{"cniVersion":"0.4.0","name":"plain","plugins":[{"type":"bridge","ipam":{"type":"host-local"}},{"type":"firewall"}]}`,
		"own":   `{"cniVersion":"0.4.0","name":"own","plugins":[{"type":"macvlan","ipam":{"type":"host-local","dataDir":"/srv/ipam/"}}]}`,
		"dhcp":  `{"cniVersion":"0.4.0","name":"dhcp","plugins":[{"type":"macvlan","ipam":{"type":"dhcp"}}]}`,
	}
	for n, l := range lists {
		if err := os.WriteFile(filepath.Join(dir, n+".conflist"), []byte(l), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := &config.Config{}
	cfg.Network.NetworkConfigDir = dir
	m := New(cfg)
	for name, want := range map[string][]string{
		"plain":   {filepath.Join(cniIPAMDir, "plain")},
		"own":     {"/srv/ipam/own"},
		"dhcp":    nil,
		"missing": nil,
		"../etc":  nil,
		"a/b":     nil,
		"..":      nil,
	} {
		if got := m.hostLocalDirs(name); !reflect.DeepEqual(got, want) {
			t.Errorf("hostLocalDirs(%q) = %q, want %q", name, got, want)
		}
	}
}

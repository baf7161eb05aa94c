package libpod

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.podman.io/common/pkg/config"
)

// TestDefaultCapabilities: without a containers.conf setting
// default_capabilities the default is Podman 4.3.1's 14; a file that sets
// them decides.
func TestDefaultCapabilities(t *testing.T) {
	dir := t.TempDir()
	none := filepath.Join(dir, "none.conf")
	if err := os.WriteFile(none, []byte("[containers]\nlog_size_max = -1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	set := filepath.Join(dir, "set.conf")
	if err := os.WriteFile(set, []byte("[containers]\ndefault_capabilities = [\"CHOWN\", \"KILL\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file string
		want []string
	}{
		{none, podmanDefaultCapabilities},
		{set, []string{"CAP_CHOWN", "CAP_KILL"}},
	} {
		t.Setenv("CONTAINERS_CONF", tc.file)
		cfg, err := config.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.Containers.DefaultCapabilities.Get(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: default capabilities %v, want %v", filepath.Base(tc.file), got, tc.want)
		}
	}
	if len(podmanDefaultCapabilities) != 14 {
		t.Errorf("Podman 4.3.1 has 14 default capabilities, the list has %d", len(podmanDefaultCapabilities))
	}
	for _, c := range []string{"CAP_AUDIT_WRITE", "CAP_MKNOD", "CAP_NET_RAW"} {
		if !slices.Contains(config.DefaultCapabilities, c) {
			t.Errorf("%s missing", c)
		}
	}
}

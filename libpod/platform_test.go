package libpod

import (
	"runtime"
	"testing"

	"github.com/pod-engine/pod/pkg/imagestore"
)

// The cases Podman 4.3.1 was seen to take and refuse with --pull=never.
func TestPlatformMatches(t *testing.T) {
	host := runtime.GOARCH
	for _, c := range []struct {
		img             imagestore.Image
		os, arch, varnt string
		want            bool
	}{
		{imagestore.Image{OS: "linux", Architecture: host}, "", "", "", true},
		{imagestore.Image{OS: "linux", Architecture: host}, "linux", host, "", true},
		{imagestore.Image{OS: "linux", Architecture: host}, "", "", "v2", false},
		{imagestore.Image{OS: "linux", Architecture: host}, "", "s390x", "", false},
		{imagestore.Image{OS: "linux", Architecture: "arm64"}, "", "arm64", "v8", true},
		{imagestore.Image{OS: "linux", Architecture: "arm64"}, "", "arm64", "", true},
		{imagestore.Image{OS: "linux", Architecture: "arm64"}, "", "arm64", "v7", false},
		{imagestore.Image{OS: "linux", Architecture: "arm", Variant: "v7"}, "", "arm", "v7", true},
		{imagestore.Image{OS: "linux", Architecture: "arm", Variant: "v7"}, "", "arm", "v6", false}, // exact after normalizing, as libimage
		{imagestore.Image{OS: "linux", Architecture: "arm", Variant: "v6"}, "", "arm", "v7", false},
		{imagestore.Image{OS: "windows", Architecture: host}, "", "", "", false},
	} {
		o := &CreateOptions{}
		o.OS, o.Arch, o.Variant = c.os, c.arch, c.varnt
		if got := platformMatches(&c.img, o); got != c.want {
			t.Errorf("image %s/%s/%s, asked %q/%q/%q: %v, want %v", c.img.OS, c.img.Architecture, c.img.Variant, c.os, c.arch, c.varnt, got, c.want)
		}
	}
}

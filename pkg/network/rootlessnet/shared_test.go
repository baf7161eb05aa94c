package rootlessnet

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Podman 4.3 names the namespace "rootless-netns-" + hex(sha256(static dir)[:10]).
func TestSharedName(t *testing.T) {
	a := SharedName("/home/u/.local/share/containers/storage/libpod")
	if !regexp.MustCompile(`^rootless-netns-[0-9a-f]{20}$`).MatchString(a) {
		t.Fatalf("name %q", a)
	}
	// sha256("x") = 2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881
	if got := SharedName("x"); got != "rootless-netns-2d711642b726b0440162" {
		t.Fatalf("SharedName(x) = %q", got)
	}
	if a == SharedName("/other/libpod") {
		t.Fatal("two stores share a name")
	}
}

func TestWriteResolv(t *testing.T) {
	p := filepath.Join(t.TempDir(), "resolv.conf")
	if err := writeResolv(p, "10.0.2.3"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "nameserver 10.0.2.3" {
		t.Fatalf("first line %q", lines[0])
	}
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "nameserver 127.") || !(strings.HasPrefix(l, "nameserver ") || strings.HasPrefix(l, "search ") || strings.HasPrefix(l, "options ")) {
			t.Fatalf("line %q", l)
		}
	}
}

func TestIsNetNSOnAFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if isNetNS(p) || isNetNS(p+"-missing") {
		t.Fatal("a plain or missing file taken for a namespace")
	}
	if !isNetNS("/proc/self/ns/net") {
		t.Skip("nsfs not visible here")
	}
}

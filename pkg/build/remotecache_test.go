package build

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"go.podman.io/storage/pkg/idtools"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestCacheRepo(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:5000/cache": "127.0.0.1:5000/cache",
		"quay.io/a/b":          "quay.io/a/b",
		"busybox":              "docker.io/library/busybox",
	} {
		got, err := CacheRepo("--cache-to", in)
		if err != nil || got != want {
			t.Errorf("CacheRepo(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"quay.io/a/b:1", "quay.io/a@sha256:0000000000000000000000000000000000000000000000000000000000000000", "Bad//Repo", ""} {
		if _, err := CacheRepo("--cache-from", in); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("CacheRepo(%q): %v, want an invalid-argument error", in, err)
		}
	}
}

func TestHostOwnerAndMkdirOwned(t *testing.T) {
	m := idtools.NewIDMappingsFromMaps([]idtools.IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}},
		[]idtools.IDMap{{ContainerID: 0, HostID: 200000, Size: 65536}})
	if u, g := hostOwner(m, 5, 6); u != 100005 || g != 200006 {
		t.Errorf("hostOwner = %d:%d", u, g)
	}
	if u, g := hostOwner(nil, 5, 6); u != 5 || g != 6 {
		t.Errorf("hostOwner without maps = %d:%d", u, g)
	}
	if os.Geteuid() != 0 {
		t.Skip("chown needs root")
	}
	d := t.TempDir()
	if err := mkdirOwned(m, filepath.Join(d, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]uint32{filepath.Join(d, "a"): 100000, filepath.Join(d, "a", "b"): 100000} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if uid := st.Sys().(*syscall.Stat_t).Uid; uid != want {
			t.Errorf("%s owned by %d, want %d", p, uid, want)
		}
	}
}

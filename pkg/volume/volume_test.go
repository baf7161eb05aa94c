package volume

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestValidateName(t *testing.T) {
	for _, n := range []string{"a", "v1", "my.vol-1_x", "0", strings.Repeat("a", 253)} {
		if err := ValidateName(n); err != nil {
			t.Errorf("%q: %v", n, err)
		}
	}
	for _, n := range []string{"", ".", "..", "../x", "/", "a/b", "-x", "_x", ".x", "a b", "a\x00b", "a\nb", "é", "a:b", strings.Repeat("a", 254)} {
		if err := ValidateName(n); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("%q: want invalid, got %v", n, err)
		}
	}
}

func TestParseOptions(t *testing.T) {
	rec, uid, gid, noCopy, err := ParseOptions(map[string]string{"type": "tmpfs", "device": "tmpfs", "o": "uid=1000,size=2m,mode=0700"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"type": "tmpfs", "device": "tmpfs", "o": "uid=1000,size=2m,mode=0700", "UID": "1000"}
	if !reflect.DeepEqual(rec, want) || uid == nil || *uid != 1000 || gid != nil || noCopy {
		t.Errorf("got %v %v %v %v", rec, uid, gid, noCopy)
	}
	rec, _, gid, noCopy, err = ParseOptions(map[string]string{"GID": "5", "nocopy": ""})
	if err != nil || gid == nil || *gid != 5 || !noCopy || rec["GID"] != "5" {
		t.Errorf("got %v %v %v %v", rec, gid, noCopy, err)
	}
	for opts, frag := range map[string]string{
		"foo=bar":    "invalid mount option foo for driver 'local'",
		"uid=-1":     "non-negative",
		"o=gid=x":    "gid",
		"size=10m":   "not supported",
		"o=size=1m":  "not supported",
		"type=a\x00": "invalid characters",
	} {
		k, v, _ := strings.Cut(opts, "=")
		_, _, _, _, err := ParseOptions(map[string]string{k: v})
		if err == nil || !strings.Contains(err.Error(), frag) {
			t.Errorf("%q: want %q, got %v", opts, frag, err)
		}
	}
}

func TestCreateRemove(t *testing.T) {
	root := filepath.Join(t.TempDir(), "volumes")
	uid := os.Getuid()
	c := &Config{Name: "v1", UID: &uid}
	if err := Create(root, c); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(DataDir(root, "v1"))
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o755 {
		t.Fatalf("data dir: %v %v", fi, err)
	}
	if err := Create(root, c); !errors.Is(err, errdefs.ErrAlreadyExists) {
		t.Fatalf("second create: %v", err)
	}
	if err := Create(root, &Config{Name: "../x"}); err == nil {
		t.Fatal("created ../x")
	}
	if _, err := os.Stat(filepath.Join(root, "..", "x")); err == nil {
		t.Fatal("../x exists")
	}
	if err := os.WriteFile(filepath.Join(DataDir(root, "v1"), "f"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Remove(root, c); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(Dir(root, "v1")); !os.IsNotExist(err) {
		t.Fatalf("left: %v", err)
	}
}

func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{"type=tmpfs", "o=uid=1,gid=2", "device=/dev/x", "uid=5", "o=bind", "nocopy=", "size=1g", "o=size=1m,nr_inodes=5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		opts := map[string]string{}
		for _, kv := range strings.Split(s, "\n") {
			k, v, _ := strings.Cut(kv, "=")
			opts[k] = v
		}
		rec, uid, gid, _, err := ParseOptions(opts)
		if err != nil {
			if !errors.Is(err, errdefs.ErrInvalidArgument) && !errors.Is(err, errdefs.ErrNotImplemented) {
				t.Fatalf("%q: unclassed error %v", s, err)
			}
			return
		}
		for k, v := range rec {
			switch k {
			case "type", "device", "o", "UID", "GID":
			default:
				t.Fatalf("%q: recorded key %q", s, k)
			}
			if strings.ContainsAny(v, "\x00\n") {
				t.Fatalf("%q: recorded %q=%q", s, k, v)
			}
		}
		if (uid != nil && *uid < 0) || (gid != nil && *gid < 0) {
			t.Fatalf("%q: negative id", s)
		}
	})
}

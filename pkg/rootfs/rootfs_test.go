package rootfs

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"go.podman.io/storage/pkg/reexec"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestMain(m *testing.M) {
	// chrootarchive re-executes the test binary for its chrooted helper.
	if reexec.Init() {
		return
	}
	os.Exit(m.Run())
}

func needRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chrooting into a root filesystem needs root")
	}
}

// hostileRoot is a container root whose symlinks point out of it: at the
// host's /etc, past the root with "..", and at a directory of the host.
func hostileRoot(t *testing.T) (root, hostDir string) {
	t.Helper()
	base := t.TempDir()
	root, hostDir = filepath.Join(base, "root"), filepath.Join(base, "host")
	for _, d := range []string{root + "/etc", root + "/tmp", hostDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	must(t, os.WriteFile(root+"/etc/marker", []byte("container"), 0o644))
	must(t, os.WriteFile(hostDir+"/secret", []byte("host"), 0o644))
	must(t, os.Symlink("/etc", root+"/abs"))
	must(t, os.Symlink("../../../../../../etc", root+"/rel"))
	must(t, os.Symlink(hostDir, root+"/tohost"))
	return root, hostDir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ctr(root, p string) Location { return Location{Root: root, Path: p, Where: "container c"} }

func TestResolveStaysInside(t *testing.T) {
	root, hostDir := hostileRoot(t)
	for p, want := range map[string]string{
		"/abs/marker":    root + "/etc/marker",
		"/rel/marker":    root + "/etc/marker",
		"../../etc":      root + "/etc",
		"/tohost/secret": root + hostDir + "/secret",
	} {
		got, err := ctr(root, p).Resolve()
		if err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", p, got, err, want)
		}
	}
	_, err := StatSource(ctr(root, "/tohost/secret"))
	if !errors.Is(err, errdefs.ErrNotFound) || err.Error() != `"/tohost/secret" could not be found on container c: no such file or directory: not found` {
		t.Fatalf("a host file reached through a symlink: %v", err)
	}
}

func copyFile(t *testing.T, from, to Location) error {
	t.Helper()
	src, err := StatSource(from)
	if err != nil {
		return err
	}
	dst, err := StatDest(to)
	if err != nil {
		return err
	}
	dir, name, err := dst.Target(src, false)
	if err != nil {
		return err
	}
	r, err := src.Tar(name)
	if err != nil {
		return err
	}
	defer r.Close()
	return dst.Extract(r, dir, ExtractOptions{})
}

func TestCopyIntoHostileRoot(t *testing.T) {
	needRoot(t)
	root, hostDir := hostileRoot(t)
	payload := filepath.Join(t.TempDir(), "payload")
	must(t, os.WriteFile(payload, []byte("data\x00\xff"), 0o644))
	host := Location{Root: "/", Path: payload, Where: "the host"}
	must(t, os.MkdirAll(root+hostDir, 0o755))
	for _, p := range []string{"/tohost/", "/rel/", "/abs/p2"} {
		if err := copyFile(t, host, ctr(root, p)); err != nil {
			t.Fatalf("copy to %s: %v", p, err)
		}
	}
	if _, err := os.Stat(hostDir + "/payload"); err == nil {
		t.Fatal("the copy went through the symlink onto the host")
	}
	for _, p := range []string{root + hostDir + "/payload", root + "/etc/payload", root + "/etc/p2"} {
		if b, err := os.ReadFile(p); err != nil || string(b) != "data\x00\xff" {
			t.Errorf("%s: %q, %v", p, b, err)
		}
	}
	// And back out, under a new name.
	out := filepath.Join(t.TempDir(), "back")
	must(t, copyFile(t, ctr(root, "/rel/payload"), Location{Root: "/", Path: out, Where: "the host"}))
	if b, _ := os.ReadFile(out); string(b) != "data\x00\xff" {
		t.Fatalf("copied back %q", b)
	}
}

func TestTargetRules(t *testing.T) {
	root := t.TempDir()
	must(t, os.MkdirAll(root+"/dir/sub", 0o755))
	must(t, os.WriteFile(root+"/file", nil, 0o644))
	srcDir, err := StatSource(ctr(root, "/dir"))
	must(t, err)
	srcContents, err := StatSource(ctr(root, "/dir/."))
	must(t, err)
	srcFile, err := StatSource(ctr(root, "/file"))
	must(t, err)
	cases := []struct {
		src       *Source
		dst       string
		overwrite bool
		dir, name string
		fail      bool
	}{
		{srcFile, "/dir", false, "/dir", "file", false},
		{srcDir, "/dir/sub", false, "/dir/sub", "dir", false},
		{srcContents, "/dir/sub", false, "/dir/sub", ".", false},
		{srcFile, "/new", false, "/", "new", false},
		{srcDir, "/file", false, "", "", true},
		{srcDir, "/file", true, "/", "file", false},
	}
	for _, c := range cases {
		d, err := StatDest(ctr(root, c.dst))
		must(t, err)
		dir, name, err := d.Target(c.src, c.overwrite)
		if c.fail != (err != nil) {
			t.Errorf("%s -> %s: err %v", c.src.Loc.Path, c.dst, err)
			continue
		}
		if !c.fail && (dir != filepath.Join(root, c.dir) || name != c.name) {
			t.Errorf("%s -> %s: %s %s, want %s %s", c.src.Loc.Path, c.dst, dir, name, c.dir, c.name)
		}
	}
	if _, err := StatDest(ctr(root, "/nodir/x")); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("missing parent: %v", err)
	}
	if _, err := StatDest(ctr(root, "/missing/")); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("missing directory: %v", err)
	}
}

func tarOf(t *testing.T, names ...string) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, n := range names {
		must(t, tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: 1, Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte("x"))
		must(t, err)
	}
	must(t, tw.Close())
	return b.Bytes()
}

func TestPrefixNames(t *testing.T) {
	r := prefixNames(bytes.NewReader(tarOf(t, "a", "/abs", "./d/b", "d/../c")), "srv/x")
	tr := tar.NewReader(r)
	var got []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		must(t, err)
		got = append(got, h.Name)
	}
	want := []string{"srv/x/a", "srv/x/abs", "srv/x/d/b", "srv/x/c"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	for _, evil := range []string{"../x", "a/../../x", ".."} {
		if _, err := io.ReadAll(prefixNames(bytes.NewReader(tarOf(t, evil)), "srv")); err == nil {
			t.Errorf("%q was not refused", evil)
		}
	}
}

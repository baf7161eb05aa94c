package imagestore

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	"github.com/sirupsen/logrus"
	"go.podman.io/storage"
	"go.podman.io/storage/pkg/reexec"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	// storage re-executes the test binary for chrooted layer extraction.
	if reexec.Init() {
		return
	}
	logrus.SetLevel(logrus.WarnLevel) // storage logs its driver choice at info
	os.Exit(m.Run())
}

func needRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: go.podman.io/storage overlay/vfs layers")
	}
}

// testRoots returns fresh graph and run roots that are cleaned up (with
// every mount below them) when the test ends.
func testRoots(t testing.TB) (string, string) {
	t.Helper()
	dir := t.TempDir()
	t.Cleanup(func() { unmountUnder(t, dir) })
	return filepath.Join(dir, "root"), filepath.Join(dir, "run")
}

// openTestStore opens a store in fresh roots; it is shut down (forcing
// unmounts) at the end of the test.
func openTestStore(t testing.TB, extra ...func(*Options)) *Store {
	t.Helper()
	needRoot(t)
	g, r := testRoots(t)
	o := Options{GraphRoot: g, RunRoot: r, RegistriesConf: filepath.Join(t.TempDir(), "registries.conf"), RegistriesConfDir: t.TempDir()}
	if err := os.WriteFile(o.RegistriesConf, []byte("unqualified-search-registries = []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range extra {
		f(&o)
	}
	st, err := Open(o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { st.Shutdown(true) })
	return st
}

// unmountUnder lazily unmounts every mount point below dir, deepest first,
// so t.TempDir can remove it.
func unmountUnder(t testing.TB, dir string) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return
	}
	defer f.Close()
	var mounts []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 4 && (fields[4] == dir || strings.HasPrefix(fields[4], dir+"/")) {
			mounts = append(mounts, fields[4])
		}
	}
	sort.Slice(mounts, func(i, j int) bool { return len(mounts[i]) > len(mounts[j]) })
	for _, m := range mounts {
		if err := unix.Unmount(m, unix.MNT_DETACH); err != nil {
			t.Logf("unmounting %s: %v", m, err)
		}
	}
}

// busyboxTar returns an uncompressed rootfs tarball: /bin/busybox with a few
// applets, /etc/passwd and /etc/group, plus extra files.
func busyboxTar(t testing.TB, extra map[string]string) []byte {
	t.Helper()
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Skip("needs /bin/busybox (busybox-static)")
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mt := time.Unix(0, 0)
	dir := func(name string, mode int64) {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, ModTime: mt}); err != nil {
			t.Fatal(err)
		}
	}
	file := func(name string, mode int64, data []byte) {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: mt}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	dir("bin", 0o755)
	dir("etc", 0o755)
	dir("tmp", 0o1777)
	file("bin/busybox", 0o755, bb)
	for _, a := range []string{"sh", "true", "echo", "cat", "sleep", "ls"} {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: "bin/" + a, Linkname: "busybox", Mode: 0o777, ModTime: mt}); err != nil {
			t.Fatal(err)
		}
	}
	file("etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/bin/sh\n"))
	file("etc/group", 0o644, []byte("root:x:0:\n"))
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		file(k, 0o644, []byte(extra[k]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testImage describes an image makeImage writes the way containers/image's
// storage destination does: layers, then an image whose big data holds the
// config blob (key = config digest) and the manifest (key "manifest").
type testImage struct {
	names  []string
	layers [][]byte // uncompressed layer tarballs, base first
	config map[string]any
}

func makeImage(t testing.TB, st *Store, ti testImage) string {
	t.Helper()
	s := st.Storage()
	parent := ""
	var diffIDs []string
	var layerDescs []map[string]any
	for _, l := range ti.layers {
		layer, _, err := s.PutLayer("", parent, nil, "", false, nil, bytes.NewReader(l))
		if err != nil {
			t.Fatalf("PutLayer: %v", err)
		}
		parent = layer.ID
		d := digest.FromBytes(l).String()
		diffIDs = append(diffIDs, d)
		layerDescs = append(layerDescs, map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": len(l)})
	}
	cfg := map[string]any{
		"created": "2024-01-02T03:04:05Z", "architecture": "amd64", "os": "linux",
		"rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs},
	}
	if ti.config != nil {
		cfg["config"] = ti.config
	}
	cfgBytes, _ := json.Marshal(cfg)
	cd := digest.FromBytes(cfgBytes)
	man, _ := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		"config": map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd.String(), "size": len(cfgBytes)},
		"layers": layerDescs,
	})
	md := digest.FromBytes(man)
	img, err := s.CreateImage(cd.Encoded(), ti.names, parent, "", &storage.ImageOptions{
		Digest: md,
		BigData: []storage.ImageBigDataOption{
			{Key: cd.String(), Data: cfgBytes, Digest: cd},
			{Key: storage.ImageDigestBigDataKey, Data: man, Digest: md},
			{Key: storage.ImageDigestManifestBigDataNamePrefix + "-" + md.String(), Data: man, Digest: md},
		},
	})
	if err != nil {
		t.Fatalf("CreateImage: %v", err)
	}
	return img.ID
}

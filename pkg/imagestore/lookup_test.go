package imagestore

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/opencontainers/go-digest"
	"github.com/pod-engine/pod/pkg/errdefs"
	"go.podman.io/image/v5/pkg/sysregistriesv2"
	"go.podman.io/storage"
)

func TestLookupImage(t *testing.T) {
	st := openTestStore(t)
	layer := busyboxTar(t, nil)
	mk := func(names []string, label string) string {
		return makeImage(t, st, testImage{names: names, layers: [][]byte{layer}, config: map[string]any{
			"Cmd": []string{"sh"}, "Labels": map[string]string{"which": label},
		}})
	}
	hub := mk([]string{"docker.io/library/busybox:latest"}, "hub")
	local := mk([]string{"localhost/busybox:latest"}, "local")
	quay := mk([]string{"quay.io/org/tool:1.0"}, "quay")
	hubImg, err := st.Storage().Image(hub)
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, wantID, wantResolved string
	}{
		{"busybox", local, "localhost/busybox:latest"}, // localhost/ wins over docker.io
		{"busybox:latest", local, "localhost/busybox:latest"},
		{"localhost/busybox", local, "localhost/busybox:latest"},
		{"docker.io/library/busybox", hub, "docker.io/library/busybox:latest"},
		{"docker.io/busybox:latest", hub, "docker.io/library/busybox:latest"},
		{"library/busybox", hub, "docker.io/library/busybox:latest"},
		{hub, hub, "docker.io/library/busybox:latest"},
		{"sha256:" + hub, hub, "docker.io/library/busybox:latest"},
		{hub[:12], hub, "docker.io/library/busybox:latest"},
		{"tool:1.0", quay, "quay.io/org/tool:1.0"},     // Podman's repo-suffix match
		{"org/tool:1.0", quay, "quay.io/org/tool:1.0"}, // ditto
		{"busybox@" + hubImg.Digest.String(), hub, "docker.io/library/busybox@" + hubImg.Digest.String()},
		{"busybox:tag@" + hubImg.Digest.String(), hub, "docker.io/library/busybox@" + hubImg.Digest.String()},
	}
	for _, c := range cases {
		img, err := st.LookupImage(c.name)
		if err != nil {
			t.Errorf("LookupImage(%q): %v", c.name, err)
			continue
		}
		if img.ID != c.wantID || img.ResolvedName != c.wantResolved {
			t.Errorf("LookupImage(%q) = %s as %q, want %s as %q", c.name, img.ID[:12], img.ResolvedName, c.wantID[:12], c.wantResolved)
		}
	}

	for _, name := range []string{"nosuch", "tool", "quay.io/org/tool", "docker.io/library/busybox:v2", "0123456789ab"} {
		_, err := st.LookupImage(name)
		if !errors.Is(err, errdefs.ErrNotFound) {
			t.Errorf("LookupImage(%q) = %v, want ErrNotFound", name, err)
			continue
		}
		if want := name + ": image not known"; err.Error() != want {
			t.Errorf("LookupImage(%q) error text %q, want %q", name, err, want)
		}
		if ok, err := st.ImageExists(name); ok || err != nil {
			t.Errorf("ImageExists(%q) = %v, %v", name, ok, err)
		}
	}
	for _, name := range []string{"", "Busybox", "sha256:abc", "a b"} {
		if _, err := st.LookupImage(name); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("LookupImage(%q) = %v, want ErrInvalidArgument", name, err)
		}
	}
	if ok, err := st.ImageExists("busybox"); !ok || err != nil {
		t.Errorf("ImageExists(busybox) = %v, %v", ok, err)
	}

	// A short-name alias (shortnames.conf) comes before localhost/.
	if err := os.WriteFile(filepath.Join(st.registriesConfDir, "shortnames.conf"), []byte("[aliases]\n\"busybox\" = \"docker.io/library/busybox\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sysregistriesv2.InvalidateCache() // parsed configs are cached per process
	img, err := st.LookupImage("busybox")
	if err != nil || img.ID != hub || img.ResolvedName != "docker.io/library/busybox:latest" {
		t.Errorf("LookupImage(busybox) with alias = %v, %v; want %s", img, err, hub)
	}
}

// TestLookupRegistriesConf checks that short names follow registries.conf's
// unqualified-search-registries order, as Podman's local lookup does.
func TestLookupRegistriesConf(t *testing.T) {
	needRoot(t)
	layer := busyboxTar(t, nil)
	for _, c := range []struct{ search, want string }{
		{`["127.0.0.1:5000", "example.com"]`, "127.0.0.1:5000/app:latest"},
		{`["example.com", "127.0.0.1:5000"]`, "example.com/app:latest"},
	} {
		conf := filepath.Join(t.TempDir(), "registries.conf")
		if err := os.WriteFile(conf, []byte("unqualified-search-registries = "+c.search+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		st := openTestStore(t, func(o *Options) { o.RegistriesConf = conf })
		a := makeImage(t, st, testImage{names: []string{"127.0.0.1:5000/app:latest"}, layers: [][]byte{layer}, config: map[string]any{"Env": []string{"A=1"}}})
		b := makeImage(t, st, testImage{names: []string{"example.com/app:latest"}, layers: [][]byte{layer}, config: map[string]any{"Env": []string{"B=1"}}})
		img, err := st.LookupImage("app")
		if err != nil {
			t.Fatalf("search %s: %v", c.search, err)
		}
		if img.ResolvedName != c.want {
			t.Errorf("search %s: resolved %q, want %q", c.search, img.ResolvedName, c.want)
		}
		wantID := a
		if c.want == "example.com/app:latest" {
			wantID = b
		}
		if img.ID != wantID {
			t.Errorf("search %s: ID %s, want %s", c.search, img.ID, wantID)
		}
	}
}

func TestImageConfig(t *testing.T) {
	st := openTestStore(t)
	id := makeImage(t, st, testImage{
		names:  []string{"localhost/cfg:1"},
		layers: [][]byte{busyboxTar(t, nil)},
		config: map[string]any{
			"Entrypoint":   []string{"/bin/sh", "-c"},
			"Cmd":          []string{"echo hi"},
			"Env":          []string{"PATH=/bin", "A=b"},
			"WorkingDir":   "/tmp",
			"User":         "1000:1000",
			"StopSignal":   "SIGUSR1",
			"Labels":       map[string]string{"k": "v"},
			"ExposedPorts": map[string]any{"80/tcp": map[string]any{}, "53/udp": map[string]any{}},
			"Volumes":      map[string]any{"/data": map[string]any{}},
		},
	})
	img, err := st.LookupImage("localhost/cfg:1")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Entrypoint: []string{"/bin/sh", "-c"}, Cmd: []string{"echo hi"}, Env: []string{"PATH=/bin", "A=b"},
		WorkingDir: "/tmp", User: "1000:1000", StopSignal: "SIGUSR1", Labels: map[string]string{"k": "v"},
		ExposedPorts: []string{"53/udp", "80/tcp"}, Volumes: []string{"/data"},
	}
	if !reflect.DeepEqual(img.Config, want) {
		t.Errorf("config = %+v\nwant     %+v", img.Config, want)
	}
	if img.ID != id || img.OS != "linux" || img.Architecture != "amd64" || img.Created.Year() != 2024 || img.Digest == "" || img.TopLayer == "" {
		t.Errorf("image = %+v", img)
	}
	if !reflect.DeepEqual(img.Names, []string{"localhost/cfg:1"}) {
		t.Errorf("names = %v", img.Names)
	}
}

// TestManifestListInstance: a name that points at a manifest list resolves
// to the local instance for this platform.
func TestManifestListInstance(t *testing.T) {
	st := openTestStore(t)
	layer := busyboxTar(t, nil)
	inst := makeImage(t, st, testImage{names: nil, layers: [][]byte{layer}, config: map[string]any{"Cmd": []string{"inst"}}})
	instImg, err := st.Storage().Image(inst)
	if err != nil {
		t.Fatal(err)
	}
	index, _ := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
		"manifests": []map[string]any{
			{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest.FromString("other").String(), "size": 1, "platform": map[string]string{"os": "linux", "architecture": "s390x"}},
			{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": instImg.Digest.String(), "size": 1, "platform": map[string]string{"os": runtime.GOOS, "architecture": runtime.GOARCH}},
		},
	})
	id := digest.FromBytes(index)
	if _, err := st.Storage().CreateImage(id.Encoded(), []string{"example.com/multi:latest"}, "", "", &storage.ImageOptions{
		Digest:  id,
		BigData: []storage.ImageBigDataOption{{Key: storage.ImageDigestBigDataKey, Data: index, Digest: id}},
	}); err != nil {
		t.Fatal(err)
	}
	img, err := st.LookupImage("example.com/multi")
	if err != nil {
		t.Fatal(err)
	}
	if img.ID != inst || !reflect.DeepEqual(img.Config.Cmd, []string{"inst"}) {
		t.Errorf("list resolved to %s %v, want instance %s", img.ID, img.Config.Cmd, inst)
	}
}

func TestStoreOptions(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "storage.conf")
	if err := os.WriteFile(conf, []byte(`[storage]
driver = "vfs"
graphroot = "`+dir+`/g"
runroot = "`+dir+`/r"
[storage.options.overlay]
mountopt = "nodev"
`), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := StoreOptions(Options{StorageConf: conf})
	if err != nil {
		t.Fatal(err)
	}
	if o.GraphRoot != dir+"/g" || o.RunRoot != dir+"/r" || o.GraphDriverName != "vfs" {
		t.Errorf("from file: %+v", o)
	}
	o, err = StoreOptions(Options{StorageConf: conf, GraphRoot: dir + "/G", Driver: "overlay", DriverOpts: []string{"overlay.mountopt=nodev"}})
	if err != nil {
		t.Fatal(err)
	}
	if o.GraphRoot != dir+"/G" || o.RunRoot != dir+"/r" || o.GraphDriverName != "overlay" || !reflect.DeepEqual(o.GraphDriverOptions, []string{"overlay.mountopt=nodev"}) {
		t.Errorf("overridden: %+v", o)
	}
	// CONTAINERS_STORAGE_CONF is storage's own variable; it is honoured
	// through storage's defaults in a fresh process, so only check the
	// explicit override path here, and that a missing file is an error.
	if _, err := StoreOptions(Options{StorageConf: filepath.Join(dir, "nope.conf")}); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("missing storage.conf: %v", err)
	}
}

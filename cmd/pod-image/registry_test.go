package main

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/opencontainers/go-digest"
	"github.com/pod-engine/pod/pkg/imagestore"
)

func TestPushPullPolicies(t *testing.T) {
	reg := startRegistry(t, "")
	e := newEnv(t)
	e.writeRegistriesConf(reg.addr)
	id := e.importBusybox("localhost/busybox")
	ref := reg.addr + "/podtest/bb:latest"

	r := e.pi(0, "push", "localhost/busybox", ref)
	for _, s := range []string{"Getting image source signatures", "Copying blob sha256:", "Copying config sha256:" + id, "Writing manifest to image destination"} {
		contains(t, r.stderr, s, "push progress")
	}
	digestFile := filepath.Join(e.dir, "digest")
	e.pi(0, "push", "-q", "--digestfile", digestFile, "localhost/busybox", reg.addr+"/podtest/bb:2")
	if b, err := os.ReadFile(digestFile); err != nil || !strings.HasPrefix(string(b), "sha256:") {
		t.Errorf("--digestfile: %q, %v", b, err)
	}

	e.pi(0, "rmi", "localhost/busybox")
	r = e.pi(0, "pull", ref)
	if r.stdout != id {
		t.Errorf("pull printed %q, want the image ID %s", r.stdout, id)
	}
	for _, s := range []string{"Trying to pull " + ref + "...", "Getting image source signatures", "Copying blob sha256:", "Copying config sha256:" + id, "Writing manifest to image destination"} {
		contains(t, r.stderr, s, "pull progress")
	}
	// -q prints only the ID.
	if r = e.pi(0, "pull", "-q", ref); r.stdout != id || r.stderr != "" {
		t.Errorf("pull -q: %s", r)
	}
	// The lifecycle side sees the pulled image under its registry name.
	img, err := e.store().LookupImage(ref)
	if err != nil || img.ID != id || strings.Join(img.Config.Cmd, " ") != "sh" {
		t.Errorf("imagestore after pull: %+v, %v", img, err)
	}

	// Short name via unqualified-search-registries.
	e.pi(0, "rmi", ref)
	r = e.pi(0, "pull", "podtest/bb")
	contains(t, r.stderr, "Trying to pull "+ref+"...", "short-name pull")
	if r.stdout != id {
		t.Errorf("short-name pull printed %q", r.stdout)
	}

	// Policies. missing/newer with the image present do not need the
	// registry: a name that exists only locally still succeeds.
	e.pi(0, "tag", ref, reg.addr+"/podtest/localonly:1")
	for _, p := range []string{"missing", "never"} {
		if r = e.pi(0, "pull", "--policy", p, reg.addr+"/podtest/localonly:1"); r.stdout != id || strings.Contains(r.stderr, "Trying to pull") {
			t.Errorf("--policy %s with the image present: %s", p, r)
		}
	}
	r = e.pi(125, "pull", "--policy", "always", "--retry", "0", reg.addr+"/podtest/localonly:1")
	contains(t, r.stderr, "Trying to pull "+reg.addr+"/podtest/localonly:1", "--policy always contacts the registry")
	contains(t, r.stderr, "manifest unknown", "--policy always of a name the registry lacks")
	r = e.pi(125, "pull", "--policy", "never", reg.addr+"/podtest/bb:2")
	contains(t, r.stderr, "Error: "+reg.addr+"/podtest/bb:2: image not known", "--policy never of a missing image")
	if r = e.pi(0, "pull", "--policy", "missing", reg.addr+"/podtest/bb:2"); r.stdout != id {
		t.Errorf("--policy missing of a missing image: %s", r)
	}
	if r = e.pi(0, "pull", "--policy", "newer", ref); r.stdout != id {
		t.Errorf("--policy newer: %s", r)
	}
	r = e.pi(125, "pull", "--policy", "sometimes", ref)
	contains(t, r.stderr, "sometimes", "bad --policy")

	// --tls-verify: a registry registries.conf does not mark insecure needs
	// --tls-verify=false for plain HTTP.
	e.writeRegistriesConf()
	r = e.pi(125, "pull", "--retry", "0", "--policy", "always", ref)
	contains(t, r.stderr, "server gave HTTP response to HTTPS client", "pull over HTTP with TLS verification")
	if r = e.pi(0, "pull", "-q", "--tls-verify=false", "--policy", "always", ref); r.stdout != id {
		t.Errorf("pull --tls-verify=false: %s", r)
	}
	e.writeRegistriesConf(reg.addr)

	// Errors: unknown repository, unreachable registry, bad arguments.
	r = e.pi(125, "pull", "--retry", "0", reg.addr+"/nosuch/image:1")
	contains(t, r.stderr, "Error: ", "pull of an unknown repository")
	contains(t, r.stderr, "manifest unknown", "pull of an unknown repository")
	e.pi(125, "pull")
	r = e.pi(125, "pull", "--platform", "linux", ref)
	contains(t, r.stderr, "invalid platform", "bad --platform")
}

func TestRegistryAuth(t *testing.T) {
	reg := startRegistry(t, "tester:s3cret")
	e := newEnv(t)
	e.writeRegistriesConf(reg.addr)
	id := e.importBusybox("localhost/busybox")
	ref := reg.addr + "/private/bb:1"

	r := e.pi(125, "push", "--retry", "0", "localhost/busybox", ref)
	contains(t, r.stderr, "authentication required", "push without credentials")
	e.pi(0, "push", "-q", "--creds", "tester:s3cret", "localhost/busybox", ref)
	e.pi(0, "rmi", "localhost/busybox")

	r = e.piStdin(125, strings.NewReader("wrong\n"), "login", "-u", "tester", "--password-stdin", reg.addr)
	contains(t, r.stderr, "invalid username/password", "login with a wrong password")
	r = e.piStdin(0, strings.NewReader("s3cret\n"), "login", "-u", "tester", "--password-stdin", reg.addr)
	contains(t, r.stdout, "Login Succeeded!", "login")
	b, err := os.ReadFile(e.authFile)
	if err != nil || !strings.Contains(string(b), reg.addr) {
		t.Fatalf("auth file after login: %s, %v", b, err)
	}
	if r = e.pi(0, "pull", "-q", ref); r.stdout != id {
		t.Errorf("pull with the stored login: %s", r)
	}
	e.pi(0, "rmi", ref)
	r = e.pi(0, "logout", reg.addr)
	contains(t, r.stdout, "Removed login credentials for "+reg.addr, "logout")
	r = e.pi(125, "pull", "--retry", "0", ref)
	contains(t, r.stderr, "authentication required", "pull after logout")
	if r = e.pi(0, "pull", "-q", "--creds", "tester:s3cret", ref); r.stdout != id {
		t.Errorf("pull --creds: %s", r)
	}
	// An explicit --authfile, and login with -p.
	af := filepath.Join(e.dir, "other-auth.json")
	e.pi(0, "login", "--authfile", af, "-u", "tester", "-p", "s3cret", reg.addr)
	e.pi(0, "rmi", ref)
	e.pi(0, "pull", "-q", "--authfile", af, ref)
	r = e.pi(125, "pull", "--authfile", filepath.Join(e.dir, "nosuch.json"), ref)
	contains(t, r.stderr, "nosuch.json", "missing --authfile")
}

// ociLayout writes an OCI image layout with one image of the given
// uncompressed layers, named name.
func ociLayout(t *testing.T, dir, name string, layers [][]byte) {
	t.Helper()
	blobs := filepath.Join(dir, "blobs", "sha256")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		t.Fatal(err)
	}
	put := func(b []byte) digest.Digest {
		d := digest.FromBytes(b)
		if err := os.WriteFile(filepath.Join(blobs, d.Encoded()), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	var diffIDs []string
	var descs []map[string]any
	for _, l := range layers {
		d := put(l)
		diffIDs = append(diffIDs, d.String())
		descs = append(descs, map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d.String(), "size": len(l)})
	}
	cfg, _ := json.Marshal(map[string]any{
		"architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
		"config": map[string]any{"Cmd": []string{"sh"}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs},
	})
	cd := put(cfg)
	man, _ := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		"config": map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd.String(), "size": len(cfg)},
		"layers": descs,
	})
	md := put(man)
	index, _ := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"manifests": []map[string]any{{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md.String(), "size": len(man),
			"annotations": map[string]string{"org.opencontainers.image.ref.name": name}}},
	})
	if err := os.WriteFile(filepath.Join(dir, "index.json"), index, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
}

// layerTar is a one-file layer.
func layerTar(t *testing.T, name string, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	data := bytes.Repeat([]byte(name), size/len(name)+1)[:size]
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write(data)
	tw.Close()
	return buf.Bytes()
}

// registryManifest fetches a manifest from the registry's API.
func registryManifest(t *testing.T, reg *registry, repo, tag string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s/v2/%s/manifests/%s", reg.addr, repo, tag), nil)
	req.Header.Set("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest %s: %v: %s", tag, err, b)
	}
	return m
}

// TestCorruptedBlob: a pull whose second layer does not match its digest
// fails with a clear error and leaves neither an image nor the first
// (already committed) layer behind.
func TestCorruptedBlob(t *testing.T) {
	reg := startRegistry(t, "")
	src := newEnv(t)
	src.writeRegistriesConf(reg.addr)
	dir := filepath.Join(t.TempDir(), "layout")
	ociLayout(t, dir, "localhost/two:1", [][]byte{layerTar(t, "first", 1<<20), layerTar(t, "second", 1<<20)})
	r := src.pi(0, "load", "-q", "-i", dir)
	loaded := strings.TrimPrefix(r.stdout, "Loaded image: ")
	ref := reg.addr + "/corrupt/two:1"
	src.pi(0, "push", "-q", loaded, ref)

	m := registryManifest(t, reg, "corrupt/two", "1")
	layers := m["layers"].([]any)
	if len(layers) != 2 {
		t.Fatalf("pushed manifest has %d layers", len(layers))
	}
	blob := reg.blobFile(layers[1].(map[string]any)["digest"].(string))
	b, err := os.ReadFile(blob)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(blob, b, 0o644); err != nil {
		t.Fatal(err)
	}

	e := newEnv(t)
	e.writeRegistriesConf(reg.addr)
	r = e.pi(125, "--log-level", "debug", "pull", "--retry", "0", ref)
	contains(t, r.stderr, "Digest did not match", "pull of a corrupted blob")
	if !strings.Contains(r.stderr, "left by the failed pull") {
		t.Logf("no layer needed cleaning up (the first layer was not committed before the failure)")
	}
	st := e.store()
	imgs, err := st.Storage().Images()
	if err != nil || len(imgs) != 0 {
		t.Errorf("images after the failed pull: %v, %v", imgs, err)
	}
	ls, err := st.Storage().Layers()
	if err != nil || len(ls) != 0 {
		t.Errorf("layers after the failed pull: %d, %v", len(ls), err)
	}
	e.pi(1, "image", "exists", ref)
	if r = e.pi(0, "images", "-a", "-q"); r.stdout != "" {
		t.Errorf("images -a after the failed pull: %q", r.stdout)
	}
}

// TestParallelPulls pulls one image from several processes at once while
// containers are created, mounted and removed on it.
func TestParallelPulls(t *testing.T) {
	reg := startRegistry(t, "")
	src := newEnv(t)
	src.writeRegistriesConf(reg.addr)
	dir := filepath.Join(t.TempDir(), "layout")
	ociLayout(t, dir, "localhost/three:1", [][]byte{layerTar(t, "a", 2<<20), layerTar(t, "b", 2<<20), layerTar(t, "c", 2<<20)})
	r := src.pi(0, "load", "-q", "-i", dir)
	ref := reg.addr + "/par/three:1"
	src.pi(0, "push", "-q", strings.TrimPrefix(r.stdout, "Loaded image: "), ref)

	e := newEnv(t)
	e.writeRegistriesConf(reg.addr)
	const n = 6
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := e.pi(-1, "pull", "-q", ref)
			if r.code != 0 {
				t.Errorf("parallel pull %d: %s", i, r)
			}
			ids[i] = r.stdout
		}(i)
	}
	wg.Wait()
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Fatalf("parallel pulls disagree: %v", ids)
		}
	}

	// Now pull again (policy always) while containers churn on the image.
	st := e.store()
	img, err := st.LookupImage(ref)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			if r := e.pi(-1, "pull", "-q", "--policy", "always", ref); r.code != 0 || r.stdout != img.ID {
				t.Errorf("pull during container churn: %s", r)
			}
		}(i)
		go func(i int) {
			defer wg.Done()
			cid := fmt.Sprintf("%064x", i+1)
			if _, _, err := st.CreateContainer(imagestore.ContainerOptions{ID: cid, Name: fmt.Sprintf("c%d", i), ImageID: img.ID}); err != nil {
				t.Error(err)
				return
			}
			rootfs, err := st.Mount(cid, "")
			if err != nil {
				t.Error(err)
				return
			}
			if b, err := os.ReadFile(filepath.Join(rootfs, "c")); err != nil || len(b) != 2<<20 {
				t.Errorf("top layer file in container %d: %d bytes, %v", i, len(b), err)
			}
			if err := st.DeleteContainer(cid); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()

	imgs, err := st.Storage().Images()
	if err != nil || len(imgs) != 1 {
		t.Errorf("images after parallel pulls: %d, %v", len(imgs), err)
	}
	ls, err := st.Storage().Layers()
	if err != nil || len(ls) != 3 {
		t.Errorf("layers after parallel pulls: %d, %v (want 3)", len(ls), err)
	}
	if ctrs, _ := st.Storage().Containers(); len(ctrs) != 0 {
		t.Errorf("%d containers left", len(ctrs))
	}
	if r := e.pi(0, "images", "-q"); r.stdout != img.ID[:12] {
		t.Errorf("images after parallel pulls: %q", r.stdout)
	}
}

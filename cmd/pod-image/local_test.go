package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/imagestore"
)

func TestImportInspectList(t *testing.T) {
	e := newEnv(t)
	id := e.importBusybox("bb", "--change", "ENTRYPOINT=[\"/bin/sh\",\"-c\"]", "--change", "ENV=A=b",
		"--change", "WORKDIR=/tmp", "--change", "USER=nobody", "--change", "LABEL=stage=test",
		"--change", "EXPOSE=8080/tcp", "--message", "made by a test")
	if len(id) != 64 {
		t.Fatalf("import printed %q", id)
	}

	var data []map[string]any
	r := e.pi(0, "image", "inspect", "bb")
	if err := json.Unmarshal([]byte(r.stdout), &data); err != nil || len(data) != 1 {
		t.Fatalf("inspect JSON: %v\n%s", err, r.stdout)
	}
	cfg := data[0]["Config"].(map[string]any)
	if data[0]["Id"] != id || data[0]["Comment"] != "made by a test" ||
		!reflect.DeepEqual(cfg["Cmd"], []any{"sh"}) || !reflect.DeepEqual(cfg["Entrypoint"], []any{"/bin/sh", "-c"}) ||
		!reflect.DeepEqual(cfg["Env"], []any{"A=b"}) || cfg["WorkingDir"] != "/tmp" || cfg["User"] != "nobody" ||
		!reflect.DeepEqual(cfg["Labels"], map[string]any{"stage": "test"}) || cfg["ExposedPorts"] == nil {
		t.Errorf("inspect: %s", r.stdout)
	}
	if !reflect.DeepEqual(data[0]["RepoTags"], []any{"localhost/bb:latest"}) {
		t.Errorf("RepoTags %v", data[0]["RepoTags"])
	}
	r = e.pi(0, "image", "inspect", "--format", "{{.Id}} {{.Config.WorkingDir}} {{.Os}}", "localhost/bb:latest")
	if r.stdout != id+" /tmp linux" {
		t.Errorf("inspect --format: %q", r.stdout)
	}
	// The lifecycle side reads the same config without libimage.
	img, err := e.store().LookupImage("bb")
	if err != nil || img.ID != id || img.Config.User != "nobody" || img.Config.WorkingDir != "/tmp" {
		t.Errorf("imagestore view: %+v, %v", img, err)
	}

	// Listing.
	r = e.pi(0, "images")
	lines := strings.Split(r.stdout, "\n")
	if len(lines) != 2 || strings.Join(strings.Fields(lines[0]), " ") != "REPOSITORY TAG IMAGE ID CREATED SIZE" ||
		!strings.HasPrefix(strings.Join(strings.Fields(lines[1]), " "), "localhost/bb latest "+id[:12]+" ") || !strings.HasSuffix(lines[1], "MB") {
		t.Errorf("images table:\n%s", r.stdout)
	}
	if r = e.pi(0, "images", "-q"); r.stdout != id[:12] {
		t.Errorf("images -q: %q", r.stdout)
	}
	if r = e.pi(0, "image", "ls", "--no-trunc", "--quiet"); r.stdout != "sha256:"+id {
		t.Errorf("image ls --no-trunc -q: %q", r.stdout)
	}
	if r = e.pi(0, "image", "list", "--format", "{{.Repository}}:{{.Tag}} {{.Id}}"); r.stdout != "localhost/bb:latest "+id {
		t.Errorf("image list --format: %q", r.stdout)
	}
	if r = e.pi(0, "images", "--format", "table {{.ID}} {{.Repository}}"); !strings.HasPrefix(r.stdout, "IMAGE ID      REPOSITORY\n"+id[:12]) {
		t.Errorf("images --format table: %q", r.stdout)
	}
	var list []map[string]any
	r = e.pi(0, "images", "--format", "json")
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 1 || list[0]["Id"] != id ||
		!reflect.DeepEqual(list[0]["Names"], []any{"localhost/bb:latest"}) || list[0]["CreatedAt"] == nil {
		t.Errorf("images --format json: %v\n%s", err, r.stdout)
	}

	// Tags and filters (filters select images; an image shows all its names).
	e.pi(0, "tag", "bb", "localhost/bb:v2")
	other := e.importBusybox("example.com/team/other:1", "--change", "ENV=other=1")
	e.pi(0, "image", "exists", "example.com/team/other:1")
	both := []string{"example.com/team/other:1", "localhost/bb:latest", "localhost/bb:v2"}
	for _, c := range []struct {
		filter string
		want   []string
	}{
		{"reference=localhost/bb", []string{"localhost/bb:latest", "localhost/bb:v2"}},
		{"reference=*/team/*", []string{"example.com/team/other:1"}},
		{"label=stage=test", []string{"localhost/bb:latest", "localhost/bb:v2"}},
		{"label=stage=prod", nil},
		{"dangling=true", nil},
		{"dangling=false", both},
		{"id=" + id, []string{"localhost/bb:latest", "localhost/bb:v2"}},
		{"since=" + id, []string{"example.com/team/other:1"}},
		{"before=" + other, []string{"localhost/bb:latest", "localhost/bb:v2"}},
	} {
		r = e.pi(0, "images", "--filter", c.filter, "--format", "{{.Repository}}:{{.Tag}}")
		got := strings.Fields(r.stdout)
		if strings.Join(sorted(got), ",") != strings.Join(c.want, ",") {
			t.Errorf("--filter %s: %v, want %v", c.filter, got, c.want)
		}
	}
	if r = e.pi(0, "images", "--format", "{{.Tag}}", "localhost/bb:v2"); r.stdout != "v2" {
		t.Errorf("images IMAGE: %q", r.stdout)
	}
	if r = e.pi(0, "images", "--sort", "repository", "--format", "{{.Repository}}"); r.stdout != "example.com/team/other\nlocalhost/bb\nlocalhost/bb" {
		t.Errorf("images --sort repository: %q", r.stdout)
	}
	r = e.pi(125, "images", "--sort", "bogus")
	contains(t, r.stderr, `"bogus" is not a valid field for sorting`, "bad --sort")
	e.pi(0, "rmi", "example.com/team/other:1")
	e.pi(0, "untag", "bb", "localhost/bb:v2")
	e.pi(1, "image", "exists", "localhost/bb:v2")
	e.pi(0, "image", "exists", "bb")
	e.pi(0, "image", "exists", id[:12])
	r = e.pi(125, "tag", "nosuch", "x")
	contains(t, r.stderr, "Error: nosuch: image not known", "tag of an unknown image")
	r = e.pi(125, "image", "inspect", "bb", "nosuch")
	contains(t, r.stderr, "Error: inspecting object: nosuch: image not known", "inspect of an unknown image")
	if !strings.HasPrefix(r.stdout, "[") || !strings.Contains(r.stdout, id) {
		t.Errorf("inspect still prints the known image: %q", r.stdout)
	}

	// History.
	r = e.pi(0, "history", "bb")
	contains(t, r.stdout, "made by a test", "history")
	contains(t, r.stdout, "CREATED BY", "history header")

	// Untag everything: the image becomes dangling.
	e.pi(0, "untag", "bb")
	r = e.pi(0, "images", "--filter", "dangling=true", "--noheading")
	if !strings.HasPrefix(strings.Join(strings.Fields(r.stdout), " "), "<none> <none> "+id[:12]) {
		t.Errorf("dangling image listing: %q", r.stdout)
	}
	// Prune removes it.
	r = e.pi(0, "image", "prune", "-f")
	if r.stdout != id {
		t.Errorf("prune printed %q", r.stdout)
	}
	e.pi(1, "image", "exists", id)
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestImportStdin(t *testing.T) {
	e := newEnv(t)
	f, err := os.Open(rootfsTar(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := e.piStdin(0, f, "import", "--message", "from stdin", "-", "fromstdin:1")
	if !strings.HasPrefix(r.stdout, "sha256:") {
		t.Errorf("import - printed %q", r.stdout)
	}
	contains(t, r.stderr, "Writing manifest to image destination", "import progress")
	r = e.pi(0, "image", "inspect", "--format", "{{.Comment}} {{.RepoTags}}", "fromstdin:1")
	if r.stdout != "from stdin [localhost/fromstdin:1]" {
		t.Errorf("inspect: %q", r.stdout)
	}
}

// TestMkbusyboxImport runs contrib/mkbusybox.sh's import mode with pod-image
// as the importer.
func TestMkbusyboxImport(t *testing.T) {
	e := newEnv(t)
	c := exec.Command("sh", "../../contrib/mkbusybox.sh", "--", "--root", e.root, "--runroot", e.run)
	c.Env = append(os.Environ(), "POD="+podImage, "TMPDIR="+filepath.Join(e.dir, "tmp"))
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("mkbusybox.sh: %v: %s", err, out)
	}
	img, err := e.store().LookupImage("busybox")
	if err != nil || img.ResolvedName != "localhost/busybox:latest" || strings.Join(img.Config.Cmd, " ") != "sh" {
		t.Fatalf("localhost/busybox: %+v, %v", img, err)
	}
	st := e.store()
	cid := strings.Repeat("ab", 32)
	if _, _, err := st.CreateContainer(imagestore.ContainerOptions{ID: cid, ImageID: img.ID}); err != nil {
		t.Fatal(err)
	}
	rootfs, err := st.Mount(cid, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"bin/busybox", "bin/sh", "usr/bin/env", "etc/passwd", "etc/group", "tmp", "proc"} {
		if _, err := os.Lstat(filepath.Join(rootfs, p)); err != nil {
			t.Errorf("rootfs lacks %s: %v", p, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(rootfs, "tmp")); err != nil || fi.Mode()&os.ModeSticky == 0 {
		t.Errorf("/tmp not sticky: %v", fi)
	}
	if err := st.DeleteContainer(cid); err != nil {
		t.Fatal(err)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	e := newEnv(t)
	id := e.importBusybox("roundtrip:1")
	for _, format := range []string{"docker-archive", "oci-archive", "oci-dir"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "img")
			r := e.pi(0, "save", "--format", format, "-o", out, "roundtrip:1")
			contains(t, r.stderr, "Writing manifest to image destination", "save progress")
			e.pi(0, "rmi", "roundtrip:1")
			e.pi(1, "image", "exists", "roundtrip:1")
			r = e.pi(0, "load", "-i", out)
			want := "Loaded image: localhost/roundtrip:1"
			if format == "oci-dir" {
				// libimage names images from OCI layout directories by ID.
				want = "Loaded image: sha256:" + id
				defer e.pi(0, "tag", id, "roundtrip:1")
			}
			if r.stdout != want {
				t.Errorf("load printed %q, want %q", r.stdout, want)
			}
			if format == "oci-dir" {
				return
			}
			r = e.pi(0, "image", "inspect", "--format", "{{.Id}} {{.Config.Cmd}}", "roundtrip:1")
			if r.stdout != id+" [sh]" {
				t.Errorf("after load: %q", r.stdout)
			}
		})
	}
	// docker-archive through stdout and stdin.
	t.Run("stdio", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "img.tar")
		fh, err := os.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		c := e.cmd(t.Context(), "save", "roundtrip:1")
		var stderr strings.Builder
		c.Stdout, c.Stderr = fh, &stderr
		if err := c.Run(); err != nil {
			t.Fatalf("save to stdout: %v %s", err, stderr.String())
		}
		fh.Close()
		e.pi(0, "rmi", "roundtrip:1")
		in, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		r := e.piStdin(0, in, "load", "-q")
		if r.stdout != "Loaded image: localhost/roundtrip:1" || r.stderr != "" {
			t.Errorf("load -q from stdin: %s", r)
		}
	})
	// A multi-image docker archive.
	t.Run("multi", func(t *testing.T) {
		e.importBusybox("other:2", "--change", "ENV=X=1")
		out := filepath.Join(t.TempDir(), "two.tar")
		e.pi(0, "save", "-q", "-m", "-o", out, "roundtrip:1", "other:2")
		e.pi(0, "rmi", "roundtrip:1", "other:2")
		r := e.pi(0, "load", "-i", out)
		got := sorted(strings.Split(r.stdout, "\n"))
		if strings.Join(got, ",") != "Loaded image: localhost/other:2,Loaded image: localhost/roundtrip:1" {
			t.Errorf("multi load: %q", r.stdout)
		}
	})
	r := e.pi(125, "save", "--format", "bogus", "-o", "x", "roundtrip:1")
	contains(t, r.stderr, "format value must be one of", "bad save format")
	r = e.pi(125, "load", "-i", filepath.Join(e.dir, "nosuch.tar"))
	contains(t, r.stderr, "no such file", "load of a missing file")
}

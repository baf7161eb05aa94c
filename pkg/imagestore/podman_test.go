package imagestore

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// podman runs podman 4.x on the test store's roots with its transient
// state in a private directory, so nothing global is touched.
func podman(t *testing.T, st *Store, args ...string) (string, int) {
	t.Helper()
	bin, err := exec.LookPath("podman")
	if err != nil {
		t.Skip("podman not installed")
	}
	tmp := filepath.Join(filepath.Dir(st.RunRoot()), "podman-tmp")
	full := append([]string{
		"--root", st.GraphRoot(), "--runroot", st.RunRoot(), "--storage-driver", st.Driver(),
		"--tmpdir", tmp, "--events-backend", "none", "--cgroup-manager", "cgroupfs",
	}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, full...)
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = append(os.Environ(), "CONTAINERS_REGISTRIES_CONF="+st.registriesConf)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("podman %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return strings.TrimSpace(out.String()), code
}

// TestPodmanImageUsable: an image Podman imports into the shared store is
// found, configured and mountable through imagestore; a container created
// here is an external container to Podman and keeps Podman from removing
// the image.
func TestPodmanImageUsable(t *testing.T) {
	st := openTestStore(t)
	tarball := filepath.Join(t.TempDir(), "rootfs.tar")
	if err := os.WriteFile(tarball, busyboxTar(t, map[string]string{"etc/from-podman": "yes\n"}), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := podman(t, st, "import", "--quiet", "--change", `CMD ["sh"]`, "--change", "WORKDIR=/tmp", "--change", "ENV=A=b", tarball, "podbox")
	if code != 0 {
		t.Fatalf("podman import: %s", out)
	}
	img, err := st.LookupImage("podbox")
	if err != nil {
		t.Fatalf("LookupImage of Podman's image: %v", err)
	}
	if !strings.HasSuffix(out, img.ID) || img.ResolvedName != "localhost/podbox:latest" {
		t.Errorf("found %s as %q; podman said %s", img.ID, img.ResolvedName, out)
	}
	if strings.Join(img.Config.Cmd, " ") != "sh" || img.Config.WorkingDir != "/tmp" || strings.Join(img.Config.Env, ",") != "A=b" {
		t.Errorf("config = %+v", img.Config)
	}
	id := testID(7)
	if _, _, err := st.CreateContainer(ContainerOptions{ID: id, Name: "ours", ImageID: img.ID, ImageName: img.ResolvedName}); err != nil {
		t.Fatal(err)
	}
	rootfs, err := st.Mount(id, "")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(rootfs, "etc/from-podman")); err != nil || string(b) != "yes\n" {
		t.Errorf("rootfs content: %q, %v", b, err)
	}
	if err := st.Unmount(id, false); err != nil {
		t.Fatal(err)
	}

	out, code = podman(t, st, "ps", "--all", "--external", "--format", "{{.ID}} {{.Names}} {{.Image}}")
	if code != 0 || !strings.Contains(out, id[:12]+" ours localhost/podbox:latest") {
		t.Errorf("podman ps --external (%d): %q", code, out)
	}
	if out, code = podman(t, st, "rmi", "podbox"); code != 2 || !strings.Contains(out, "image is in use by a container") {
		t.Errorf("podman rmi of an image our container uses: exit %d %q, want 2", code, out)
	}
	if err := st.DeleteContainer(id); err != nil {
		t.Fatal(err)
	}
	if out, code = podman(t, st, "rmi", "podbox"); code != 0 {
		t.Errorf("podman rmi after DeleteContainer: exit %d %q", code, out)
	}
}

// TestImageUsableByPodman: an image in the layout containers/image writes
// (as pod-image's pulls do) is understood by Podman, and Podman's
// containers on it are seen here.
func TestImageUsableByPodman(t *testing.T) {
	st := openTestStore(t)
	id := makeImage(t, st, testImage{
		names:  []string{"localhost/ours:1"},
		layers: [][]byte{busyboxTar(t, nil), busyboxTar(t, map[string]string{"etc/layer2": "2\n"})},
		config: map[string]any{"Cmd": []string{"echo", "hi"}, "Labels": map[string]string{"made": "here"}},
	})
	out, code := podman(t, st, "image", "inspect", "--format", "{{.Id}} {{.Config.Cmd}} {{.Labels.made}} {{len .RootFS.Layers}}", "ours:1")
	if want := id + " [echo hi] here 2"; code != 0 || out != want {
		t.Errorf("podman image inspect: exit %d %q, want %q", code, out, want)
	}
	mnt, code := podman(t, st, "image", "mount", "localhost/ours:1")
	if code != 0 {
		t.Fatalf("podman image mount: %s", mnt)
	}
	if b, err := os.ReadFile(filepath.Join(mnt, "etc/layer2")); err != nil || string(b) != "2\n" {
		t.Errorf("podman's mount of our image: %q, %v", b, err)
	}
	if out, code := podman(t, st, "image", "unmount", "localhost/ours:1"); code != 0 {
		t.Errorf("podman image unmount: %s", out)
	}
	out, code = podman(t, st, "create", "--name", "theirs", "localhost/ours:1")
	if code != 0 {
		t.Fatalf("podman create: %s", out)
	}
	users, err := st.ContainersUsingImage(id)
	if err != nil || len(users) != 1 || !strings.HasSuffix(out, users[0]) {
		t.Errorf("ContainersUsingImage = %v, %v; podman created %s", users, err, out)
	}
	if out, code := podman(t, st, "rm", "theirs"); code != 0 {
		t.Errorf("podman rm: %s", out)
	}
}

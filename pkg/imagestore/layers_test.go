package imagestore

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestContainerMountAndChanges(t *testing.T) {
	st := openTestStore(t)
	imgID := makeImage(t, st, testImage{names: []string{"localhost/diff:latest"},
		layers: [][]byte{busyboxTar(t, map[string]string{"etc/motd": "hello\n", "etc/gone": "x\n"})}})
	id := testID(40)
	if _, _, err := st.CreateContainer(ContainerOptions{ID: id, Name: "d1", ImageID: imgID}); err != nil {
		t.Fatal(err)
	}
	if m, err := st.ContainerMount(id); err != nil || m.Count != 0 || m.Path != "" {
		t.Fatalf("before mounting: %+v, %v", m, err)
	}
	p, err := st.Mount(id, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Mount(id, ""); err != nil {
		t.Fatal(err)
	}
	if m, err := st.ContainerMount(id); err != nil || m.Count != 2 || m.Path != p {
		t.Fatalf("after two mounts: %+v, %v (path %s)", m, err, p)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(p, "new file"), []byte("n"), 0o644))
	must(os.WriteFile(filepath.Join(p, "etc/motd"), []byte("changed\n"), 0o644))
	must(os.Remove(filepath.Join(p, "etc/gone")))
	layer, err := st.ContainerLayer(id)
	must(err)
	changes, err := st.Changes("", layer)
	must(err)
	want := []Change{{"/etc", "C"}, {"/etc/gone", "D"}, {"/etc/motd", "C"}, {"/new file", "A"}}
	if len(changes) != len(want) {
		t.Fatalf("changes %v, want %v", changes, want)
	}
	for i := range want {
		if changes[i] != want[i] {
			t.Fatalf("changes %v, want %v", changes, want)
		}
	}
	must(st.Unmount(id, true))
	if m, _ := st.ContainerMount(id); m.Count != 0 {
		t.Errorf("after a forced unmount: %+v", m)
	}
	if _, err := st.ContainerMount(testID(41)); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("unknown container: %v", err)
	}
	if _, err := st.Changes("", "nosuchlayer"); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("unknown layer: %v", err)
	}
	must(st.DeleteContainer(id))
}

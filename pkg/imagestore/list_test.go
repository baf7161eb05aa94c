package imagestore

import (
	"os"
	"path/filepath"
	"testing"
)

func TestContainersAndSizes(t *testing.T) {
	st := openTestStore(t)
	layer := busyboxTar(t, map[string]string{"etc/motd": "hello\n"})
	imgID := makeImage(t, st, testImage{names: []string{"localhost/busybox:latest"}, layers: [][]byte{layer, busyboxTar(t, map[string]string{"etc/x": "x"})}})
	if _, _, err := st.CreateContainer(ContainerOptions{ID: testID(1), Name: "plain one", ImageID: imgID}); err != nil {
		t.Fatal(err)
	}
	// A Buildah working container: its buildah.json in the container directory.
	if _, _, err := st.CreateContainer(ContainerOptions{ID: testID(2), Name: "b-ctr", ImageID: imgID}); err != nil {
		t.Fatal(err)
	}
	dir, _, err := st.ContainerDirs(testID(2))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, buildahStateFile), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	cs, err := st.Containers()
	if err != nil || len(cs) != 2 {
		t.Fatalf("Containers: %v %v", cs, err)
	}
	byName := map[string]StorageContainer{}
	for _, c := range cs {
		byName[c.Names[0]] = c
	}
	p, b := byName["plain one"], byName["b-ctr"]
	if p.Buildah || !b.Buildah || p.ImageID != imgID || p.ImageName != "localhost/busybox:latest" || p.Created.IsZero() {
		t.Errorf("containers: %+v %+v", p, b)
	}

	rw, rootFs, err := st.ContainerSizes(testID(1))
	if err != nil {
		t.Fatal(err)
	}
	if rootFs < int64(len("hello\n")) || rw < 0 {
		t.Errorf("sizes: rw %d rootfs %d", rw, rootFs)
	}
	// Writing into the container's layer grows rw, not the image's size.
	mnt, err := st.Mount(testID(1), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mnt, "new"), make([]byte, 10000), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := st.Unmount(testID(1), true); err != nil {
		t.Fatal(err)
	}
	rw2, rootFs2, err := st.ContainerSizes(testID(1))
	if err != nil || rw2 < rw+10000 || rootFs2 != rootFs {
		t.Errorf("after a write: rw %d→%d rootfs %d→%d: %v", rw, rw2, rootFs, rootFs2, err)
	}
	if _, _, err := st.ContainerSizes(testID(9)); err == nil {
		t.Error("sizes of a missing container")
	}
}

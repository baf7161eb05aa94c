package imagestore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func testID(n int) string { return fmt.Sprintf("%064x", n+1) }

func TestContainerLifecycle(t *testing.T) {
	st := openTestStore(t)
	imgID := makeImage(t, st, testImage{names: []string{"localhost/busybox:latest"}, layers: [][]byte{busyboxTar(t, map[string]string{"etc/motd": "hello\n"})}})
	id := testID(1)
	if _, _, err := st.CreateContainer(ContainerOptions{ID: id, Name: "c1", ImageID: imgID, ImageName: "localhost/busybox:latest"}); err != nil {
		t.Fatalf("CreateContainer: %v", err)
	}
	// Same name or ID again: AlreadyExists.
	if _, _, err := st.CreateContainer(ContainerOptions{ID: testID(2), Name: "c1", ImageID: imgID}); !errors.Is(err, errdefs.ErrAlreadyExists) {
		t.Errorf("duplicate name: %v", err)
	}
	if _, _, err := st.CreateContainer(ContainerOptions{ID: id, Name: "c2", ImageID: imgID}); !errors.Is(err, errdefs.ErrAlreadyExists) {
		t.Errorf("duplicate ID: %v", err)
	}
	if _, _, err := st.CreateContainer(ContainerOptions{ID: testID(3), ImageID: "0000"}); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("unknown image: %v", err)
	}
	for _, bad := range []string{"", "../x", "a/b", ".."} {
		if _, _, err := st.CreateContainer(ContainerOptions{ID: bad, ImageID: imgID}); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("ID %q: %v", bad, err)
		}
	}

	// The metadata is Podman's format.
	c, err := st.Storage().Container(id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Metadata, `"image-name":"localhost/busybox:latest"`) || !strings.Contains(c.Metadata, `"name":"c1"`) ||
		!strings.Contains(c.Metadata, `"image-id":"`+imgID+`"`) {
		t.Errorf("metadata %s", c.Metadata)
	}
	if users, err := st.ContainersUsingImage(imgID); err != nil || len(users) != 1 || users[0] != id {
		t.Errorf("ContainersUsingImage = %v, %v", users, err)
	}

	staticDir, runDir, err := st.ContainerDirs(id)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{staticDir, runDir} {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			t.Errorf("container dir %s: %v", d, err)
		}
	}

	rootfs, err := st.Mount(id, "")
	if err != nil {
		t.Fatalf("Mount: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(rootfs, "etc/motd")); err != nil || string(b) != "hello\n" {
		t.Errorf("image content in rootfs: %q, %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(rootfs, "bin/busybox")); err != nil || fi.Mode()&0o111 == 0 {
		t.Errorf("bin/busybox in rootfs: %v", err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "written"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Mounts are counted.
	again, err := st.Mount(id, "")
	if err != nil || again != rootfs {
		t.Fatalf("second Mount = %q, %v", again, err)
	}
	if n, err := st.Mounted(id); err != nil || n != 2 {
		t.Errorf("Mounted = %d, %v; want 2", n, err)
	}
	if err := st.Unmount(id, false); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Mounted(id); n != 1 {
		t.Errorf("Mounted after one Unmount = %d", n)
	}
	if err := st.Unmount(id, true); err != nil {
		t.Fatal(err)
	}
	if err := st.Unmount(id, false); err != nil {
		t.Errorf("Unmount of an unmounted container: %v", err)
	}
	// The writable layer survives a remount.
	rootfs, err = st.Mount(id, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(rootfs, "written")); err != nil {
		t.Errorf("write did not persist: %v", err)
	}

	// Delete works while mounted (twice: every mount goes) and is idempotent.
	if _, err := st.Mount(id, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteContainer(id); err != nil {
		t.Fatalf("DeleteContainer: %v", err)
	}
	if err := st.DeleteContainer(id); err != nil {
		t.Errorf("second DeleteContainer: %v", err)
	}
	if _, err := os.Stat(staticDir); !os.IsNotExist(err) {
		t.Errorf("container dir left behind: %v", err)
	}
	if mi, err := os.ReadFile("/proc/self/mountinfo"); err == nil && strings.Contains(string(mi), rootfs) {
		t.Errorf("root filesystem %s still mounted after DeleteContainer", rootfs)
	}
	if _, err := st.Mount(id, ""); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("Mount after delete: %v", err)
	}
	if err := st.Unmount(id, false); err != nil {
		t.Errorf("Unmount after delete: %v", err)
	}
	if _, _, err := st.ContainerDirs(id); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("ContainerDirs after delete: %v", err)
	}
	// Nothing left but the image's layer.
	layers, err := st.Storage().Layers()
	if err != nil || len(layers) != 1 {
		t.Errorf("layers after delete: %d, %v", len(layers), err)
	}
}

// TestConcurrentContainers creates, mounts, writes, unmounts and deletes
// containers on one image from many goroutines at once.
func TestConcurrentContainers(t *testing.T) {
	st := openTestStore(t)
	imgID := makeImage(t, st, testImage{names: []string{"localhost/busybox:latest"}, layers: [][]byte{busyboxTar(t, nil)}})
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := testID(100 + i)
			if _, _, err := st.CreateContainer(ContainerOptions{ID: id, Name: fmt.Sprintf("c%d", i), ImageID: imgID}); err != nil {
				errs <- err
				return
			}
			for round := 0; round < 3; round++ {
				rootfs, err := st.Mount(id, "")
				if err != nil {
					errs <- err
					return
				}
				if err := os.WriteFile(filepath.Join(rootfs, "tmp", "mine"), []byte(id), 0o644); err != nil {
					errs <- err
					return
				}
				if b, err := os.ReadFile(filepath.Join(rootfs, "tmp", "mine")); err != nil || string(b) != id {
					errs <- fmt.Errorf("container %d sees %q, %v", i, b, err)
					return
				}
				if err := st.Unmount(id, false); err != nil {
					errs <- err
					return
				}
			}
			if i%2 == 0 {
				if err := st.DeleteContainer(id); err != nil {
					errs <- err
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	ctrs, err := st.Storage().Containers()
	if err != nil {
		t.Fatal(err)
	}
	if len(ctrs) != n/2 {
		t.Errorf("%d containers left, want %d", len(ctrs), n/2)
	}
	for _, c := range ctrs {
		if err := st.DeleteContainer(c.ID); err != nil {
			t.Error(err)
		}
	}
	if layers, _ := st.Storage().Layers(); len(layers) != 1 {
		t.Errorf("%d layers left, want the image's 1", len(layers))
	}
	if _, err := st.LookupImage(imgID); err != nil {
		t.Errorf("image damaged: %v", err)
	}
}

// A process killed inside storage's CreateContainer, after the writable
// layer and before the container record, leaves a layer no container names
// (found by the soak suite, test/soak). The layer's ID is derived from the
// container's, so DeleteContainer still finds and deletes it.
func TestDeleteContainerRemovesOrphanedLayer(t *testing.T) {
	st := openTestStore(t)
	imgID := makeImage(t, st, testImage{names: []string{"localhost/busybox:latest"}, layers: [][]byte{busyboxTar(t, nil)}})
	id := testID(7)
	if _, _, err := st.CreateContainer(ContainerOptions{ID: id, Name: "orphan", ImageID: imgID}); err != nil {
		t.Fatal(err)
	}
	c, err := st.Storage().Container(id)
	if err != nil {
		t.Fatal(err)
	}
	if c.LayerID != layerID(id) {
		t.Fatalf("layer ID %s, want the one derived from the container ID, %s", c.LayerID, layerID(id))
	}
	// What the killed process left: the layer, without its container.
	img, err := st.Storage().Image(imgID)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Storage().DeleteContainer(id); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Storage().CreateLayer(layerID(id), img.TopLayer, nil, "", true, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteContainer(id); err != nil {
		t.Fatalf("DeleteContainer of the orphaned layer's container: %v", err)
	}
	if _, err := st.Storage().Layer(layerID(id)); err == nil {
		t.Fatal("the orphaned layer is still there")
	}
	// Deleting again, with nothing left, is still not an error.
	if err := st.DeleteContainer(id); err != nil {
		t.Fatal(err)
	}
}

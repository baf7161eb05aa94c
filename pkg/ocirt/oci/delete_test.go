package oci

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// The runtime binary removed while its container ran (soak fault
// runtime-removed): `rm -f` could not run `delete --force`, and the
// container's state directory under the runtime's --root stayed. Delete now
// removes it itself, says so, and touches no other container's state.
func TestDeleteWithoutBinary(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "state")
	id, other := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	for _, d := range []string{id, other} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, d, "status"), []byte("\x00running\xff"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	h := ocirt.Handle{Name: "crun", Kind: Kind, Path: filepath.Join(dir, "gone", "crun"), Flags: []string{"--root=" + root}}
	rt, err := Driver{}.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	tk := rt.Load(ocirt.TaskRef{ID: id})
	err = tk.Delete(context.Background(), true)
	if !errors.Is(err, errdefs.ErrUnavailable) || !strings.Contains(err.Error(), "removed its state") {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, id)); !os.IsNotExist(err) {
		t.Fatalf("state of %s left: %v", id, err)
	}
	if _, err := os.Stat(filepath.Join(root, other, "status")); err != nil {
		t.Fatalf("another container's state touched: %v", err)
	}
	// Without --force nothing is removed; with a default root, nothing either.
	for _, c := range []struct {
		h     ocirt.Handle
		force bool
	}{{h, false}, {ocirt.Handle{Name: "crun", Kind: Kind, Path: h.Path}, true}} {
		rt, _ := Driver{}.Open(c.h)
		if err := rt.Load(ocirt.TaskRef{ID: other}).Delete(context.Background(), c.force); !errors.Is(err, errdefs.ErrUnavailable) {
			t.Fatalf("Delete(force %v): %v", c.force, err)
		}
		if _, err := os.Stat(filepath.Join(root, other, "status")); err != nil {
			t.Fatalf("state removed: %v", err)
		}
	}
}

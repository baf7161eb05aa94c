package ovlmount

import (
	"os"
	"path/filepath"
	"testing"
)

// A host-mounted overlay shows the lower layer, takes writes in the upper
// one, and Cleanup unmounts it and removes the layers, never the lower's
// content (removing a still mounted merge would delete through it).
func TestPrepareCleanup(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounts an overlay: needs root")
	}
	tmp := t.TempDir()
	lower := filepath.Join(tmp, "lower dir")
	if err := os.MkdirAll(lower, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(lower, "keep"), []byte("k"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "overlay")
	l := Layer{Lower: lower, Upper: dir + "/0/upper", Work: dir + "/0/work", Temp: true, Merge: dir + "/0/merge"}
	if err := Prepare(l, 0, 0); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(l.Upper); err != nil || st.Mode().Perm() != 0o750 {
		t.Fatalf("upper %v %v: want the lower's mode 0750", st, err)
	}
	if err := os.WriteFile(filepath.Join(l.Merge, "new"), []byte("n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(l.Merge, "keep")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(l.Upper, "new")); err != nil {
		t.Fatalf("write not in the upper layer: %v", err)
	}
	if err := Cleanup(dir); err != nil {
		t.Fatal(err)
	}
	if mounted, err := isMountpoint(l.Merge); err != nil || mounted {
		t.Fatalf("merge still mounted (%v)", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("%s left: %v", dir, err)
	}
	if _, err := os.Stat(filepath.Join(lower, "keep")); err != nil {
		t.Fatalf("lower changed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(lower, "new")); !os.IsNotExist(err) {
		t.Fatalf("write reached the lower layer: %v", err)
	}
	if err := Cleanup(dir); err != nil {
		t.Fatalf("second cleanup: %v", err)
	}
	if err := Prepare(Layer{Lower: filepath.Join(lower, "missing"), Upper: dir + "/u", Work: dir + "/w", Temp: true}, 0, 0); err == nil {
		t.Fatal("missing lower accepted")
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{`/a\040b`: "/a b", `/plain`: "/plain", `/x\134y`: `/x\y`, `/end\04`: `/end\04`} {
		if got := unescape(in); got != want {
			t.Errorf("unescape(%q) = %q, want %q", in, got, want)
		}
	}
}

package conmon

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestExitFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ctr")
	if _, err := ReadExitFile(path, ""); !IsNotExist(err) {
		t.Fatalf("missing exit file: %v", err)
	}
	for _, code := range []int{0, 137, -1} {
		if err := WriteExitFile(path, code); err != nil {
			t.Fatal(err)
		}
		st, err := ReadExitFile(path, dir)
		if err != nil || st.Code != code || st.OOM || time.Since(st.Finished) > time.Minute {
			t.Fatalf("code %d: %+v %v", code, st, err)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644 like conmon", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temp files left: %v", entries)
	}
	os.WriteFile(filepath.Join(dir, "oom"), nil, 0o644)
	if st, _ := ReadExitFile(path, dir); !st.OOM {
		t.Error("oom file not seen")
	}
	os.WriteFile(path, []byte("garbage"), 0o644)
	if _, err := ReadExitFile(path, ""); err == nil {
		t.Error("garbage exit file accepted")
	}
	if err := WriteExitFile(filepath.Join(dir, "missing", "x"), 1); err == nil {
		t.Error("write into a missing dir succeeded")
	}
}

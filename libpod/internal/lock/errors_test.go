package lock

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A lock file or directory pod cannot use gives an error naming the path
// and the fix, and changes nothing.
func TestDamagedLockFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "locks")
	m, err := NewManager(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A directory where the lock file should be.
	if err := os.Mkdir(filepath.Join(dir, "c1"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = m.Lock("c1")
	wantErr(t, err, filepath.Join(dir, "c1")+" is a directory", "rm -r "+filepath.Join(dir, "c1"))
	if fi, err := os.Stat(filepath.Join(dir, "c1")); err != nil || !fi.IsDir() {
		t.Fatalf("the directory was changed: %v", err)
	}
	_, err = m.RLock("c1")
	wantErr(t, err, "is a directory")

	// A file where the lock directory should be.
	file := filepath.Join(t.TempDir(), "locks")
	if err := os.WriteFile(file, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = NewManager(file)
	wantErr(t, err, "lock directory "+file, "not a directory", "rm "+file)
	(&Manager{dir: file}).lockErr(t, "c2", "lock directory "+file+" is not a directory")
	if data, _ := os.ReadFile(file); string(data) != "data" {
		t.Fatalf("the file was changed: %q", data)
	}

	if os.Getuid() == 0 {
		return // root opens whatever the mode says
	}
	// A lock file without read-write permission, and a directory without write.
	if err := os.WriteFile(filepath.Join(dir, "c3"), nil, 0o400); err != nil {
		t.Fatal(err)
	}
	m.lockErr(t, "c3", "cannot open lock file "+filepath.Join(dir, "c3"), "mode 0400", "chmod 0600", "uid "+strconv.Itoa(os.Getuid())+"'s own")
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	m.lockErr(t, "c4", "cannot open lock directory "+dir, "mode 0500", "chmod 0700")
}

func (m *Manager) lockErr(t *testing.T, name string, want ...string) {
	t.Helper()
	l, err := m.Lock(name)
	if err == nil {
		l.Unlock()
	}
	wantErr(t, err, want...)
}

func wantErr(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one with %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

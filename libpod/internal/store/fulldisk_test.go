package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fullDisk mounts a small tmpfs (root only) and returns its path; the test
// skips where it cannot mount.
func fullDisk(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=2m,mode=0700"); err != nil {
		t.Skipf("mounting a tmpfs: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// fill writes path until the file system has no space left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, size := range []int{64 << 10, 512, 1} {
		buf := make([]byte, size)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
}

// Regression (issue 13): with the store's disk full, `pod ps -a` failed with
// "reading state database …: disk I/O error: no space left on device": even
// reading needs SQLite's WAL index (the -shm file), which the first opener
// creates and grows. Reads must work on a full disk; writes fail and say why.
func TestReadsOnFullDisk(t *testing.T) {
	dir := fullDisk(t)
	path := filepath.Join(dir, "state", "pod.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	id := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	if err := s.Add(&Row{ID: id, Name: "full", Created: 1, Config: []byte(`{}`), State: []byte(`{"s":1}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveExitCode("gone", "gone-name", 3, time.Now()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	filler := filepath.Join(dir, "filler")
	fill(t, filler)

	// Twice: the first opener on the full disk, then a second one while the
	// first still has the database open.
	s1, err := Open(path)
	if err != nil {
		t.Fatalf("opening the state database on a full disk: %v", err)
	}
	defer s1.Close()
	s2, err := Open(path)
	if err != nil {
		t.Fatalf("opening the state database a second time on a full disk: %v", err)
	}
	defer s2.Close()
	for _, s := range []*Store{s1, s2} {
		rows, err := s.List()
		if err != nil || len(rows) != 1 || rows[0].Name != "full" {
			t.Fatalf("List on a full disk = %v, %v", rows, err)
		}
		if got, err := s.LookupID("full"); err != nil || got != id {
			t.Fatalf("LookupID on a full disk = %q, %v", got, err)
		}
		if code, ok, err := s.ExitCode("gone-name"); err != nil || !ok || code != 3 {
			t.Fatalf("ExitCode on a full disk = %d, %v, %v", code, ok, err)
		}
	}
	// A write fails and says that the disk is full.
	err = s1.SaveState(id, []byte(`{"s":2,"pad":"`+strings.Repeat("x", 64<<10)+`"}`))
	if err == nil || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("SaveState on a full disk: want an error saying 'no space left on device', got %v", err)
	}
	t.Logf("write on a full disk: %v", err)
	if r, err := s1.Get(id); err != nil || string(r.State) != `{"s":1}` {
		t.Fatalf("after the failed write: %+v, %v", r, err)
	}
	s1.Close()
	s2.Close()

	// Space again: the same database takes writes.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	s3, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	if err := s3.SaveState(id, []byte(`{"s":3}`)); err != nil {
		t.Fatalf("SaveState with space again: %v", err)
	}
	if r, err := s3.Get(id); err != nil || string(r.State) != `{"s":3}` {
		t.Fatalf("Get = %+v, %v", r, err)
	}
}

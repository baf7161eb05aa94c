package store

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "pod.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestAddGetLookupRemove(t *testing.T) {
	s := open(t)
	id := "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
	if err := s.Add(&Row{ID: id, Name: "web", Created: 1, Config: []byte(`{}`), State: []byte(`{"s":1}`)}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"web", id, "abcdef", "a"} {
		got, err := s.LookupID(q)
		if err != nil || got != id {
			t.Fatalf("LookupID(%q) = %q, %v", q, got, err)
		}
	}
	if _, err := s.LookupID("nothere"); !errors.Is(err, errdefs.ErrNotFound) {
		t.Fatalf("want not found, got %v", err)
	}
	err := s.Add(&Row{ID: "ff", Name: "web", Config: []byte(`{}`), State: []byte(`{}`)})
	if !errors.Is(err, errdefs.ErrAlreadyExists) {
		t.Fatalf("duplicate name: want already exists, got %v", err)
	}
	if err := s.SaveState(id, []byte(`{"s":2}`)); err != nil {
		t.Fatal(err)
	}
	r, err := s.Get(id)
	if err != nil || string(r.State) != `{"s":2}` || r.Name != "web" {
		t.Fatalf("Get = %+v, %v", r, err)
	}
	if err := s.SaveExec("e1", id, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(id); !errors.Is(err, errdefs.ErrNotFound) {
		t.Fatalf("after remove: %v", err)
	}
	execs, err := s.Execs(id)
	if err != nil || len(execs) != 0 {
		t.Fatalf("exec sessions not removed with their container: %v %v", execs, err)
	}
	if err := s.SaveState(id, nil); !errors.Is(err, errdefs.ErrNotFound) {
		t.Fatalf("SaveState of missing container: %v", err)
	}
}

func TestAmbiguousPrefix(t *testing.T) {
	s := open(t)
	for i, id := range []string{"aa11", "aa22"} {
		if err := s.Add(&Row{ID: id, Name: fmt.Sprint("n", i), Config: []byte(`{}`), State: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.LookupID("aa"); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Fatalf("ambiguous prefix: %v", err)
	}
}

// Several connections (as several pod processes would have) write at once.
func TestConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pod.db")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s, err := Open(path)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			for i := 0; i < 20; i++ {
				id := fmt.Sprintf("%02x%04x", w, i)
				if err := s.Add(&Row{ID: id, Name: "c" + id, Config: []byte(`{}`), State: []byte(`{}`)}); err != nil {
					errs <- err
					return
				}
				if err := s.Remove(id); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestOneStoreManyGoroutines is what `stop -a` does: goroutines of one
// process read and write rows of one open store at once.
func TestOneStoreManyGoroutines(t *testing.T) {
	s := open(t)
	const n = 40
	for i := range n {
		id := fmt.Sprintf("%064x", i)
		if err := s.Add(&Row{ID: id, Name: fmt.Sprintf("c%d", i), Config: []byte(`{}`), State: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("%064x", i)
			for j := range 10 {
				if _, err := s.LookupID(fmt.Sprintf("c%d", i)); err != nil {
					errs <- err
					return
				}
				if err := s.SaveState(id, []byte(fmt.Sprintf(`{"n":%d}`, j))); err != nil {
					errs <- err
					return
				}
				if _, err := s.List(); err != nil {
					errs <- err
					return
				}
			}
			if err := s.Remove(id); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if rows, err := s.List(); err != nil || len(rows) != 0 {
		t.Fatalf("%d rows left, %v", len(rows), err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pod.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(path); err == nil {
		t.Fatal("opening a database from a newer pod must fail")
	}
}

// Many processes creating the database at once (the first parallel runs on
// a fresh machine) must all succeed.
func TestConcurrentCreate(t *testing.T) {
	for round := 0; round < 5; round++ {
		path := filepath.Join(t.TempDir(), "pod.db")
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for w := 0; w < 16; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := Open(path)
				if err != nil {
					errs <- err
					return
				}
				s.Close()
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
}

// A version-1 database (exit codes by ID only) migrates on open, keeps its
// codes, and codes saved afterwards are found by name, the latest first.
func TestExitCodesMigrateAndByName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pod.db")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	stmts := append(append([]string{}, schema[1]...),
		fmt.Sprintf(`INSERT INTO exit_codes (id, code, at) VALUES ('old', 3, %d)`, time.Now().UnixNano()),
		`PRAGMA user_version = 1`)
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	if err := s.SaveExitCode("id1", "web", 1, now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveExitCode("id2", "web", 2, now); err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]int{"old": 3, "id1": 1, "web": 2} {
		if got, ok, err := s.ExitCode(ref); err != nil || !ok || got != want {
			t.Errorf("ExitCode(%q) = %d, %v, %v; want %d", ref, got, ok, err, want)
		}
	}
	if _, ok, err := s.ExitCode("nothere"); ok || err != nil {
		t.Errorf("ExitCode(nothere) = %v, %v; want not found", ok, err)
	}
}

// The database and the files SQLite keeps beside it are readable by their
// owner only; one an older pod made world-readable is tightened on open.
func TestDatabaseIsPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pod.db")
	check := func() {
		t.Helper()
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %o, want 600", p, fi.Mode().Perm())
			}
		}
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveExitCode("id1", "name1", 3, time.Now()); err != nil {
		t.Fatal(err)
	}
	check()
	s.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o644); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveExitCode("id2", "name2", 4, time.Now()); err != nil {
		t.Fatal(err)
	}
	check()
}

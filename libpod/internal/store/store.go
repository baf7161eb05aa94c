// Package store keeps libpod's state in SQLite (WAL mode): one row per
// container with its immutable config and its mutable state as JSON, plus exec
// sessions. The schema is versioned with PRAGMA user_version and migrated
// forward on open.
//
// The store does no locking of its own beyond SQLite's; libpod serialises
// changes to one container with that container's lock.
//
// On a full (or read-only) disk the database opens for reading only, so
// that ps and inspect keep working; writes then fail saying why.
package store

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// schema holds one statement list per version; version N+1 applies on top of N.
var schema = [][]string{
	1: {
		`CREATE TABLE IF NOT EXISTS containers (
			id      TEXT PRIMARY KEY NOT NULL,
			name    TEXT NOT NULL UNIQUE,
			created INTEGER NOT NULL,
			config  TEXT NOT NULL,
			state   TEXT NOT NULL
		)`,
		`CREATE TABLE IF NOT EXISTS exec_sessions (
			id           TEXT PRIMARY KEY NOT NULL,
			container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
			data         TEXT NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS exec_by_container ON exec_sessions(container_id)`,
		`CREATE TABLE IF NOT EXISTS exit_codes (
			id   TEXT PRIMARY KEY NOT NULL,
			code INTEGER NOT NULL,
			at   INTEGER NOT NULL
		)`,
	},
	2: {
		// Exit codes are found by name too: `run -d --rm --name x` then `wait x`.
		`ALTER TABLE exit_codes ADD COLUMN name TEXT NOT NULL DEFAULT ''`,
		`CREATE INDEX IF NOT EXISTS exit_codes_by_name ON exit_codes(name)`,
	},
	3: {
		// Pods (pods.go): a pod's members name it in their config JSON.
		`CREATE TABLE IF NOT EXISTS pods (
			id      TEXT PRIMARY KEY NOT NULL,
			name    TEXT NOT NULL UNIQUE,
			created INTEGER NOT NULL,
			config  TEXT NOT NULL,
			state   TEXT NOT NULL
		)`,
	},
	4: {
		// Named and anonymous volumes (volumes.go); the name is the key
		// and decides between parallel creators.
		`CREATE TABLE IF NOT EXISTS volumes (
			name    TEXT PRIMARY KEY NOT NULL,
			created INTEGER NOT NULL,
			config  TEXT NOT NULL,
			state   TEXT NOT NULL
		)`,
	},
}

// Store is an open state database.
type Store struct {
	db   *sql.DB
	path string
	// readOnly is why the database could only be opened for reading (its
	// disk is full or read-only); writes then fail with it, untried.
	readOnly error
}

// Row is one container as stored.
type Row struct {
	ID      string
	Name    string
	Created int64 // unix nanoseconds
	Config  []byte
	State   []byte
}

// Open opens (creating when needed) the database at path. When the disk
// under it is full or read-only, it opens the database for reading only
// (see openReadOnly): listing and inspecting containers keep working, and
// every write fails with an error that says why.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating state directory: %w", err)
	}
	private(path)
	s, err := openDSN(path, "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=30000&_foreign_keys=1&_txlock=immediate")
	if err == nil || !diskUnwritable(err) {
		return s, err
	}
	ro, roErr := openReadOnly(path)
	if roErr != nil {
		return nil, errors.Join(err, roErr)
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		err = se // the cause, without "reading state database <path>"
	}
	ro.readOnly = err
	return ro, nil
}

// private makes the database file (and so its -wal and -shm files, which
// SQLite creates with the main file's mode) readable by its owner only, as
// Podman keeps its state: it names every container, image and command line.
// A database made by an older pod with 0644 is tightened. Errors are left
// to the open that follows.
func private(path string) {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		_ = f.Chmod(fi.Mode().Perm() &^ 0o077)
		for _, side := range []string{"-wal", "-shm"} {
			_ = os.Chmod(path+side, fi.Mode().Perm()&^0o077)
		}
	}
}

// openReadOnly opens the database for reading without writing anything:
// mode=ro, and readonly_shm so that SQLite maps the WAL index (the -shm
// file) read-only when another process keeps it, and else reads the WAL
// into memory instead of creating and growing that file (which needs disk
// space: that is what failed on a full disk).
func openReadOnly(path string) (*Store, error) {
	return openDSN(path, "file:"+path+"?mode=ro&readonly_shm=1&_busy_timeout=30000&_foreign_keys=1")
}

func openDSN(path, dsn string) (*Store, error) {
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening state database %s: %w", path, err)
	}
	// One connection per process: goroutines of one pod (the verbs on many
	// containers run in parallel) queue in Go instead of meeting SQLite's
	// busy handler, which sleeps up to 100 ms per retry between writers.
	// No method keeps rows open across a call, so one connection suffices;
	// other processes still wait through _busy_timeout.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path}
	// Processes that open a new database at the same moment race to switch
	// it to WAL mode, which SQLite does not retry: retry here.
	for delay := time.Millisecond; ; delay *= 2 {
		err = s.migrate()
		if err == nil {
			return s, nil
		}
		if !isBusy(err) || delay > 2*time.Second {
			db.Close()
			return nil, err
		}
		time.Sleep(delay)
	}
}

// diskUnwritable reports whether err says that the disk under the database
// takes no writes: full, over quota, or mounted read-only.
func diskUnwritable(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
		return true
	}
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EROFS) ||
		(errors.As(err, &se) && (se.SystemErrno == syscall.ENOSPC || se.SystemErrno == syscall.EDQUOT || se.SystemErrno == syscall.EROFS))
}

// writable returns nil when the database takes writes, else an error saying
// why not, for the write named by what.
func (s *Store) writable(what string) error {
	if s.readOnly == nil {
		return nil
	}
	return fmt.Errorf("%s: the disk under the state database %s takes no writes (%w): free space on it (or make it writable) and retry", what, s.path, s.readOnly)
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) migrate() error {
	var version int
	if err := s.db.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil {
		var se sqlite3.Error
		if errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB) {
			return fmt.Errorf("state database %s is damaged (%w): restore it from a backup, or move it and its -wal/-shm files away to start with an empty state (the containers' storage stays; `pod ps --external` lists it)", s.path, err)
		}
		return fmt.Errorf("reading state database %s: %w", s.path, err)
	}
	latest := len(schema) - 1
	if version == latest {
		return nil
	}
	if err := s.writable("migrating the state database"); err != nil {
		return err
	}
	if version > latest {
		return fmt.Errorf("state database %s has schema version %d, newer than this pod supports (%d): upgrade pod: %w",
			s.path, version, latest, errdefs.ErrInvalidArgument)
	}
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Re-read under the write lock: another process may have migrated meanwhile.
	if err := tx.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil {
		return err
	}
	for v := version + 1; v <= latest; v++ {
		for _, stmt := range schema[v] {
			if _, err := tx.Exec(stmt); err != nil {
				return fmt.Errorf("migrating state database to version %d: %w", v, err)
			}
		}
	}
	if _, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, latest)); err != nil {
		return err
	}
	return tx.Commit()
}

// Add inserts a new container. A taken name or ID is errdefs.ErrAlreadyExists.
func (s *Store) Add(r *Row) error { return containerRows.add(s, r) }

// Get returns the container whose ID is id.
func (s *Store) Get(id string) (*Row, error) { return containerRows.get(s, id) }

// LookupID resolves a name, a full ID or a unique ID prefix to a full ID.
func (s *Store) LookupID(nameOrID string) (string, error) { return containerRows.lookupID(s, nameOrID) }

func isHexPrefix(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// List returns every container, oldest first.
func (s *Store) List() ([]*Row, error) { return containerRows.list(s) }

// SaveState replaces the mutable state of container id.
func (s *Store) SaveState(id string, state []byte) error {
	return containerRows.update(s, "saving state of", id, "state = ?", string(state))
}

// SaveConfig replaces the config of container id (rename, runtime switch).
func (s *Store) SaveConfig(id, name string, config []byte) error {
	return containerRows.update(s, "saving config of", id, "name = ?, config = ?", name, string(config))
}

// SaveConfigAndState replaces config and state of container id in one
// statement (network connect: the network and its addresses together).
func (s *Store) SaveConfigAndState(id string, config, state []byte) error {
	return containerRows.update(s, "saving config and state of", id, "config = ?, state = ?", string(config), string(state))
}

// Remove deletes container id and its exec sessions. Removing a missing
// container is not an error.
func (s *Store) Remove(id string) error { return containerRows.remove(s, id) }

// NameTaken reports whether a container already uses name.
func (s *Store) NameTaken(name string) (bool, error) {
	var n int
	err := s.db.QueryRow(`SELECT COUNT(*) FROM containers WHERE name = ?`, name).Scan(&n)
	return n > 0, err
}

// SaveExec stores (inserting or replacing) exec session id of container ctrID.
func (s *Store) SaveExec(id, ctrID string, data []byte) error {
	if err := s.writable("saving exec session " + id); err != nil {
		return err
	}
	_, err := s.db.Exec(`INSERT INTO exec_sessions (id, container_id, data) VALUES (?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET data = excluded.data`, id, ctrID, string(data))
	if err != nil {
		return fmt.Errorf("saving exec session %s: %w", id, err)
	}
	return nil
}

// Execs returns the exec sessions of container ctrID, keyed by session ID.
func (s *Store) Execs(ctrID string) (map[string][]byte, error) {
	rows, err := s.db.Query(`SELECT id, data FROM exec_sessions WHERE container_id = ?`, ctrID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return nil, err
		}
		out[id] = []byte(data)
	}
	return out, rows.Err()
}

// RemoveExec deletes exec session id.
func (s *Store) RemoveExec(id string) error {
	if err := s.writable("removing exec session " + id); err != nil {
		return err
	}
	_, err := s.db.Exec(`DELETE FROM exec_sessions WHERE id = ?`, id)
	return err
}

// exitCodeRetention is how long exit codes of removed containers are kept.
const exitCodeRetention = 5 * time.Minute

// SaveExitCode records the exit code of a container about to be removed, so
// that `wait` and a foreground `run --rm` can still report it, and prunes
// codes older than five minutes.
func (s *Store) SaveExitCode(id, name string, code int, at time.Time) error {
	if err := s.writable("saving the exit code of container " + id); err != nil {
		return err
	}
	_, err := s.db.Exec(`INSERT OR REPLACE INTO exit_codes (id, name, code, at) VALUES (?, ?, ?, ?)`, id, name, code, at.UnixNano())
	if err != nil {
		return err
	}
	_, err = s.db.Exec(`DELETE FROM exit_codes WHERE at < ?`, time.Now().Add(-exitCodeRetention).UnixNano())
	return err
}

// ExitCode returns the recorded exit code of a removed container, by full
// ID or by name (the most recent container of that name).
func (s *Store) ExitCode(ref string) (int, bool, error) {
	var code int
	err := s.db.QueryRow(`SELECT code FROM exit_codes WHERE id = ?1 OR name = ?1 ORDER BY at DESC LIMIT 1`, ref).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return code, err == nil, err
}

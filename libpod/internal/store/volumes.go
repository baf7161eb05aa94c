package store

import (
	"database/sql"
	"errors"
	"fmt"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// VolumeRow is one volume as stored.
type VolumeRow struct {
	Name    string
	Created int64 // unix nanoseconds
	Config  []byte
	State   []byte
}

// ErrNoSuchVolume is Podman's "no such volume" (a NotFound).
var ErrNoSuchVolume = errdefs.WithClass(errors.New("no such volume"), errdefs.ErrNotFound)

// ErrVolumeExists is Podman's "volume already exists" (an AlreadyExists).
var ErrVolumeExists = errdefs.WithClass(errors.New("volume already exists"), errdefs.ErrAlreadyExists)

// AddVolume inserts a new volume; a taken name is errdefs.ErrAlreadyExists.
func (s *Store) AddVolume(r *VolumeRow) error {
	if err := s.writable("adding volume " + r.Name); err != nil {
		return err
	}
	_, err := s.db.Exec(`INSERT INTO volumes (name, created, config, state) VALUES (?, ?, ?, ?)`,
		r.Name, r.Created, string(r.Config), string(r.State))
	if err != nil {
		var se sqlite3.Error
		if errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey || se.ExtendedCode == sqlite3.ErrConstraintUnique) {
			return fmt.Errorf("volume with name %s already exists: %w", r.Name, ErrVolumeExists)
		}
		return fmt.Errorf("adding volume %s: %w", r.Name, err)
	}
	return nil
}

// GetVolume returns the volume named name.
func (s *Store) GetVolume(name string) (*VolumeRow, error) {
	r := &VolumeRow{}
	var cfg, st string
	err := s.db.QueryRow(`SELECT name, created, config, state FROM volumes WHERE name = ?`, name).
		Scan(&r.Name, &r.Created, &cfg, &st)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("no volume with name %q found: %w", name, ErrNoSuchVolume)
	}
	if err != nil {
		return nil, err
	}
	r.Config, r.State = []byte(cfg), []byte(st)
	return r, nil
}

// ListVolumes returns every volume, by creation time.
func (s *Store) ListVolumes() ([]*VolumeRow, error) {
	rows, err := s.db.Query(`SELECT name, created, config, state FROM volumes ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*VolumeRow
	for rows.Next() {
		r := &VolumeRow{}
		var cfg, st string
		if err := rows.Scan(&r.Name, &r.Created, &cfg, &st); err != nil {
			return nil, err
		}
		r.Config, r.State = []byte(cfg), []byte(st)
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveVolumeState replaces a volume's state.
func (s *Store) SaveVolumeState(name string, state []byte) error {
	if err := s.writable("saving volume " + name); err != nil {
		return err
	}
	res, err := s.db.Exec(`UPDATE volumes SET state = ? WHERE name = ?`, string(state), name)
	if err != nil {
		return fmt.Errorf("saving volume %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("no volume with name %q found: %w", name, ErrNoSuchVolume)
	}
	return nil
}

// RemoveVolume deletes a volume's row.
func (s *Store) RemoveVolume(name string) error {
	if err := s.writable("removing volume " + name); err != nil {
		return err
	}
	if _, err := s.db.Exec(`DELETE FROM volumes WHERE name = ?`, name); err != nil {
		return fmt.Errorf("removing volume %s: %w", name, err)
	}
	return nil
}

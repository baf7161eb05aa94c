package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Pods are stored like containers (schema version 3): one row with the
// pod's immutable config and its mutable state as JSON. Which containers
// belong to a pod is recorded in the containers' configs, not here.

// AddPod inserts a new pod. A taken name or ID is errdefs.ErrAlreadyExists.
func (s *Store) AddPod(r *Row) error {
	if err := s.writable("adding pod " + r.Name); err != nil {
		return err
	}
	_, err := s.db.Exec(`INSERT INTO pods (id, name, created, config, state) VALUES (?, ?, ?, ?, ?)`,
		r.ID, r.Name, r.Created, string(r.Config), string(r.State))
	if err != nil {
		var se sqlite3.Error
		if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
			if strings.Contains(err.Error(), "pods.name") {
				return fmt.Errorf("the pod name %q is already in use: choose another name, remove that pod or use --replace: %w", r.Name, errdefs.ErrAlreadyExists)
			}
			return fmt.Errorf("pod ID %s already exists: %w", r.ID, errdefs.ErrAlreadyExists)
		}
		return fmt.Errorf("adding pod %s: %w", r.Name, err)
	}
	return nil
}

// GetPod returns the pod whose ID is id.
func (s *Store) GetPod(id string) (*Row, error) {
	r := &Row{}
	var cfg, st string
	err := s.db.QueryRow(`SELECT id, name, created, config, state FROM pods WHERE id = ?`, id).
		Scan(&r.ID, &r.Name, &r.Created, &cfg, &st)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("no pod with ID %s: %w", id, errdefs.ErrNoSuchPod)
	}
	if err != nil {
		return nil, err
	}
	r.Config, r.State = []byte(cfg), []byte(st)
	return r, nil
}

// LookupPodID resolves a pod name, full ID or unique ID prefix to a full ID.
func (s *Store) LookupPodID(nameOrID string) (string, error) {
	if nameOrID == "" {
		return "", fmt.Errorf("empty pod name or ID: %w", errdefs.ErrInvalidArgument)
	}
	var id string
	err := s.db.QueryRow(`SELECT id FROM pods WHERE name = ? OR id = ?`, nameOrID, nameOrID).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	notFound := fmt.Errorf("no pod with name or ID %s found: %w", nameOrID, errdefs.ErrNoSuchPod)
	if !isHexPrefix(nameOrID) {
		return "", notFound
	}
	rows, err := s.db.Query(`SELECT id FROM pods WHERE id >= ? AND id < ? LIMIT 2`, nameOrID, nameOrID+"g")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	switch len(ids) {
	case 0:
		return "", notFound
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("more than one pod matches the ID prefix %q: give more characters: %w", nameOrID, errdefs.ErrInvalidArgument)
}

// ListPods returns every pod, oldest first.
func (s *Store) ListPods() ([]*Row, error) {
	rows, err := s.db.Query(`SELECT id, name, created, config, state FROM pods ORDER BY created`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Row
	for rows.Next() {
		r := &Row{}
		var cfg, st string
		if err := rows.Scan(&r.ID, &r.Name, &r.Created, &cfg, &st); err != nil {
			return nil, err
		}
		r.Config, r.State = []byte(cfg), []byte(st)
		out = append(out, r)
	}
	return out, rows.Err()
}

// SavePod replaces the config and state of pod id.
func (s *Store) SavePod(id string, config, state []byte) error {
	if err := s.writable("saving pod " + id); err != nil {
		return err
	}
	res, err := s.db.Exec(`UPDATE pods SET config = ?, state = ? WHERE id = ?`, string(config), string(state), id)
	if err != nil {
		return fmt.Errorf("saving pod %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("no pod with ID %s found: %w", id, errdefs.ErrNoSuchPod)
	}
	return nil
}

// RemovePod deletes pod id. Removing a missing pod is not an error.
func (s *Store) RemovePod(id string) error {
	if err := s.writable("removing pod " + id + " from the state database"); err != nil {
		return err
	}
	if _, err := s.db.Exec(`DELETE FROM pods WHERE id = ?`, id); err != nil {
		return fmt.Errorf("removing pod %s from the state database: %w", id, err)
	}
	return nil
}

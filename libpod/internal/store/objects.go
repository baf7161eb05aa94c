package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// object is a table of objects kept alike (containers, pods): one row each
// with an ID, a unique name, the creation time, the immutable config and
// the mutable state as JSON. The methods below serve every such table;
// store.go and pods.go name the table and its words.
type object struct {
	table, noun string
	// missing is the class of "no such object" errors; getMissing that of
	// Get with a full ID (kept as each table has always said it).
	missing, getMissing error
	// taken is the advice after "the NOUN name "X" is already in use: ".
	taken string
	// quoteLookup quotes the name in "no NOUN with name or ID X found" (as
	// Podman words it for containers, not for pods).
	quoteLookup bool
}

var (
	containerRows = object{table: "containers", noun: "container", missing: errdefs.ErrNoSuchContainer,
		getMissing: errdefs.ErrNotFound, taken: "choose another name or remove that container", quoteLookup: true}
	podRows = object{table: "pods", noun: "pod", missing: errdefs.ErrNoSuchPod,
		getMissing: errdefs.ErrNoSuchPod, taken: "choose another name, remove that pod or use --replace"}
)

const rowColumns = `id, name, created, config, state`

func (o object) add(s *Store, r *Row) error {
	if err := s.writable("adding " + o.noun + " " + r.Name); err != nil {
		return err
	}
	_, err := s.db.Exec(`INSERT INTO `+o.table+` (`+rowColumns+`) VALUES (?, ?, ?, ?, ?)`,
		r.ID, r.Name, r.Created, string(r.Config), string(r.State))
	if err != nil {
		var se sqlite3.Error
		if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
			if strings.Contains(err.Error(), o.table+".name") {
				return fmt.Errorf("the %s name %q is already in use: %s: %w", o.noun, r.Name, o.taken, errdefs.ErrAlreadyExists)
			}
			return fmt.Errorf("%s ID %s already exists: %w", o.noun, r.ID, errdefs.ErrAlreadyExists)
		}
		return fmt.Errorf("adding %s %s: %w", o.noun, r.Name, err)
	}
	return nil
}

func scanRow(sc interface{ Scan(...any) error }) (*Row, error) {
	r := &Row{}
	var cfg, st string
	if err := sc.Scan(&r.ID, &r.Name, &r.Created, &cfg, &st); err != nil {
		return nil, err
	}
	r.Config, r.State = []byte(cfg), []byte(st)
	return r, nil
}

func (o object) get(s *Store, id string) (*Row, error) {
	r, err := scanRow(s.db.QueryRow(`SELECT `+rowColumns+` FROM `+o.table+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("no %s with ID %s: %w", o.noun, id, o.getMissing)
	}
	return r, err
}

func (o object) notFound(nameOrID string) error {
	if o.quoteLookup {
		return fmt.Errorf("no %s with name or ID %q found: %w", o.noun, nameOrID, o.missing)
	}
	return fmt.Errorf("no %s with name or ID %s found: %w", o.noun, nameOrID, o.missing)
}

// lookupID resolves a name, a full ID or a unique ID prefix to a full ID.
func (o object) lookupID(s *Store, nameOrID string) (string, error) {
	if nameOrID == "" {
		return "", fmt.Errorf("empty %s name or ID: %w", o.noun, errdefs.ErrInvalidArgument)
	}
	var id string
	err := s.db.QueryRow(`SELECT id FROM `+o.table+` WHERE name = ? OR id = ?`, nameOrID, nameOrID).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	if !isHexPrefix(nameOrID) {
		return "", o.notFound(nameOrID)
	}
	rows, err := s.db.Query(`SELECT id FROM `+o.table+` WHERE id >= ? AND id < ? LIMIT 2`, nameOrID, nameOrID+"g")
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
		return "", o.notFound(nameOrID)
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("more than one %s matches the ID prefix %q: give more characters: %w", o.noun, nameOrID, errdefs.ErrInvalidArgument)
}

// list returns every row, oldest first.
func (o object) list(s *Store) ([]*Row, error) {
	rows, err := s.db.Query(`SELECT ` + rowColumns + ` FROM ` + o.table + ` ORDER BY created`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Row
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// update runs an UPDATE of row id; no such row is the object's missing error.
func (o object) update(s *Store, what, id, set string, args ...any) error {
	if err := s.writable(what + " " + o.noun + " " + id); err != nil {
		return err
	}
	res, err := s.db.Exec(`UPDATE `+o.table+` SET `+set+` WHERE id = ?`, append(args, id)...)
	if err != nil {
		var se sqlite3.Error
		if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique && strings.HasPrefix(set, "name =") {
			return fmt.Errorf("the %s name %q is already in use: %w", o.noun, args[0], errdefs.ErrAlreadyExists)
		}
		return fmt.Errorf("%s %s %s: %w", what, o.noun, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("no %s with ID %s found: %w", o.noun, id, o.missing)
	}
	return nil
}

// remove deletes row id; a missing row is not an error.
func (o object) remove(s *Store, id string) error {
	if err := s.writable("removing " + o.noun + " " + id + " from the state database"); err != nil {
		return err
	}
	if _, err := s.db.Exec(`DELETE FROM `+o.table+` WHERE id = ?`, id); err != nil {
		return fmt.Errorf("removing %s %s from the state database: %w", o.noun, id, err)
	}
	return nil
}

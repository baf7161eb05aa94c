// Package secret is pod's secrets subsystem: `pod secret` and the secrets a
// container gets with --secret. Secrets live where Podman keeps them
// (<graphroot>/secrets, file driver data in its filedriver directory), so
// both engines see the same ones. Storage, drivers (file, pass, shell) and
// the on-disk database are go.podman.io/common/pkg/secrets'; this package
// adds what that library lacks: Podman's error classes and defaults, the
// inspect shape the CLI prints, and the --secret reference syntax (ref.go).
package secret

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.podman.io/common/pkg/secrets"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Store is the secrets of one storage root.
type Store struct {
	dir string
	m   *secrets.SecretsManager
}

// Open opens (creating when missing) the secrets under graphRoot.
func Open(graphRoot string) (*Store, error) {
	dir := filepath.Join(graphRoot, "secrets")
	m, err := secrets.NewManager(dir)
	if err != nil {
		return nil, fmt.Errorf("opening the secrets in %s: %w", dir, err)
	}
	return &Store{dir: dir, m: m}, nil
}

// CreateOptions are `secret create`'s settings.
type CreateOptions struct {
	Driver     string            // default "file"
	DriverOpts map[string]string // the file driver's "path" defaults to Podman's
	Labels     map[string]string
	Replace    bool // replace a secret of the same name (Podman 5's --replace)
}

// Create stores data as the secret name and returns its ID.
func (s *Store) Create(name string, data []byte, o CreateOptions) (string, error) {
	if o.Driver == "" {
		o.Driver = "file"
	}
	opts := map[string]string{}
	for k, v := range o.DriverOpts {
		opts[k] = v
	}
	if o.Driver == "file" && opts["path"] == "" {
		opts["path"] = filepath.Join(s.dir, "filedriver")
	}
	id, err := s.m.Store(name, data, o.Driver, secrets.StoreOptions{DriverOpts: opts, Labels: o.Labels, Replace: o.Replace})
	if err != nil {
		return "", classify(err)
	}
	return id, nil
}

// Info is one secret as `secret inspect` and `secret ls --format json` print it.
type Info struct {
	ID        string    `json:"ID"`
	CreatedAt time.Time `json:"CreatedAt"`
	UpdatedAt time.Time `json:"UpdatedAt"`
	Spec      Spec      `json:"Spec"`
}

// Spec is the secret's name, driver and labels.
type Spec struct {
	Name   string            `json:"Name"`
	Driver Driver            `json:"Driver"`
	Labels map[string]string `json:"Labels"`
}

// Driver is the secret's driver and its options.
type Driver struct {
	Name    string            `json:"Name"`
	Options map[string]string `json:"Options"`
}

func info(sec *secrets.Secret) Info {
	return Info{
		ID: sec.ID, CreatedAt: sec.CreatedAt, UpdatedAt: sec.UpdatedAt,
		Spec: Spec{Name: sec.Name, Driver: Driver{Name: sec.Driver, Options: sec.DriverOptions}, Labels: sec.Labels},
	}
}

// Inspect returns the secret named by its name, ID or a unique ID prefix.
func (s *Store) Inspect(nameOrID string) (Info, error) {
	sec, err := s.m.Lookup(nameOrID)
	if err != nil {
		return Info{}, classify(err)
	}
	return info(sec), nil
}

// List returns every secret, oldest first.
func (s *Store) List() ([]Info, error) {
	all, err := s.m.List()
	if err != nil {
		return nil, classify(err)
	}
	out := make([]Info, 0, len(all))
	for i := range all {
		out = append(out, info(&all[i]))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

// Remove deletes a secret and returns its ID.
func (s *Store) Remove(nameOrID string) (string, error) {
	id, err := s.m.Delete(nameOrID)
	if err != nil {
		return "", classify(err)
	}
	return id, nil
}

// Data returns a secret's metadata and its payload.
func (s *Store) Data(nameOrID string) (Info, []byte, error) {
	sec, data, err := s.m.LookupSecretData(nameOrID)
	if err != nil {
		return Info{}, nil, classify(err)
	}
	return info(sec), data, nil
}

// classify gives the library's errors pod's error classes, keeping the
// library's words (Podman prints the same ones).
func classify(err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, secrets.ErrNoSuchSecret):
		return errdefs.WithClass(err, errdefs.ErrNotFound)
	case strings.Contains(msg, "secret name in use"):
		return errdefs.WithClass(err, errdefs.ErrAlreadyExists)
	case strings.Contains(msg, "invalid secret name"), strings.Contains(msg, "invalid driver"),
		strings.Contains(msg, "secret data must be"), strings.Contains(msg, "ambiguous"):
		return errdefs.WithClass(err, errdefs.ErrInvalidArgument)
	}
	return err
}

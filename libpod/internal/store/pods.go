package store

// Pods are stored like containers (schema version 3): one row with the
// pod's immutable config and its mutable state as JSON. Which containers
// belong to a pod is recorded in the containers' configs, not here.

// AddPod inserts a new pod. A taken name or ID is errdefs.ErrAlreadyExists.
func (s *Store) AddPod(r *Row) error { return podRows.add(s, r) }

// GetPod returns the pod whose ID is id.
func (s *Store) GetPod(id string) (*Row, error) { return podRows.get(s, id) }

// LookupPodID resolves a pod name, full ID or unique ID prefix to a full ID.
func (s *Store) LookupPodID(nameOrID string) (string, error) { return podRows.lookupID(s, nameOrID) }

// ListPods returns every pod, oldest first.
func (s *Store) ListPods() ([]*Row, error) { return podRows.list(s) }

// SavePod replaces the config and state of pod id.
func (s *Store) SavePod(id string, config, state []byte) error {
	return podRows.update(s, "saving", id, "config = ?, state = ?", string(config), string(state))
}

// RemovePod deletes pod id. Removing a missing pod is not an error.
func (s *Store) RemovePod(id string) error { return podRows.remove(s, id) }

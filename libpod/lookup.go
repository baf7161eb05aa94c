package libpod

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pod-engine/pod/libpod/internal/store"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
)

func (r *Runtime) fromRow(row *store.Row) (*Container, error) {
	c := &Container{rt: r}
	if err := json.Unmarshal(row.Config, &c.config); err != nil {
		return nil, fmt.Errorf("container %s: corrupt config in the state database: %w", row.ID, err)
	}
	if err := json.Unmarshal(row.State, &c.state); err != nil {
		return nil, fmt.Errorf("container %s: corrupt state in the state database: %w", row.ID, err)
	}
	c.config.Name = row.Name
	return c, nil
}

// LookupContainer finds a container by name, full ID or unique ID prefix.
// The result is synced with its exit file in memory but not locked.
func (r *Runtime) LookupContainer(nameOrID string) (*Container, error) {
	db, err := r.state()
	if err != nil {
		return nil, err
	}
	id, err := db.LookupID(nameOrID)
	if err != nil {
		return nil, err
	}
	row, err := db.Get(id)
	if err != nil {
		return nil, err
	}
	c, err := r.fromRow(row)
	if err != nil {
		return nil, err
	}
	c.syncExit()
	return c, nil
}

// Containers returns every container, oldest first, synced in memory.
func (r *Runtime) Containers() ([]*Container, error) {
	db, err := r.state()
	if err != nil {
		return nil, err
	}
	rows, err := db.List()
	if err != nil {
		return nil, err
	}
	out := make([]*Container, 0, len(rows))
	for _, row := range rows {
		c, err := r.fromRow(row)
		if err != nil {
			return nil, err
		}
		c.syncExit()
		out = append(out, c)
	}
	return out, nil
}

// ContainerExists reports whether a container with that name or ID exists.
func (r *Runtime) ContainerExists(nameOrID string) (bool, error) {
	_, err := r.LookupContainer(nameOrID)
	if errors.Is(err, errdefs.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// lock takes the container's lock and re-reads its state, which may have
// changed since the snapshot was taken; a state changed by the exit file is
// saved at once. A container removed meanwhile is errdefs.ErrNotFound.
func (c *Container) lockAndSync() error {
	l, err := c.rt.locks.Lock(c.config.ID)
	if err != nil {
		return err
	}
	c.lock = l
	if err := c.reload(); err != nil {
		if errors.Is(err, errdefs.ErrNotFound) {
			// Removed meanwhile, for good: taking the lock re-created its
			// file, which would stay behind.
			c.rt.locks.Remove(c.config.ID)
		}
		c.unlock()
		return err
	}
	was := c.state.Status
	if c.syncExit() {
		if err := c.save(); err != nil {
			c.unlock()
			return err
		}
		c.noteStopped(was)
	}
	if c.state.NetPending != nil {
		c.settleNetPending() // its pod process died: the lock is ours
	}
	return nil
}

func (c *Container) unlock() {
	c.lock.Unlock()
	c.lock = nil
}

// reload re-reads config and state from the database.
func (c *Container) reload() error {
	db, err := c.rt.state()
	if err != nil {
		return err
	}
	row, err := db.Get(c.config.ID)
	if errors.Is(err, errdefs.ErrNotFound) {
		return fmt.Errorf("container %s: %w", c.config.Name, errdefs.ErrNoSuchContainer)
	}
	if err != nil {
		return fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	fresh, err := c.rt.fromRow(row)
	if err != nil {
		return err
	}
	c.config, c.state = fresh.config, fresh.state
	return nil
}

// LatestContainer returns the most recently created container (--latest).
func (r *Runtime) LatestContainer() (*Container, error) {
	cs, err := r.Containers()
	if err != nil {
		return nil, err
	}
	var latest *Container
	for _, c := range cs {
		if latest == nil || c.config.Created.After(latest.config.Created) {
			latest = c
		}
	}
	if latest == nil {
		return nil, fmt.Errorf("no containers to act on with --latest: %w", errdefs.ErrNoSuchContainer)
	}
	return latest, nil
}

// noteStopped writes the died event of a container that was in state was
// and has just been seen to stop.
func (c *Container) noteStopped(was Status) {
	if was != StatusStopped && c.state.Status == StatusStopped {
		c.exitEvent(events.Exited, c.state.ExitCode, nil)
	}
}

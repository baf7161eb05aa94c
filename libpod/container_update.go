package libpod

import (
	"encoding/json"
	"fmt"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// Rename gives the container a new name.
func (c *Container) Rename(name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if err := c.lockAndSync(); err != nil {
		return err
	}
	defer c.unlock()
	if c.state.Status == StatusRemoving {
		return fmt.Errorf("container %s is being removed: %w", c.config.Name, errdefs.ErrConflict)
	}
	old := c.config.Name
	c.config.Name = name
	if err := c.saveConfig(); err != nil {
		return err
	}
	if c.config.Storage {
		store, err := c.rt.images()
		if err == nil {
			err = store.RenameContainer(c.config.ID, old, name)
		}
		if err != nil {
			c.rt.warnf("container %s: %v", name, err)
		}
	}
	c.event(events.Rename)
	return nil
}

// SetRuntime switches a container that is not running to another runtime
// (a name, shim type, alias or absolute path), recording the new one. Podman
// can only migrate all containers at once; pod does it per container.
func (c *Container) SetRuntime(name string) (ocirt.Handle, error) {
	if err := c.lockAndSync(); err != nil {
		return ocirt.Handle{}, err
	}
	defer c.unlock()
	if _, err := checkVerb(VerbUpdate, c.config.ID, c.state.Status, false); err != nil {
		return ocirt.Handle{}, err
	}
	h, err := c.rt.resolveRuntime(&CreateOptions{Runtime: name, Spec: c.config.Spec})
	if err != nil {
		return ocirt.Handle{}, err
	}
	c.config.Runtime = h
	c.state.Task = ocirt.TaskRef{}
	if err := c.saveConfig(); err != nil {
		return ocirt.Handle{}, err
	}
	return h, c.save()
}

func (c *Container) saveConfig() error {
	db, err := c.rt.state()
	if err != nil {
		return err
	}
	data, err := json.Marshal(&c.config)
	if err != nil {
		return err
	}
	return db.SaveConfig(c.config.ID, c.config.Name, data)
}

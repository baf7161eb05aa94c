package libpod

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pod-engine/pod/libpod/internal/store"
)

// aliveFile marks that this boot's state was checked. It lives in tmp_dir,
// which must be a tmpfs: after a reboot it is gone, and so are every
// container's processes, mounts, monitors and runtime state.
func (r *Runtime) aliveFile() string { return filepath.Join(r.paths.TmpDir, "pod-alive") }

// refreshAfterReboot brings the state database in line with a fresh boot:
// containers that were alive are marked exited (exit code unknown), created
// ones go back to configured. It runs once per boot, under the runtime lock.
func (r *Runtime) refreshAfterReboot(db *store.Store) error {
	if _, err := os.Stat(r.aliveFile()); err == nil {
		return nil
	}
	l, err := r.locks.Lock("runtime")
	if err != nil {
		return err
	}
	defer l.Unlock()
	if _, err := os.Stat(r.aliveFile()); err == nil {
		return nil // another process refreshed meanwhile
	}
	rows, err := db.List()
	if err != nil {
		return err
	}
	var errs []error
	for _, row := range rows {
		c, err := r.fromRow(row)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := c.refresh(db); err != nil {
			errs = append(errs, err)
		}
	}
	if err := os.MkdirAll(r.paths.TmpDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(r.aliveFile(), []byte(time.Now().Format(time.RFC3339)), 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", r.aliveFile(), err)
	}
	return errors.Join(errs...)
}

// refresh resets one container after a reboot.
// It writes through db: it runs while the Runtime's database is being opened.
func (c *Container) refresh(db *store.Store) error {
	l, err := c.rt.locks.Lock(c.config.ID)
	if err != nil {
		return err
	}
	defer l.Unlock()
	switch c.state.Status {
	case StatusRunning, StatusPaused, StatusStopping:
		c.state.Status = StatusExited
		c.state.ExitCode = -1
		c.state.Error = "the host rebooted while the container ran"
	case StatusStopped:
		c.state.Status = StatusExited
	case StatusCreated:
		c.state.Status = StatusConfigured
	case StatusRemoving:
	default:
		return nil
	}
	c.state.Task.Pid, c.state.Task.MonitorPid, c.state.MonitorStart = 0, 0, 0
	c.state.StopperPid, c.state.StopperStart = 0, 0
	c.state.Mountpoint = ""
	data, err := json.Marshal(&c.state)
	if err != nil {
		return err
	}
	return db.SaveState(c.config.ID, data)
}

// Package lock provides the cross-process locks libpod takes around state
// changes: one flock(2) file per object in a lock directory on tmpfs. A lock
// dies with its process, so a killed pod never leaves a container locked.
//
// Lock order (see libpod/doc.go): the runtime lock, then pod locks, then
// container locks by ascending ID. LockOrdered takes several container locks
// in that order so two processes can never deadlock on them.
package lock

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"syscall"
)

// Manager hands out locks stored as files in one directory.
type Manager struct {
	dir string
}

// NewManager returns a manager whose lock files live in dir (created 0700).
func NewManager(dir string) (*Manager, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, dirError(dir, err)
	}
	return &Manager{dir: dir}, nil
}

// Locker is one held lock.
type Locker struct {
	f *os.File
}

// Lock takes the exclusive lock named name, blocking until it is free.
func (m *Manager) Lock(name string) (*Locker, error) {
	return m.lock(name, syscall.LOCK_EX)
}

// RLock takes the shared lock named name.
func (m *Manager) RLock(name string) (*Locker, error) {
	return m.lock(name, syscall.LOCK_SH)
}

func (m *Manager) lock(name string, how int) (*Locker, error) {
	if name == "" || filepath.Base(name) != name || name == "." || name == ".." {
		return nil, fmt.Errorf("invalid lock name %q", name)
	}
	path := filepath.Join(m.dir, name)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, openError(m.dir, path, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return &Locker{f: f}, nil
}

// Unlock releases the lock. It is safe to call on nil and more than once.
func (l *Locker) Unlock() {
	if l == nil || l.f == nil {
		return
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
	l.f = nil
}

// Remove deletes the lock file of name. Call it while holding the lock, when
// the object is gone for good.
func (m *Manager) Remove(name string) {
	_ = os.Remove(filepath.Join(m.dir, name))
}

// Set is several locks taken together.
type Set []*Locker

// Unlock releases every lock of the set in reverse order.
func (s Set) Unlock() {
	for i := len(s) - 1; i >= 0; i-- {
		s[i].Unlock()
	}
}

// LockOrdered takes the exclusive locks of names in ascending order (and each
// name once), the documented order that prevents deadlocks.
func (m *Manager) LockOrdered(names ...string) (Set, error) {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	var set Set
	for i, n := range sorted {
		if i > 0 && sorted[i-1] == n {
			continue
		}
		l, err := m.Lock(n)
		if err != nil {
			set.Unlock()
			return nil, err
		}
		set = append(set, l)
	}
	return set, nil
}

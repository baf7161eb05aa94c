// Package imagestore is the lean, lifecycle-side view of the image store that
// pod shares with Podman, Buildah, Skopeo and CRI-O: go.podman.io/storage.
//
// It owns what `pod create/run/start/rm` need from images and nothing more:
// opening the store with the same configuration rules as Podman
// (storage.conf, CONTAINERS_STORAGE_CONF, --root/--runroot/--storage-driver/
// --storage-opt), resolving a user-supplied image name to a local image the way
// Podman does locally (ID, ID prefix, full name, short name via registries.conf),
// reading the image config straight from the image's big data, and the
// per-container writable layer (create, mount, unmount, delete).
//
// It deliberately does not link the image-transfer stack
// (go.podman.io/common/libimage, go.podman.io/image/v5 transports): that stack
// costs tens of milliseconds of package init per process. Pulling, pushing,
// loading, saving and importing live in the pod-image helper binary
// (cmd/pod-image); see package imagehelper for how pod runs it.
package imagestore

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/pod-engine/pod/pkg/errdefs"
	"go.podman.io/storage"
	"go.podman.io/storage/types"
)

// Options select and override the store configuration. Empty fields keep
// what storage.conf (or the built-in defaults) says.
type Options struct {
	GraphRoot  string   // --root
	RunRoot    string   // --runroot
	Driver     string   // --storage-driver
	DriverOpts []string // --storage-opt; when set, replaces storage.conf's driver options
	// StorageConf, when set, is read instead of the default storage.conf
	// (which itself is $CONTAINERS_STORAGE_CONF or /etc/containers/storage.conf).
	StorageConf string
	// RegistriesConf, when set, is the registries.conf used for short-name
	// resolution; default $CONTAINERS_REGISTRIES_CONF, then the system files.
	RegistriesConf string
	// RegistriesConfDir, when set, replaces /etc/containers/registries.conf.d
	// (drop-ins, including shortnames.conf aliases).
	RegistriesConfDir string
}

// Store is an open go.podman.io/storage store. It is safe for concurrent use
// by several goroutines and, through storage's own file locks, by several
// processes (pod, pod-image, podman) sharing the same root.
type Store struct {
	store             storage.Store
	registriesConf    string
	registriesConfDir string
}

// storeOptionsMu serialises reading storage.conf: storage keeps a process-wide
// cache of the parsed file.
var storeOptionsMu sync.Mutex

// StoreOptions resolves o into go.podman.io/storage options exactly as Open
// does, without opening anything. pod-image uses it so both binaries agree on
// the store.
func StoreOptions(o Options) (types.StoreOptions, error) {
	storeOptionsMu.Lock()
	defer storeOptionsMu.Unlock()
	var opts types.StoreOptions
	var err error
	if o.StorageConf != "" {
		if _, statErr := os.Stat(o.StorageConf); statErr != nil {
			return opts, fmt.Errorf("storage configuration %s: %w: %w", o.StorageConf, errdefs.ErrInvalidArgument, statErr)
		}
		// The file replaces storage.conf; roots it does not set keep the
		// built-in defaults, as storage does for its own file.
		defaults, err := types.DefaultStoreOptions()
		if err != nil {
			return opts, fmt.Errorf("loading default storage options: %w", err)
		}
		if err := types.ReloadConfigurationFile(o.StorageConf, &opts); err != nil {
			return opts, fmt.Errorf("reading storage configuration %s: %w", o.StorageConf, err)
		}
		if opts.GraphRoot == "" {
			opts.GraphRoot = defaults.GraphRoot
		}
		if opts.RunRoot == "" {
			opts.RunRoot = defaults.RunRoot
		}
	} else {
		opts, err = types.DefaultStoreOptions()
		if err != nil {
			return opts, fmt.Errorf("loading storage configuration (storage.conf): %w", err)
		}
	}
	// Copy slices: DefaultStoreOptions hands out a shared value.
	opts.GraphDriverOptions = append([]string(nil), opts.GraphDriverOptions...)
	if o.GraphRoot != "" {
		opts.GraphRoot = o.GraphRoot
	}
	if o.RunRoot != "" {
		opts.RunRoot = o.RunRoot
	}
	if o.Driver != "" {
		if o.Driver != opts.GraphDriverName && o.DriverOpts == nil {
			// storage.conf's options belong to its driver (overlay.mountopt
			// makes vfs fail), so a different driver starts without them.
			opts.GraphDriverOptions = nil
		}
		opts.GraphDriverName = o.Driver
	}
	if o.DriverOpts != nil {
		opts.GraphDriverOptions = append([]string(nil), o.DriverOpts...)
	}
	if opts.GraphRoot == "" || opts.RunRoot == "" {
		return opts, fmt.Errorf("storage configuration has no graphroot/runroot: %w; set --root and --runroot", errdefs.ErrInvalidArgument)
	}
	return opts, nil
}

// Open opens (creating if needed) the store selected by o. Without a
// configured driver, storage picks one from its priority list: overlay when
// the kernel and filesystem allow it, vfs as the last resort. Call Shutdown
// when done.
func Open(o Options) (*Store, error) {
	opts, err := StoreOptions(o)
	if err != nil {
		return nil, err
	}
	st, err := storage.GetStore(opts)
	if err != nil {
		return nil, fmt.Errorf("opening image store at %s (driver %q): %w: %w", opts.GraphRoot, opts.GraphDriverName, errdefs.ErrUnavailable, err)
	}
	rc := o.RegistriesConf
	if rc == "" {
		rc = RegistriesConfFromEnv()
	}
	return &Store{store: st, registriesConf: rc, registriesConfDir: o.RegistriesConfDir}, nil
}

// RegistriesConfFromEnv returns the registries.conf path the environment
// selects ($CONTAINERS_REGISTRIES_CONF, then the legacy
// $REGISTRIES_CONFIG_PATH), or "" for the system default.
func RegistriesConfFromEnv() string {
	if v, ok := os.LookupEnv("CONTAINERS_REGISTRIES_CONF"); ok {
		return v
	}
	if v, ok := os.LookupEnv("REGISTRIES_CONFIG_PATH"); ok {
		return v
	}
	return ""
}

// Storage exposes the underlying go.podman.io/storage store for callers that
// need more than this package offers (pod-image hands it to libimage).
func (s *Store) Storage() storage.Store { return s.store }

// GraphRoot is the store's persistent root directory.
func (s *Store) GraphRoot() string { return s.store.GraphRoot() }

// RunRoot is the store's runtime (tmpfs) root directory.
func (s *Store) RunRoot() string { return s.store.RunRoot() }

// Driver is the name of the graph driver in use (overlay, vfs, …).
func (s *Store) Driver() string { return s.store.GraphDriverName() }

// Shutdown releases the store. With force, layers still mounted are
// unmounted; without it, mounted layers stay mounted (their containers are
// running) and Shutdown only drops this process's handle.
func (s *Store) Shutdown(force bool) {
	_, _ = s.store.Shutdown(force)
}

// mapErr turns a storage error into an errdefs class, keeping the text.
func mapErr(err error, what string) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, storage.ErrImageUnknown), errors.Is(err, storage.ErrContainerUnknown),
		errors.Is(err, storage.ErrLayerUnknown):
		return fmt.Errorf("%s: %w: %w", what, errdefs.ErrNotFound, err)
	case errors.Is(err, storage.ErrDuplicateName), errors.Is(err, storage.ErrDuplicateID):
		return fmt.Errorf("%s: %w: %w", what, errdefs.ErrAlreadyExists, err)
	case errors.Is(err, storage.ErrImageUsedByContainer), errors.Is(err, storage.ErrLayerUsedByContainer):
		return fmt.Errorf("%s: %w: %w", what, errdefs.ErrConflict, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

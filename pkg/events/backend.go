package events

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
)

// Options choose and configure a backend (containers.conf's events_logger,
// events_logfile_path, events_logfile_max_size; --events-backend).
type Options struct {
	Backend string // "file", "journald" or "none"
	LogFile string // the file backend's log; default <TmpDir>/events/events.log
	TmpDir  string
	MaxSize uint64 // rotate the file when it grows past this many bytes; 0: never
}

// Eventer writes and reads events.
type Eventer interface {
	Writer
	// Read sends the events that match o to o.Out until the log ends
	// (Stream false) or ctx is done; it closes o.Out.
	Read(ctx context.Context, o ReadOptions) error
	// String names the backend.
	String() string
}

// ErrNoJournald is returned by the journald backend where no journald runs.
var ErrNoJournald = errors.New("the journald events backend needs a running systemd-journald (/run/systemd/journal/socket): use --events-backend file or set events_logger = \"file\" in containers.conf")

// New returns the backend o names.
func New(o Options) (Eventer, error) {
	switch o.Backend {
	case "", "file":
		path := o.LogFile
		if path == "" {
			path = filepath.Join(o.TmpDir, "events", "events.log")
		}
		return &File{Path: path, MaxSize: o.MaxSize}, nil
	case "journald":
		return newJournald()
	case "none":
		return None{}, nil
	}
	return nil, fmt.Errorf("%q is not a valid events backend: use file, journald or none", o.Backend)
}

// None drops every event; reading returns none.
type None struct{}

// Write drops e.
func (None) Write(Event) error { return nil }

// Read returns at once.
func (None) Read(_ context.Context, o ReadOptions) error {
	close(o.Out)
	return nil
}

func (None) String() string { return "none" }

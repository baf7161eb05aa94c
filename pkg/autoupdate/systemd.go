package autoupdate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	sddbus "github.com/coreos/go-systemd/v22/dbus"
)

// ErrNoManager is a restart that could not reach systemd at all: nothing
// was restarted, so there is nothing to roll back.
var ErrNoManager = errors.New("cannot connect to systemd (does it run as the service manager here?)")

// Systemd restarts units through the service manager's D-Bus API: root
// talks to systemd's private socket (no dbus-daemon needed, as Podman),
// an ordinary user to the user's manager on the session bus. The
// connection is made at the first restart, so a dry run needs no systemd.
type Systemd struct {
	once sync.Once
	conn *sddbus.Conn
	err  error
}

func (s *Systemd) connect(ctx context.Context) (*sddbus.Conn, error) {
	s.once.Do(func() {
		if os.Geteuid() == 0 {
			s.conn, s.err = sddbus.NewSystemdConnectionContext(ctx)
		} else {
			s.conn, s.err = sddbus.NewUserConnectionContext(ctx)
		}
		if s.err != nil {
			s.err = fmt.Errorf("%w: %w", ErrNoManager, s.err)
		}
	})
	return s.conn, s.err
}

// Restart restarts unit and waits for the job's result: anything but
// "done" is an error.
func (s *Systemd) Restart(ctx context.Context, unit string) error {
	conn, err := s.connect(ctx)
	if err != nil {
		return err
	}
	ch := make(chan string, 1)
	if _, err := conn.RestartUnitContext(ctx, unit, "replace", ch); err != nil {
		return err
	}
	select {
	case res := <-ch:
		if res != "done" {
			return fmt.Errorf("systemd job for %s ended %q", unit, res)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close ends the connection.
func (s *Systemd) Close() {
	if s.conn != nil {
		s.conn.Close()
	}
}

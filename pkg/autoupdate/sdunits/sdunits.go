// Package sdunits restarts systemd units for pkg/autoupdate over the service
// manager's D-Bus API (go-systemd's dbus package). It is apart from
// pkg/autoupdate so that libpod, and so the lean pod binary, does not link
// the D-Bus client: only `pod auto-update` in pod-full imports it.
package sdunits

import (
	"context"
	"fmt"
	"os"
	"sync"

	sddbus "github.com/coreos/go-systemd/v22/dbus"

	"github.com/pod-engine/pod/pkg/autoupdate"
)

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
			s.err = fmt.Errorf("%w: %w", autoupdate.ErrNoManager, s.err)
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

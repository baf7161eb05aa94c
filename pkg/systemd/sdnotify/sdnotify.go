// Package sdnotify owns pod's side of systemd's sd_notify protocol
// (--sdnotify=conmon|container|ignore): which modes exist, what a container
// in "container" mode is given (the monitor's relay socket bind-mounted at
// /run/notify, NOTIFY_SOCKET set inside), what pod itself tells systemd once
// a container runs (MAINPID = the monitor, READY=1 in "conmon" mode), and
// the relay that pod-shim runs for shim runtimes (pod-conmon has its own,
// allocation-free one in pkg/conmon/monitor).
//
// Sending uses go-systemd's daemon package; the relay is written here
// because go-systemd has no receiving side.
package sdnotify

import (
	"bytes"
	"fmt"
	"os"
	"strconv"

	"github.com/coreos/go-systemd/v22/daemon"
)

// The --sdnotify modes.
const (
	ModeContainer = "container" // the container notifies; the monitor relays (Podman's default)
	ModeConmon    = "conmon"    // pod notifies READY once the container runs
	ModeIgnore    = "ignore"    // nothing is sent, the container gets no socket
	ModeHealthy   = "healthy"   // READY once the healthcheck first passes (pod waits for it)
)

// DefaultMode is Podman's default (containers.conf has no key for it).
const DefaultMode = ModeContainer

// Dir is the directory under a container's bundle where the monitor binds
// its relay socket (notify.sock); ContainerDir is where the container sees it.
const (
	Dir          = "notify"
	SocketName   = "notify.sock"
	ContainerDir = "/run/notify"
	EnvSocket    = "NOTIFY_SOCKET"
)

// Validate checks a --sdnotify value ("" = the default).
func Validate(mode string) error {
	switch mode {
	case "", ModeContainer, ModeConmon, ModeIgnore, ModeHealthy:
		return nil
	}
	return fmt.Errorf("invalid --sdnotify value %q: must be conmon, container, healthy or ignore", mode)
}

// HostSocket is the socket systemd gave pod ("" = not under a notify
// unit).
func HostSocket() string { return os.Getenv(EnvSocket) }

// Relayed reports whether a container in mode gets the relay socket: only
// in container mode and only when pod itself has a socket to relay to.
func Relayed(mode string) bool {
	return (mode == "" || mode == ModeContainer) && HostSocket() != ""
}

// Started tells systemd, after a container started, who its main process
// is (the container's monitor, which lives as long as the container) and,
// in conmon mode, that it is ready. In container mode READY comes from the
// container through the relay; in ignore mode nothing is sent.
func Started(mode string, monitorPid int) error {
	var state string
	switch mode {
	case ModeIgnore:
		return nil
	case ModeConmon:
		state = "MAINPID=" + strconv.Itoa(monitorPid) + "\n" + daemon.SdNotifyReady
	default:
		state = "MAINPID=" + strconv.Itoa(monitorPid)
	}
	if _, err := daemon.SdNotify(false, state); err != nil {
		return fmt.Errorf("notifying systemd (%s=%s): %w", EnvSocket, HostSocket(), err)
	}
	return nil
}

var keepLines = [][]byte{
	[]byte("READY=1"), []byte("RELOADING=1"), []byte("STOPPING=1"), []byte("WATCHDOG=1"), []byte("WATCHDOG=trigger"),
}

var keepPrefixes = [][]byte{
	[]byte("STATUS="), []byte("ERRNO="), []byte("BUSERROR="), []byte("MONOTONIC_USEC="),
}

// Ready tells systemd the container in healthy mode passed its healthcheck:
// MAINPID (the monitor) again and READY=1.
func Ready(monitorPid int) error {
	if _, err := daemon.SdNotify(false, "MAINPID="+strconv.Itoa(monitorPid)+"\n"+daemon.SdNotifyReady); err != nil {
		return fmt.Errorf("notifying systemd (%s=%s): %w", EnvSocket, HostSocket(), err)
	}
	return nil
}

// Filter keeps the lines of a container's datagram that describe its state
// (READY=1, STATUS=…, …) and drops the rest: a container may not set
// MAINPID or touch the unit's file descriptor store. The same rule as
// pod-conmon's relay.
func Filter(msg []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(msg, []byte{'\n'}) {
		keep := false
		for _, k := range keepLines {
			keep = keep || bytes.Equal(line, k)
		}
		for _, p := range keepPrefixes {
			keep = keep || bytes.HasPrefix(line, p)
		}
		if keep {
			out = append(append(out, line...), '\n')
		}
	}
	return out
}

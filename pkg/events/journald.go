package events

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"time"

	"github.com/coreos/go-systemd/v22/journal"
)

// Journald is the journald backend: events are journal entries with
// Podman's PODMAN_* fields (so `journalctl` filters work the same), written
// with go-systemd's journal package and read back with journalctl's JSON
// output (the library's reader needs cgo and libsystemd).
type Journald struct{}

func newJournald() (Eventer, error) {
	if !journal.Enabled() {
		return nil, ErrNoJournald
	}
	return Journald{}, nil
}

func (Journald) String() string { return "journald" }

const identifier = "pod"

// Write sends e to the journal.
func (Journald) Write(e Event) error {
	f := map[string]string{
		"SYSLOG_IDENTIFIER": identifier,
		"PODMAN_EVENT":      string(e.Status),
		"PODMAN_TYPE":       string(e.Type),
		"PODMAN_TIME":       e.Time.Format(time.RFC3339Nano),
	}
	set := func(k, v string) {
		if v != "" {
			f[k] = v
		}
	}
	set("PODMAN_ID", e.ID)
	set("PODMAN_NAME", e.Name)
	set("PODMAN_IMAGE", e.Image)
	set("PODMAN_POD_ID", e.PodID)
	set("PODMAN_HEALTH_STATUS", e.HealthStatus)
	set("PODMAN_NETWORK_NAME", e.Network)
	if e.ContainerExitCode != 0 || e.Status == Exited || e.Status == ExecDied {
		f["PODMAN_EXIT_CODE"] = strconv.Itoa(e.ContainerExitCode)
	}
	if len(e.Attributes) > 0 {
		b, _ := json.Marshal(e.Attributes)
		f["PODMAN_LABELS"] = string(b)
	}
	if err := journal.Send(e.ID, journal.PriInfo, f); err != nil {
		return fmt.Errorf("writing an event to journald: %w", err)
	}
	return nil
}

// Read runs journalctl for pod's entries.
func (Journald) Read(ctx context.Context, o ReadOptions) error {
	defer close(o.Out)
	flt, err := o.compile()
	if err != nil {
		return err
	}
	args := []string{"-o", "json", "--no-pager", "SYSLOG_IDENTIFIER=" + identifier}
	if o.Stream {
		args = append(args, "-f")
	}
	if !o.Since.IsZero() {
		args = append(args, "--since", o.Since.Format("2006-01-02 15:04:05"))
	}
	cmd := exec.CommandContext(ctx, "journalctl", args...)
	cmd.WaitDelay = time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("reading events from journald: %w", err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) != nil {
			continue
		}
		e := fromJournal(m)
		if !o.Until.IsZero() && e.Time.After(o.Until) {
			if !o.Stream {
				break
			}
			continue
		}
		if flt(&e) {
			select {
			case o.Out <- e:
			case <-ctx.Done():
				return nil
			}
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil
}

func fromJournal(m map[string]any) Event {
	str := func(k string) string {
		s, _ := m[k].(string)
		return s
	}
	e := Event{
		ID: str("PODMAN_ID"), Name: str("PODMAN_NAME"), Image: str("PODMAN_IMAGE"),
		Status: Status(str("PODMAN_EVENT")), Type: Type(str("PODMAN_TYPE")),
		HealthStatus: str("PODMAN_HEALTH_STATUS"), Network: str("PODMAN_NETWORK_NAME"),
	}
	e.PodID = str("PODMAN_POD_ID")
	e.Time, _ = time.Parse(time.RFC3339Nano, str("PODMAN_TIME"))
	e.ContainerExitCode, _ = strconv.Atoi(str("PODMAN_EXIT_CODE"))
	if l := str("PODMAN_LABELS"); l != "" {
		_ = json.Unmarshal([]byte(l), &e.Attributes)
	}
	return e
}

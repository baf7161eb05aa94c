package libpod

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/systemd/sdnotify"
)

// setupNotify gives a container in --sdnotify=container mode, when pod runs
// under a notify socket, the monitor's relay socket: <bundle>/notify is
// bind-mounted at /run/notify and NOTIFY_SOCKET points there; the monitor
// forwards what the container sends to pod's own socket. Otherwise the
// container gets nothing (the monitor's environment never carries
// NOTIFY_SOCKET).
func (c *Container) setupNotify(spec *specs.Spec, req *notifyReq) error {
	if !sdnotify.Relayed(c.config.SdNotify) {
		return nil
	}
	dir := filepath.Join(c.staticDir(), sdnotify.Dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("container %s: sd_notify socket directory: %w", c.config.Name, err)
	}
	spec.Mounts = append(spec.Mounts, specs.Mount{
		Destination: sdnotify.ContainerDir, Type: "bind", Source: dir,
		Options: []string{"bind", "rw", "nosuid", "nodev", "noexec"},
	})
	if spec.Process != nil {
		spec.Process.Env = append(spec.Process.Env, sdnotify.EnvSocket+"="+sdnotify.ContainerDir+"/"+sdnotify.SocketName)
	}
	*req = notifyReq(sdnotify.HostSocket())
	return nil
}

// notifyReq is the host socket the monitor relays to ("" = no relay).
type notifyReq string

// notifyStarted tells systemd about a container that just started (MAINPID
// = its monitor; READY=1 in conmon mode). A failure is a warning: the
// container runs.
func (c *Container) notifyStarted() {
	if sdnotify.HostSocket() == "" {
		return
	}
	if err := sdnotify.Started(c.config.SdNotify, c.state.Task.MonitorPid); err != nil {
		c.rt.warnf("container %s: %v", c.config.Name, err)
	}
}

// notifyWhenHealthy is --sdnotify=healthy under a notify socket: once the
// container started, pod waits (as Podman does) until its healthcheck, run
// by the monitor, first passes, then sends READY=1 with MAINPID = the
// monitor. A container that stops first is an error: the unit fails
// instead of waiting for its start timeout.
func (c *Container) notifyWhenHealthy(ctx context.Context) error {
	if c.config.SdNotify != sdnotify.ModeHealthy || sdnotify.HostSocket() == "" {
		return nil
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := c.lockAndSync(); err != nil {
			return err
		}
		status, health, monitor := c.state.Status, c.HealthStatus(), c.state.Task.MonitorPid
		c.unlock()
		switch {
		case status != StatusRunning:
			return fmt.Errorf("container %s stopped (%s) before its healthcheck passed (--sdnotify=healthy): %w", c.config.Name, status.PodmanState(), errdefs.ErrConflict)
		case health == "healthy":
			if err := sdnotify.Ready(monitor); err != nil {
				c.rt.warnf("container %s: %v", c.config.Name, err)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

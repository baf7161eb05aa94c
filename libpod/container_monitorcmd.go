package libpod

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/pod-engine/pod/pkg/conmon"
)

// exitCommand is what the monitor runs when the container exits:
// `pod <global flags> container cleanup --stopped-only [--rm] ID`.
func (r *Runtime) exitCommand(c *Container) []string {
	cmd := append(r.globalArgv(), "container", "cleanup", "--stopped-only")
	if c.config.Remove {
		cmd = append(cmd, "--rm")
	}
	return append(cmd, c.config.ID)
}

// globalArgv is pod with the global flags this runtime was made with, for
// the commands a monitor runs (exit command, healthcheck).
func (r *Runtime) globalArgv() []string {
	cmd := []string{r.exe,
		"--root", r.paths.GraphRoot,
		"--runroot", r.paths.RunRoot,
		"--tmpdir", r.paths.TmpDir,
	}
	if r.opts.LogLevel != "" {
		cmd = append(cmd, "--log-level", r.opts.LogLevel)
	}
	if r.opts.StorageDriver != "" {
		cmd = append(cmd, "--storage-driver", r.opts.StorageDriver)
	}
	for _, o := range r.opts.StorageOpts {
		cmd = append(cmd, "--storage-opt", o)
	}
	for _, m := range r.cfg.LoadedModules() {
		cmd = append(cmd, "--module", m)
	}
	if r.opts.Syslog {
		cmd = append(cmd, "--syslog")
	}
	if r.opts.EventsBackend != "" {
		cmd = append(cmd, "--events-backend", r.opts.EventsBackend)
	}
	return cmd
}

// waitExitFile blocks until the container's monitor wrote its exit file.
func (c *Container) waitExitFile(ctx context.Context) (conmon.ExitStatus, error) {
	return conmon.WaitExitFile(ctx, c.exitFile(), c.persistDir(), c.waitAlive)
}

// killStaleMonitor kills a monitor of this container that no state records
// (its start was interrupted before the state was saved). The pid comes from
// the monitor's pid file and counts only if the process's command line names
// this container, so a reused pid is never hit.
func (c *Container) killStaleMonitor() bool {
	data, err := os.ReadFile(filepath.Join(c.runDir(), "conmon.pid"))
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return false
	}
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || !bytes.Contains(cmdline, []byte(c.config.ID)) {
		return false
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	return true
}

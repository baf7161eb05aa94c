package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/events"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// ExecOptions are `pod exec`'s flags.
type ExecOptions struct {
	Cmd         []string
	Env         []string // KEY=VALUE (KEY alone copies pod's own value)
	User        string
	WorkDir     string
	Tty         bool
	Interactive bool
	Privileged  bool
	Detach      bool
	PreserveFDs uint // pass fds 3..3+N-1 of pod to the process

	healthcheck bool // a healthcheck run: no exec events, as Podman
}

// execSession is what the state DB keeps about a running exec.
type execSession struct {
	ID         string    `json:"id"`
	Cmd        []string  `json:"cmd"`
	Pid        int       `json:"pid"`
	MonitorPid int       `json:"monitorPid"`
	Started    time.Time `json:"started"`
	Detached   bool      `json:"detached,omitempty"`
}

func (c *Container) execDir(session string) string {
	return filepath.Join(c.runDir(), "exec", session)
}

// Exec runs a command in the running container. Attached, it returns the
// command's exit code once it ends (after streaming to attach); detached, it
// returns the session ID at once and the monitor cleans up after the command.
func (c *Container) Exec(ctx context.Context, o ExecOptions, attach *Attach) (code int, session string, err error) {
	if len(o.Cmd) == 0 {
		return -1, "", fmt.Errorf("exec needs a command: %w", errdefs.ErrInvalidArgument)
	}
	if err := c.lockAndSync(); err != nil {
		return -1, "", err
	}
	proc, err := c.execProcess(&o)
	_, stateErr := checkVerb(VerbExec, c.config.ID, c.state.Status, false)
	c.unlock()
	if stateErr != nil {
		return -1, "", stateErr
	}
	if err != nil {
		return -1, "", err
	}
	need := []ocirt.Capability{ocirt.CapExec}
	if o.Tty {
		need = append(need, ocirt.CapTerminal)
	}
	if o.PreserveFDs > 0 {
		need = append(need, ocirt.CapPreserveFDs)
	}
	if err := c.rt.registry.Require(c.config.Runtime, need...); err != nil {
		return -1, "", fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	t, err := c.task()
	if err != nil {
		return -1, "", err
	}
	ex, ok := t.(ocirt.Execer)
	if !ok {
		return -1, "", fmt.Errorf("runtime %q of container %s cannot exec: %w", c.config.Runtime.Name, c.config.Name, errdefs.ErrNotImplemented)
	}
	sess := execSession{ID: newID(), Cmd: o.Cmd, Started: time.Now(), Detached: o.Detach}
	dir := c.execDir(sess.ID)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return -1, "", err
	}
	req := &ocirt.ExecRequest{
		SessionID: sess.ID,
		Dir:       dir,
		Process:   proc,
		IO:        ocirt.IO{Terminal: o.Tty, Stdin: o.Interactive},
		LogLevel:  c.rt.opts.LogLevel,
	}
	for i := uint(0); i < o.PreserveFDs; i++ {
		req.IO.ExtraFiles = append(req.IO.ExtraFiles, os.NewFile(uintptr(3+i), fmt.Sprintf("fd%d", 3+i)))
	}
	var conn *client.AttachConn
	if !o.Detach {
		req.Attach = func(sock string) error {
			var err error
			conn, err = client.Dial(sock)
			return err
		}
	} else {
		req.Exit.Command = c.rt.execExitCommand(c, sess.ID)
	}
	p, err := ex.Exec(ctx, req)
	if err != nil {
		os.RemoveAll(dir)
		return -1, "", err
	}
	sess.Pid, sess.MonitorPid = p.Pid(), p.MonitorPid()
	if !o.healthcheck {
		c.exitEvent(events.Exec, 0, map[string]string{"execID": sess.ID})
	}
	if err := c.saveExec(&sess); err != nil {
		c.rt.warnf("recording exec session %s: %v", sess.ID, err)
	}
	if o.Detach {
		return 0, sess.ID, nil
	}
	defer c.removeExec(sess.ID)
	if attach != nil && attach.Ready != nil {
		attach.Ready()
	}
	var streamErr error
	if attach != nil {
		streamErr = conn.Stream(ctx, attach.Options)
	} else {
		conn.Close()
	}
	if errors.Is(streamErr, client.ErrDetached) {
		return 0, sess.ID, streamErr
	}
	code, err = p.Wait(ctx)
	if err != nil {
		return -1, sess.ID, err
	}
	if !o.healthcheck {
		c.exitEvent(events.ExecDied, code, map[string]string{"execID": sess.ID})
	}
	return code, sess.ID, streamErr
}

// execProcess builds the exec's OCI process from the container's own spec.
func (c *Container) execProcess(o *ExecOptions) (*specs.Process, error) {
	spec := c.readSpec()
	if spec == nil || spec.Process == nil {
		return nil, fmt.Errorf("container %s has no runtime spec: is it running?: %w", c.config.Name, errdefs.ErrConflict)
	}
	p := *spec.Process
	p.Args = o.Cmd
	p.Terminal = o.Tty
	p.ConsoleSize = nil
	p.Env = mergeEnv(p.Env, o.Env)
	if o.WorkDir != "" {
		p.Cwd = o.WorkDir
	}
	if o.User != "" {
		u, err := specgen.ResolveUser(c.state.Mountpoint, o.User)
		if err != nil {
			return nil, err
		}
		p.User = u
	}
	if o.Privileged {
		// Every capability pod holds, as Podman does; the runtime driver
		// drops those its runtime does not know.
		h, err := specgen.ProbeHost()
		if err != nil {
			return nil, err
		}
		all := h.BoundingCaps
		p.Capabilities = &specs.LinuxCapabilities{Bounding: all, Effective: all, Permitted: all}
	}
	return &p, nil
}

// mergeEnv applies KEY=VALUE (and KEY, copying pod's own value) on top of base.
func mergeEnv(base, extra []string) []string {
	out := append([]string(nil), base...)
	for _, kv := range extra {
		k, _, hasVal := strings.Cut(kv, "=")
		if !hasVal {
			v, ok := os.LookupEnv(k)
			if !ok {
				continue
			}
			kv = k + "=" + v
		}
		replaced := false
		for i, e := range out {
			if strings.HasPrefix(e, k+"=") {
				out[i], replaced = kv, true
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out
}

func (c *Container) saveExec(s *execSession) error {
	db, err := c.rt.state()
	if err != nil {
		return err
	}
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return db.SaveExec(s.ID, c.config.ID, data)
}

// removeExec forgets an exec session and deletes its files.
func (c *Container) removeExec(id string) {
	os.RemoveAll(c.execDir(id))
	if db, err := c.rt.state(); err == nil {
		_ = db.RemoveExec(id)
	}
}

// ExecSessions returns the IDs of the container's exec sessions.
func (c *Container) ExecSessions() []string {
	db, err := c.rt.state()
	if err != nil {
		return nil
	}
	m, err := db.Execs(c.config.ID)
	if err != nil {
		return nil
	}
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	return ids
}

// execIDs are the container's exec sessions, sorted, never nil (inspect).
func (c *Container) execIDs() []string {
	ids := append([]string{}, c.ExecSessions()...)
	sort.Strings(ids)
	return ids
}

// CleanupExec removes a finished exec session (what a detached exec's
// monitor runs when the command ends).
func (c *Container) CleanupExec(session string) error {
	if !nameRE.MatchString(session) {
		return fmt.Errorf("invalid exec session ID %q: %w", session, errdefs.ErrInvalidArgument)
	}
	c.removeExec(session)
	return nil
}

// execExitCommand is what a detached exec's monitor runs when it ends.
func (r *Runtime) execExitCommand(c *Container, session string) []string {
	cmd := r.exitCommand(c)
	// … container cleanup --stopped-only [--rm] ID → … container cleanup --exec SESSION ID
	base := cmd[:len(cmd)-1]
	for i, a := range base {
		if a == "cleanup" {
			base = base[:i+1]
			break
		}
	}
	return append(base, "--exec", session, c.config.ID)
}

package oci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// task is one container of an OCI runtime.
type task struct {
	r    *runtime
	ref  ocirt.TaskRef
	data taskData
}

func (t *task) Ref() ocirt.TaskRef { return t.ref }

// global returns the flags of a direct call, logging to the container's
// oci-log in JSON where the runtime supports it.
func (t *task) global() (Global, string) {
	g := Global{Flags: t.r.h.Flags, Extra: t.data.Extra}
	if t.r.h.JSONLog && t.ref.RunDir != "" {
		g.Log = filepath.Join(t.ref.RunDir, "oci-log")
		g.LogFormat = "json"
	}
	return g, g.Log
}

func (t *task) run(ctx context.Context, verb interface{ args() []string }, stdin []byte) ([]byte, error) {
	if err := ocirt.Missing(t.r.h); err != nil {
		return nil, err
	}
	g, log := t.global()
	return t.r.call(ctx, command(g, verb), log, stdin)
}

func (t *task) Start(ctx context.Context) error {
	_, err := t.run(ctx, StartArgs{ID: t.ref.ID}, nil)
	return err
}

func (t *task) Kill(ctx context.Context, sig syscall.Signal, all bool) error {
	_, err := t.run(ctx, KillArgs{ID: t.ref.ID, Signal: int(sig), All: all}, nil)
	return err
}

func (t *task) Delete(ctx context.Context, force bool) error {
	_, err := t.run(ctx, DeleteArgs{ID: t.ref.ID, Force: force}, nil)
	if err != nil && isMissingContainer(err.Error()) {
		return nil
	}
	if force && errors.Is(err, errdefs.ErrUnavailable) {
		return t.deleteWithoutBinary(err)
	}
	return err
}

// deleteWithoutBinary does what `delete --force` does to the runtime's
// state when its binary is gone (uninstalled while the container ran): it
// removes the container's directory under the runtime's --root. The caller
// has ended the process and removes the cgroup; err (ErrUnavailable) is
// returned, saying what was done.
func (t *task) deleteWithoutBinary(err error) error {
	root, id := t.r.stateRoot(), t.ref.ID
	if root == "" || id == "" || id != filepath.Base(id) || id == "." || id == ".." {
		return fmt.Errorf("%w: its state under the runtime's default root stays", err)
	}
	dir := filepath.Join(root, id)
	if rerr := os.RemoveAll(dir); rerr != nil {
		return fmt.Errorf("%w: removing its state %s: %v", err, dir, rerr)
	}
	return fmt.Errorf("%w: removed its state %s", err, dir)
}

// isMissingContainer recognises "no such container" in the wording of runc,
// crun and runsc.
func isMissingContainer(msg string) bool {
	for _, s := range []string{"container does not exist", "does not exist", "No such file or directory", "file does not exist"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func (t *task) Pause(ctx context.Context) error {
	_, err := t.run(ctx, PauseArgs{ID: t.ref.ID}, nil)
	return err
}

func (t *task) Resume(ctx context.Context) error {
	_, err := t.run(ctx, ResumeArgs{ID: t.ref.ID}, nil)
	return err
}

func (t *task) Update(ctx context.Context, res *specs.LinuxResources) error {
	body, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = t.run(ctx, UpdateArgs{ID: t.ref.ID, Resources: "-"}, body)
	return err
}

func (t *task) Checkpoint(ctx context.Context, req *ocirt.CheckpointRequest) error {
	_, err := t.run(ctx, CheckpointArgs{ID: t.ref.ID, ImagePath: req.ImagePath, WorkPath: req.WorkPath, ParentPath: req.ParentPath,
		LeaveRunning: req.LeaveRunning, PreDump: req.PreDump, TCPEstablished: req.TCPEstablished, FileLocks: req.FileLocks}, nil)
	return err
}

func (t *task) State(ctx context.Context) (ocirt.State, error) {
	out, err := t.run(ctx, StateArgs{ID: t.ref.ID}, nil)
	if err != nil {
		return ocirt.State{}, err
	}
	var st specs.State
	if err := json.Unmarshal(out, &st); err != nil {
		return ocirt.State{}, fmt.Errorf("%s state %s: unparsable output: %w", t.r.name(), t.ref.ID, errdefs.ErrRuntime)
	}
	return ocirt.State{Status: string(st.Status), Pid: st.Pid}, nil
}

package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/conmontest"
)

// execArgs lays out an exec session the way Podman does: its own bundle
// dir named after the session, pid file, exit dir and process.json inside.
func (c *ctr) execArgs(t *testing.T, attach, tty bool, args ...string) conmon.Args {
	session := conmontest.NewID()
	dir := filepath.Join(c.b.Dir, session)
	for _, d := range []string{dir, filepath.Join(dir, "exit"), filepath.Join(dir, "persist", c.b.ID)} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	proc := specs.Process{Args: args, Env: []string{"PATH=/bin"}, Cwd: "/", Terminal: tty}
	data, _ := json.Marshal(proc)
	spec := filepath.Join(dir, "process.json")
	if err := os.WriteFile(spec, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return conmon.Args{
		APIVersion: true, CID: c.b.ID, CUUID: session, Name: c.b.ID, Runtime: c.rt.Path, Bundle: dir,
		ContainerPidFile: filepath.Join(dir, "exec_pid"), LogPaths: []string{"none"},
		ExitDir: filepath.Join(dir, "exit"), PersistDir: filepath.Join(dir, "persist", c.b.ID),
		FullAttach: true, RuntimeArgs: c.rt.GlobalArgs(), Exec: true, ExecProcessSpec: spec,
		ExecAttach: attach, Terminal: tty, Syslog: true, LogLevel: "info",
	}
}

func (c *ctr) runningCtr(ctx context.Context) {
	c.t.Helper()
	c.mustCreate(ctx)
	c.start(ctx)
}

func TestScenarioExec(t *testing.T) {
	forEach(t, nil, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sleep", "100")
		c.runningCtr(ctx)

		t.Run("detached", func(t *testing.T) {
			a := c.execArgs(t, false, false, "sh", "-c", "exit 5")
			m, err := Start(ctx, &Options{Monitor: mon.path, Direct: mon.direct, Args: a, Dir: a.Bundle})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			pid, err := m.ReadPid(ctx)
			if err != nil || pid <= 0 {
				t.Fatalf("exec pid %d %v", pid, err)
			}
			code, err := m.ReadExitCode(ctx)
			if err != nil || code != 5 {
				t.Errorf("exec exit code %d %v, want 5", code, err)
			}
			if got := conmontest.WaitFile(t, filepath.Join(a.ExitDir, c.b.ID), 10*time.Second); got != "5" {
				t.Errorf("exec exit file %q", got)
			}
		})

		t.Run("attach", func(t *testing.T) {
			a := c.execArgs(t, true, false, "sh", "-c", "echo eo; echo ee >&2; exit 4")
			m, err := Start(ctx, &Options{Monitor: mon.path, Direct: mon.direct, Args: a, Dir: a.Bundle})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if err := m.WaitAttachReady(ctx); err != nil {
				t.Fatal(err)
			}
			conn, err := Dial(filepath.Join(a.Bundle, conmon.AttachName))
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Release(); err != nil {
				t.Fatal(err)
			}
			pid, err := m.ReadPid(ctx)
			if err != nil || pid <= 0 {
				t.Fatalf("exec pid %d %v", pid, err)
			}
			var so, se bytes.Buffer
			if err := conn.Stream(ctx, AttachOptions{Stdout: &so, Stderr: &se}); err != nil {
				t.Fatal(err)
			}
			if so.String() != "eo\n" || se.String() != "ee\n" {
				t.Errorf("exec output %q %q", so.String(), se.String())
			}
			code, err := m.ReadExitCode(ctx)
			if err != nil || code != 4 {
				t.Errorf("exec exit code %d %v, want 4", code, err)
			}
		})

		t.Run("failure", func(t *testing.T) {
			a := c.execArgs(t, false, false, "/nonexistent-binary")
			m, err := Start(ctx, &Options{Monitor: mon.path, Direct: mon.direct, Args: a, Dir: a.Bundle})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			_, err = m.ReadPid(ctx)
			var se *SyncError
			if !errors.As(err, &se) || se.Code >= 0 {
				t.Fatalf("exec of a missing binary: %v, want a *SyncError", err)
			}
			if rt.Name != "runsc" && !strings.Contains(se.Message, "nonexistent-binary") {
				t.Errorf("message %q lacks the binary name", se.Message)
			}
		})
	})
}

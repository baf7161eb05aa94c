package client

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/internal/ctrtest"
)

func TestConmonCreateAttach(t *testing.T) {
	mon := ctrtest.Binary(t, "conmon")
	rt := ctrtest.NewRuntime(t, "runc")
	b := ctrtest.NewBundle(t, "sh", "-c", "sleep 0.2; echo out; echo err >&2; exit 3")
	run := t.TempDir()
	for _, d := range []string{"exits", "persist"} {
		os.MkdirAll(filepath.Join(run, d), 0o755)
	}
	ctrtest.Cleanup(t, rt, b.ID)
	args := conmon.Args{APIVersion: true, CID: b.ID, CUUID: b.ID, Name: b.ID, Runtime: rt.Path, Bundle: b.Dir,
		ContainerPidFile: filepath.Join(run, "pidfile"), ConmonPidFile: filepath.Join(run, "conmon.pid"),
		LogPaths: []string{"k8s-file:" + filepath.Join(run, "ctr.log")}, ExitDir: filepath.Join(run, "exits"),
		PersistDir: filepath.Join(run, "persist"), FullAttach: true, RuntimeArgs: rt.GlobalArgs(), Syslog: true, LogLevel: "debug"}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := Start(ctx, &Options{Monitor: mon, Args: args, Dir: b.Dir})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	pid, err := m.ReadPid(ctx)
	t.Logf("monitor %d container %d err %v", m.Pid(), pid, err)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := Dial(filepath.Join(b.Dir, "attach"))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := rt.Run(ctx, "start", b.ID); err != nil {
		t.Fatalf("start: %v %s", err, out)
	}
	var so, se bytes.Buffer
	if err := conn.Stream(ctx, AttachOptions{Stdout: &so, Stderr: &se}); err != nil {
		t.Fatal(err)
	}
	t.Logf("stdout %q stderr %q", so.String(), se.String())
	code := ctrtest.WaitFile(t, filepath.Join(run, "exits", b.ID), 10*time.Second)
	log, _ := os.ReadFile(filepath.Join(run, "ctr.log"))
	t.Logf("exit %q log:\n%s", code, log)
}

package client

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/conmontest"
)

// Fds the caller passes reach the container with --preserve-fds, and the
// monitor closes its own copies before it writes the exit file (Podman
// leaks reserved host ports into conmon that way).
func TestScenarioPreservedFds(t *testing.T) {
	forEach(t, []string{"runc", "crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sh", "-c", "echo via-fd3 >&3")
		c.args.RuntimeOpts = []string{"--preserve-fds", "1"}
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		m, err := Start(ctx, &Options{Monitor: mon.path, Direct: mon.direct, Args: c.args, Dir: c.b.Dir, ExtraFiles: []*os.File{w}})
		w.Close()
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, err := m.ReadPid(ctx); err != nil {
			t.Fatal(err)
		}
		c.start(ctx)
		c.exitCode(10 * time.Second)
		// Every copy of the write end is closed once the exit file exists.
		r.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("reading the preserved pipe: %v (a copy of the write end is still open)", err)
		}
		if string(got) != "via-fd3\n" {
			t.Errorf("container wrote %q to fd 3", got)
		}
	})
}

// A lot of output arrives intact, in order, through attach and the log.
func TestScenarioBulkOutput(t *testing.T) {
	forEach(t, []string{"runc"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sh", "-c", "seq 1 30000; seq 1 5000 >&2; printf end")
		c.mustCreate(ctx)
		conn, err := Dial(filepath.Join(c.b.Dir, conmon.AttachName))
		if err != nil {
			t.Fatal(err)
		}
		c.start(ctx)
		var so, se bytes.Buffer
		if err := conn.Stream(ctx, AttachOptions{Stdout: &so, Stderr: &se}); err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		for i := 1; i <= 30000; i++ {
			want.WriteString(strconv.Itoa(i) + "\n")
		}
		want.WriteString("end")
		if so.String() != want.String() {
			t.Errorf("stdout through attach: %d bytes, want %d", so.Len(), want.Len())
		}
		if c.exitCode(10*time.Second) != "0" {
			t.Error("exit code")
		}
		j := joined(c.logRecords())
		if j["stdout"] != want.String() || strings.Count(j["stderr"], "\n") != 5000 {
			t.Errorf("log: stdout %d bytes (want %d), stderr %d lines", len(j["stdout"]), want.Len(), strings.Count(j["stderr"], "\n"))
		}
	})
}

package client

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/conmontest"
)

// A terminal container: everything arrives as stdout, resize through ctl
// reaches the pty, and the k8s log holds the terminal output.
func TestScenarioTerminal(t *testing.T) {
	forEach(t, []string{"runc", "crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sh", "-c", "sleep 0.5; stty size; echo err >&2")
		c.b.Spec.Process.Terminal = true
		c.b.Write(t)
		c.args.Terminal = true
		c.mustCreate(ctx)
		if err := Resize(filepath.Join(c.b.Dir, conmon.CtlName), 33, 111); err != nil {
			t.Fatal(err)
		}
		conn, err := Dial(filepath.Join(c.b.Dir, conmon.AttachName))
		if err != nil {
			t.Fatal(err)
		}
		c.start(ctx)
		var so, se bytes.Buffer
		if err := conn.Stream(ctx, AttachOptions{Stdout: &so, Stderr: &se}); err != nil {
			t.Fatal(err)
		}
		if so.String() != "33 111\r\nerr\r\n" || se.Len() != 0 {
			t.Errorf("terminal output %q / %q", so.String(), se.String())
		}
		if got := c.exitCode(10 * time.Second); got != "0" {
			t.Errorf("exit %q", got)
		}
		if j := joined(c.logRecords()); j["stdout"] != "33 111\r\nerr\r\n" {
			t.Errorf("log %q", j)
		}
	})
}

// Attach stdin reaches the container; EOF closes its stdin (cat exits),
// both with a pipe (*os.File, polled) and a plain io.Reader.
func TestScenarioStdin(t *testing.T) {
	forEach(t, nil, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		for _, kind := range []string{"file", "reader"} {
			ctx := ctx30(t)
			c := newCtr(t, mon, rt, "sh", "-c", "cat; echo done")
			c.args.Stdin = true
			c.mustCreate(ctx)
			conn, err := Dial(filepath.Join(c.b.Dir, conmon.AttachName))
			if err != nil {
				t.Fatal(err)
			}
			c.start(ctx)
			var in io.Reader = strings.NewReader("hello\nworld")
			if kind == "file" {
				r, w, _ := os.Pipe()
				defer r.Close()
				go func() {
					w.Write([]byte("hello\n"))
					time.Sleep(100 * time.Millisecond)
					w.Write([]byte("world"))
					w.Close()
				}()
				in = r
			}
			var so bytes.Buffer
			if err := conn.Stream(ctx, AttachOptions{Stdin: in, Stdout: &so}); err != nil {
				t.Fatal(err)
			}
			if so.String() != "hello\nworlddone\n" {
				t.Errorf("%s: output %q", kind, so.String())
			}
			if got := c.exitCode(10 * time.Second); got != "0" {
				t.Errorf("%s: exit %q", kind, got)
			}
		}
	})
}

// --leave-stdin-open: a client's EOF does not close the container's stdin,
// and the detach keys end the session without stopping the container.
func TestScenarioDetachAndLeaveStdinOpen(t *testing.T) {
	forEach(t, []string{"runc"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sh", "-c", "while read l; do echo \"got $l\"; done; echo eof")
		c.args.Stdin = true
		c.args.LeaveStdinOpen = true
		c.mustCreate(ctx)
		conn, err := Dial(filepath.Join(c.b.Dir, conmon.AttachName))
		if err != nil {
			t.Fatal(err)
		}
		c.start(ctx)
		r, w, _ := os.Pipe()
		defer r.Close()
		go func() {
			w.Write([]byte("one\n"))
			time.Sleep(300 * time.Millisecond)
			w.Write([]byte("x\x10\x11"))
			w.Close()
		}()
		var so bytes.Buffer
		err = conn.Stream(ctx, AttachOptions{Stdin: r, Stdout: &so, DetachKeys: DefaultDetachKeys})
		if !errors.Is(err, ErrDetached) {
			t.Fatalf("stream ended with %v, want ErrDetached", err)
		}
		if so.String() != "got one\n" {
			t.Errorf("output %q", so.String())
		}
		// A second session half-closes at once; the container keeps stdin.
		conn, err = Dial(filepath.Join(c.b.Dir, conmon.AttachName))
		if err != nil {
			t.Fatal(err)
		}
		so.Reset()
		done := make(chan error, 1)
		go func() { done <- conn.Stream(ctx, AttachOptions{Stdin: strings.NewReader("x\ntwo\n"), Stdout: &so}) }()
		time.Sleep(500 * time.Millisecond)
		if _, err := os.Stat(c.exitPath()); err == nil {
			t.Fatal("container exited although stdin was left open")
		}
		if out, err := rt.Run(ctx, "kill", c.b.ID, "KILL"); err != nil {
			t.Fatalf("kill: %v %s", err, out)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if so.String() != "got xx\ngot two\n" {
			t.Errorf("second session output %q", so.String())
		}
	})
}

// --log-size-max truncates the k8s-file log: it never exceeds the limit
// and ends with the newest output.
func TestScenarioLogSizeMax(t *testing.T) {
	forEach(t, []string{"runc"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sh", "-c", "for i in $(seq 1 400); do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done")
		c.args.LogSizeMax = 8192
		c.mustCreate(ctx)
		c.start(ctx)
		c.exitCode(10 * time.Second)
		fi, err := os.Stat(c.logPath())
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > 8192 || fi.Size() == 0 {
			t.Errorf("log size %d with --log-size-max 8192", fi.Size())
		}
		recs := c.logRecords()
		if last := recs[len(recs)-1]; !strings.HasPrefix(last.content, "line-400-") {
			t.Errorf("last record %+v", last)
		}
	})
}

// The ctl reopen message makes the monitor start a fresh log file after an
// external rotation.
func TestScenarioReopenLog(t *testing.T) {
	forEach(t, []string{"runc"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sh", "-c", "echo before; sleep 1; echo after")
		c.mustCreate(ctx)
		c.start(ctx)
		time.Sleep(500 * time.Millisecond)
		rotated := c.logPath() + ".1"
		if err := os.Rename(c.logPath(), rotated); err != nil {
			t.Fatal(err)
		}
		if err := ReopenLog(filepath.Join(c.b.Dir, conmon.CtlName)); err != nil {
			t.Fatal(err)
		}
		c.exitCode(10 * time.Second)
		old, _ := os.ReadFile(rotated)
		if !strings.Contains(string(old), " stdout F before\n") || strings.Contains(string(old), "after") {
			t.Errorf("rotated log %q", old)
		}
		if j := joined(c.logRecords()); j["stdout"] != "after\n" {
			t.Errorf("new log %q", j)
		}
	})
}

// OOM: a cgroup v1 memory limit kills the container; the monitor writes
// the oom file in the persist dir and the exit code is 137.
func TestScenarioOOM(t *testing.T) {
	if _, err := os.Stat("/sys/fs/cgroup/memory/memory.limit_in_bytes"); err != nil {
		t.Skip("needs the cgroup v1 memory controller")
	}
	forEach(t, []string{"runc", "crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sh", "-c", "echo start; exec dd if=/dev/zero of=/dev/null bs=64M count=1")
		limit := int64(16 << 20)
		c.b.Spec.Linux.Resources.Memory = &specs.LinuxMemory{Limit: &limit, Swap: &limit}
		c.b.Spec.Linux.CgroupsPath = "/podtest/" + c.b.ID
		c.b.Write(t)
		c.mustCreate(ctx)
		c.start(ctx)
		code := c.exitCode(10 * time.Second)
		st, err := conmon.ReadExitFile(c.exitPath(), c.args.PersistDir)
		if err != nil {
			t.Fatal(err)
		}
		j := joined(c.logRecords())
		if !st.OOM {
			t.Errorf("no oom file (exit %s, log %q)", code, j)
		}
		if code != strconv.Itoa(137) || j["stdout"] != "start\n" {
			t.Errorf("exit code %s, log %q after OOM; want 137", code, j)
		}
	})
}

package client

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/conmontest"
)

// Create, attach before start, read both streams, exit code in the exit
// file and the persist dir, k8s-file records, conmon pid file.
func TestScenarioCreateExitCodes(t *testing.T) {
	forEach(t, nil, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		for _, code := range []int{0, 3} {
			ctx := ctx30(t)
			c := newCtr(t, mon, rt, "sh", "-c", "echo out; echo err >&2; printf partial; exit "+strconv.Itoa(code))
			m, pid := c.mustCreate(ctx)
			if m.Pid() <= 0 || !alive(m.Pid()) {
				t.Fatalf("monitor pid %d not running", m.Pid())
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
			if so.String() != "out\npartial" || se.String() != "err\n" {
				t.Errorf("attach got stdout %q stderr %q", so.String(), se.String())
			}
			if got := c.exitCode(10 * time.Second); got != strconv.Itoa(code) {
				t.Errorf("exit file %q, want %d", got, code)
			}
			if got, _ := os.ReadFile(filepath.Join(c.args.PersistDir, "exit")); string(got) != strconv.Itoa(code) {
				t.Errorf("persist exit file %q, want %d", got, code)
			}
			st, err := conmon.ReadExitFile(c.exitPath(), c.args.PersistDir)
			if err != nil || st.Code != code || st.OOM || time.Since(st.Finished) > time.Minute {
				t.Errorf("ReadExitFile: %+v %v", st, err)
			}
			recs := c.logRecords()
			j := joined(recs)
			if j["stdout"] != "out\npartial" || j["stderr"] != "err\n" {
				t.Errorf("log content %q", j)
			}
			if want := (logRecord{"stdout", "P", "partial"}); !hasRecord(recs, want) {
				t.Errorf("records %+v lack %+v", recs, want)
			}
			if !conmontest.WaitGone(m.Pid(), 10*time.Second) {
				t.Errorf("monitor %d still running after the container exited", m.Pid())
			}
			_ = pid
		}
	})
}

// A container killed by a signal gets 128+signal. Without a pid namespace
// the shell is not an init process and SIGTERM kills it.
func TestScenarioKilledBySignal(t *testing.T) {
	forEach(t, []string{"runc", "crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
			ctx := ctx30(t)
			c := newCtr(t, mon, rt, "sleep", "100")
			var ns []specsNamespace
			for _, n := range c.b.Spec.Linux.Namespaces {
				if n.Type != "pid" {
					ns = append(ns, n)
				}
			}
			c.b.Spec.Linux.Namespaces = ns
			c.b.Write(t)
			c.mustCreate(ctx)
			c.start(ctx)
			if out, err := rt.Run(ctx, "kill", c.b.ID, strconv.Itoa(int(sig))); err != nil {
				t.Fatalf("kill: %v %s", err, out)
			}
			if got, want := c.exitCode(10*time.Second), strconv.Itoa(128+int(sig)); got != want {
				t.Errorf("signal %v: exit file %q, want %s", sig, got, want)
			}
		}
	})
}

// runtime create fails (bad args[0]): data -1 with the runtime's message,
// no exit file, and the exit command still runs.
func TestScenarioCreateFailure(t *testing.T) {
	forEach(t, []string{"runc", "crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "/nonexistent-binary")
		marker := filepath.Join(t.TempDir(), "ran")
		c.args.ExitCommand = writeScript(t, "echo \"$@\" > "+marker+".tmp; mv "+marker+".tmp "+marker+"\n")
		c.args.ExitCommandArgs = []string{"cleanup", c.b.ID}
		_, _, err := c.create(ctx)
		var se *SyncError
		if !errors.As(err, &se) {
			t.Fatalf("create error %v, want a *SyncError", err)
		}
		if se.Code != -1 || !strings.Contains(se.Message, "nonexistent-binary") {
			t.Errorf("sync error %d %q", se.Code, se.Message)
		}
		if got := strings.TrimSpace(conmontest.WaitFile(t, marker, 10*time.Second)); got != "cleanup "+c.b.ID {
			t.Errorf("exit command args %q", got)
		}
		if _, err := os.Stat(c.exitPath()); !os.IsNotExist(err) {
			t.Errorf("exit file after a failed create: %v", err)
		}
	})
}

// The exit command runs after the exit file exists, with its arguments,
// after --exit-delay, and the monitor waits for it.
func TestScenarioExitCommand(t *testing.T) {
	forEach(t, []string{"runc"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "true")
		out := filepath.Join(t.TempDir(), "out")
		c.args.ExitCommand = writeScript(t, "sleep 0.3; { echo \"$0|$1|$2\"; cat "+c.exitPath()+"; } > "+out+".tmp; mv "+out+".tmp "+out+"\n")
		c.args.ExitCommandArgs = []string{"a b", "c"}
		c.args.ExitDelay = 1
		m, _ := c.mustCreate(ctx)
		started := time.Now()
		c.start(ctx)
		got := conmontest.WaitFile(t, out, 15*time.Second)
		if want := c.args.ExitCommand + "|a b|c\n0"; got != want {
			t.Errorf("exit command wrote %q, want %q", got, want)
		}
		if d := time.Since(started); d < time.Second {
			t.Errorf("exit command ran after %v, before --exit-delay 1", d)
		}
		if !conmontest.WaitGone(m.Pid(), 10*time.Second) {
			t.Errorf("monitor still running")
		}
	})
}

// pod-conmon skips the exit command held back by --exit-delay once the exit
// file is removed (what pod's removal of the container does last) and exits
// at once; conmon runs it after the delay regardless.
func TestScenarioExitCommandSkipped(t *testing.T) {
	forEach(t, []string{"crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "true")
		marker := filepath.Join(t.TempDir(), "ran")
		c.args.ExitCommand = writeScript(t, "touch "+marker+"\n")
		c.args.ExitDelay = 5
		m, _ := c.mustCreate(ctx)
		c.start(ctx)
		conmontest.WaitFile(t, c.exitPath(), 10*time.Second)
		removed := time.Now()
		if err := os.Remove(c.exitPath()); err != nil {
			t.Fatal(err)
		}
		if !conmontest.WaitGone(m.Pid(), 10*time.Second) {
			t.Fatal("monitor still running")
		}
		_, err := os.Stat(marker)
		if mon.name == "conmon" {
			if err != nil {
				t.Errorf("conmon skipped the exit command: %v", err)
			}
			return
		}
		if err == nil {
			t.Errorf("exit command ran after its exit file was removed")
		}
		if d := time.Since(removed); d > 3*time.Second {
			t.Errorf("monitor exited %v after the exit file was removed, not at once", d)
		}
	})
}

// The foreground pod's lock (<exit-dir>/<cid>.fg, conmon.HoldForeground):
// with it held, pod-conmon skips the exit command once
// <persist-dir>/cleaned exists (a foreground run cleaned up a kept
// container), and runs it when the lock is let go without that file (the
// pod was killed or detached). conmon knows neither and runs it always.
func TestScenarioExitCommandForeground(t *testing.T) {
	forEach(t, []string{"crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		for _, cleaned := range []bool{true, false} {
			ctx := ctx30(t)
			c := newCtr(t, mon, rt, "true")
			marker := filepath.Join(t.TempDir(), "ran")
			c.args.ExitCommand = writeScript(t, "touch "+marker+"\n")
			c.args.ExitDelay = 1
			fg, err := conmon.HoldForeground(conmon.ForegroundFile(filepath.Dir(c.exitPath()), c.b.ID))
			if err != nil {
				t.Fatal(err)
			}
			m, _ := c.mustCreate(ctx)
			c.start(ctx)
			conmontest.WaitFile(t, c.exitPath(), 10*time.Second)
			if cleaned {
				if err := conmon.MarkCleaned(c.args.PersistDir); err != nil {
					t.Fatal(err)
				}
			}
			fg.Close()
			if !conmontest.WaitGone(m.Pid(), 10*time.Second) {
				t.Fatal("monitor still running")
			}
			_, err = os.Stat(marker)
			if ran, want := err == nil, !cleaned || mon.name == "conmon"; ran != want {
				t.Errorf("cleaned file %v: exit command ran %v, want %v", cleaned, ran, want)
			}
			if _, err := os.Stat(c.exitPath()); err != nil {
				t.Errorf("exit file: %v; it must stay", err)
			}
		}
	})
}

// SIGKILL of the monitor leaves the container running and writes no exit
// file. The caller must notice (pidfd/kill(pid,0) on the monitor), kill and
// delete the container through the runtime, and record an unknown (-1)
// exit code.
func TestScenarioMonitorKilled(t *testing.T) {
	forEach(t, []string{"runc", "crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sleep", "100")
		m, pid := c.mustCreate(ctx)
		c.start(ctx)
		if err := syscall.Kill(m.Pid(), syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if !conmontest.WaitGone(m.Pid(), 5*time.Second) {
			t.Fatal("monitor survived SIGKILL")
		}
		time.Sleep(200 * time.Millisecond)
		if !alive(pid) {
			t.Errorf("container %d died with its monitor", pid)
		}
		if _, err := os.Stat(c.exitPath()); !os.IsNotExist(err) {
			t.Errorf("exit file written by a killed monitor: %v", err)
		}
		if out, err := rt.Run(ctx, "state", c.b.ID); err != nil || !strings.Contains(out, `"running"`) {
			t.Errorf("state after monitor death: %v %s", err, out)
		}
	})
}

// SIGTERM to the monitor is forwarded to the container.
func TestScenarioSignalForwarding(t *testing.T) {
	forEach(t, []string{"runc", "crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sh", "-c", "trap 'echo got-term; exit 7' TERM; while :; do sleep 0.05; done")
		m, _ := c.mustCreate(ctx)
		c.start(ctx)
		time.Sleep(300 * time.Millisecond)
		if err := syscall.Kill(m.Pid(), syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if got := c.exitCode(10 * time.Second); got != "7" {
			t.Errorf("exit code %q after forwarded SIGTERM, want 7", got)
		}
		if j := joined(c.logRecords()); j["stdout"] != "got-term\n" {
			t.Errorf("log %q", j)
		}
	})
}

func alive(pid int) bool {
	return pid > 0 && !conmontest.WaitGone(pid, 0)
}

func hasRecord(recs []logRecord, want logRecord) bool {
	for _, r := range recs {
		if r == want {
			return true
		}
	}
	return false
}

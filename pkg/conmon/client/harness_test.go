package client

// The scenario tests run every scenario under each available monitor (the
// real conmon from $PATH and pod-conmon, built from ./cmd/pod-conmon or
// taken from $POD_CONMON) and each installed runtime, and assert the same
// observable results for all of them: that makes them both the client's
// integration tests and the monitor's differential tests.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/conmontest"
	"github.com/pod-engine/pod/pkg/conmon/k8sfile"
)

var podConmon string // path of the pod-conmon binary under test, or ""

func TestMain(m *testing.M) {
	code := func() int {
		if p := os.Getenv("POD_CONMON"); p != "" {
			podConmon = p
			return m.Run()
		}
		if os.Geteuid() == 0 {
			dir, err := os.MkdirTemp("", "pod-conmon-build")
			if err == nil {
				defer os.RemoveAll(dir)
				out := filepath.Join(dir, "pod-conmon")
				cmd := exec.Command("go", "build", "-o", out, "github.com/pod-engine/pod/cmd/pod-conmon")
				if msg, err := cmd.CombinedOutput(); err == nil {
					podConmon = out
				} else {
					fmt.Fprintf(os.Stderr, "pod-conmon not built, its scenarios skip: %v\n%s", err, msg)
				}
			}
		}
		return m.Run()
	}()
	os.Exit(code)
}

// monitorBin is a monitor under test; direct runs pod-conmon as pod does,
// without its daemonizing re-exec (Options.Direct).
type monitorBin struct {
	name, path string
	direct     bool
}

// forEach runs fn for every monitor × runtime pair that is installed.
func forEach(t *testing.T, runtimes []string, fn func(t *testing.T, mon monitorBin, rt *conmontest.Runtime)) {
	conmontest.RequireRoot(t)
	var mons []monitorBin
	if p, err := exec.LookPath("conmon"); err == nil {
		mons = append(mons, monitorBin{name: "conmon", path: p})
	}
	if podConmon != "" {
		mons = append(mons, monitorBin{name: "pod-conmon", path: podConmon},
			monitorBin{name: "pod-conmon-direct", path: podConmon, direct: true})
	}
	if len(mons) == 0 {
		t.Skip("no monitor binary available")
	}
	if runtimes == nil {
		runtimes = []string{"runc", "crun", "runsc"}
	}
	for _, mon := range mons {
		for _, name := range runtimes {
			t.Run(mon.name+"/"+name, func(t *testing.T) {
				fn(t, mon, conmontest.NewRuntime(t, name))
			})
		}
	}
}

// ctr is one container under a monitor, with podman's file layout in
// temp dirs.
type ctr struct {
	t    *testing.T
	mon  monitorBin
	rt   *conmontest.Runtime
	b    *conmontest.Bundle
	run  string
	args conmon.Args
}

func newCtr(t *testing.T, mon monitorBin, rt *conmontest.Runtime, args ...string) *ctr {
	b := conmontest.NewBundle(t, args...)
	run, a := conmontest.PodmanArgs(t, rt, b)
	a.Syslog = true
	return &ctr{t: t, mon: mon, rt: rt, b: b, run: run, args: a}
}

func (c *ctr) logPath() string  { return filepath.Join(c.run, "ctr.log") }
func (c *ctr) exitPath() string { return filepath.Join(c.run, "exits", c.b.ID) }

// create starts the monitor and returns it with the container pid.
func (c *ctr) create(ctx context.Context) (*Monitor, int, error) {
	c.t.Helper()
	m, err := Start(ctx, &Options{Monitor: c.mon.path, Direct: c.mon.direct, Args: c.args, Dir: c.b.Dir})
	if err != nil {
		return nil, 0, err
	}
	c.t.Cleanup(func() { m.Close() })
	pid, err := m.ReadPid(ctx)
	if err == nil && pid <= 0 {
		c.t.Fatalf("monitor reported pid %d", pid)
	}
	if err == nil && m.Pid() > 0 {
		c.t.Cleanup(func() {
			if !conmontest.WaitGone(m.Pid(), 10*time.Millisecond) {
				kctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_, _ = c.rt.Run(kctx, "kill", c.b.ID, "KILL")
			}
			stopMonitor(m.Pid())
		})
	}
	return m, pid, err
}

func (c *ctr) mustCreate(ctx context.Context) (*Monitor, int) {
	c.t.Helper()
	m, pid, err := c.create(ctx)
	if err != nil {
		c.t.Fatalf("create under %s: %v", c.mon.name, err)
	}
	return m, pid
}

func (c *ctr) start(ctx context.Context) {
	c.t.Helper()
	if out, err := c.rt.Run(ctx, "start", c.b.ID); err != nil {
		c.t.Fatalf("%s start: %v: %s", c.rt.Name, err, out)
	}
}

func (c *ctr) exitCode(timeout time.Duration) string {
	c.t.Helper()
	return conmontest.WaitFile(c.t, c.exitPath(), timeout)
}

// stopMonitor makes sure a monitor does not outlive its test.
func stopMonitor(pid int) {
	if !conmontest.WaitGone(pid, 5*time.Second) {
		_ = syscallKill(pid)
		conmontest.WaitGone(pid, 5*time.Second)
	}
}

var logLineRE = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}[+-]\d\d:\d\d) (stdout|stderr) ([PF]) (.*)$`)

type logRecord struct{ stream, flag, content string }

// logRecords parses the k8s-file log strictly.
func (c *ctr) logRecords() []logRecord {
	c.t.Helper()
	data, err := os.ReadFile(c.logPath())
	if err != nil {
		c.t.Fatal(err)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		c.t.Fatalf("log does not end with a newline: %q", data)
	}
	var recs []logRecord
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if line == "" {
			continue
		}
		m := logLineRE.FindStringSubmatch(strings.TrimSuffix(line, "\n"))
		if m == nil {
			c.t.Fatalf("malformed log line %q", line)
		}
		if _, err := time.Parse("2006-01-02T15:04:05.999999999Z07:00", m[1]); err != nil {
			c.t.Fatalf("bad timestamp in %q: %v", line, err)
		}
		// The reader `pod logs` uses must agree with the strict pattern.
		r, err := k8sfile.ParseRecord([]byte(line))
		if err != nil || r.Stream != m[2] || r.Partial != (m[3] == "P") || string(r.Content) != m[4] {
			c.t.Fatalf("k8sfile.ParseRecord(%q) = %+v, %v", line, r, err)
		}
		recs = append(recs, logRecord{m[2], m[3], m[4]})
	}
	return recs
}

// joined returns stream → content with partial records joined.
func joined(recs []logRecord) map[string]string {
	out := map[string]string{}
	for _, r := range recs {
		out[r.stream] += r.content
		if r.flag == "F" {
			out[r.stream] += "\n"
		}
	}
	return out
}

func writeScript(t *testing.T, body string) string {
	p := filepath.Join(t.TempDir(), "script.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func ctx30(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

type specsNamespace = specs.LinuxNamespace

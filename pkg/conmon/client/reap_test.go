package client

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon/conmontest"
)

// TestPodConmonReapsDuringExitDelay: a runtime helper that outlives the
// container (runsc's sandbox does) is the monitor's child as subreaper;
// when it dies during --exit-delay, pod-conmon reaps it at once, because
// the caller's `runtime delete` waits for it to be gone. (conmon 2.1.6
// leaves the zombie until its exit command ends, so this is pod-conmon's
// alone.)
func TestPodConmonReapsDuringExitDelay(t *testing.T) {
	conmontest.RequireRoot(t)
	if podConmon == "" {
		t.Skip("no pod-conmon binary")
	}
	rt := conmontest.NewRuntime(t, "runc")
	helper := filepath.Join(t.TempDir(), "helper.pid")
	// The wrapper's create leaves a helper behind that dies 1.5 s later.
	rt.Path = writeScript(t, `case " $* " in *" create "*) (sleep 1.5) & echo $! > `+helper+`;; esac
exec `+rt.Path+` "$@"
`)
	ctx := ctx30(t)
	c := newCtr(t, monitorBin{name: "pod-conmon", path: podConmon, direct: true}, rt, "true")
	c.args.ExitCommand = "/bin/true"
	c.args.ExitDelay = 4
	m, _ := c.mustCreate(ctx)
	c.start(ctx)
	if code := c.exitCode(10 * time.Second); code != "0" {
		t.Fatalf("exit code %q", code)
	}
	data, err := os.ReadFile(helper)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	if ppid := parentOf(pid); ppid != m.Pid() {
		t.Fatalf("helper %d has parent %d, not the monitor %d", pid, ppid, m.Pid())
	}
	// Gone (reaped) within a second of its death, long before the delay
	// ends and the exit command runs.
	deadline := time.Now().Add(2500 * time.Millisecond)
	for {
		st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			break // reaped
		}
		if time.Now().After(deadline) {
			t.Fatalf("helper %d not reaped during the exit delay: %s", pid, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !conmontest.WaitGone(m.Pid(), 10*time.Second) {
		t.Error("monitor still running after its exit command")
	}
}

// parentOf is pid's parent pid from /proc, or -1.
func parentOf(pid int) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 2 {
		return -1
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}

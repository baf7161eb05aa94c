package shimv2

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// TestAttachStdin is `pod run -i`: attach before start, send input,
// half-close, and the container sees EOF on its stdin.
func TestAttachStdin(t *testing.T) {
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		req := f.request(false, true, "sh", "-c", "cat; echo done >&2")
		tk := f.create(req)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c, err := client.Dial(filepath.Join(req.Bundle, conmon.AttachName))
		if err != nil {
			t.Fatal(err)
		}
		if err := tk.Start(ctx); err != nil {
			t.Fatal(err)
		}
		stdout, stderr := newSyncBuffer(), newSyncBuffer()
		err = c.Stream(ctx, client.AttachOptions{Stdin: strings.NewReader("hello\nworld\n"), Stdout: stdout, Stderr: stderr})
		if err != nil {
			t.Fatal(err)
		}
		if stdout.String() != "hello\nworld\n" || stderr.String() != "done\n" {
			t.Errorf("attach output %q / %q", stdout.String(), stderr.String())
		}
		if es := f.waitExit(req, tk.Ref().MonitorPid); es.Code != 0 {
			t.Errorf("exit %d", es.Code)
		}
		if lines := logLines(t, req.Log.Path); !contains(lines, "stdout hello") || !contains(lines, "stderr done") {
			t.Errorf("log %q", lines)
		}
	})
}

// TestTerminalResize is `pod run -t`: the ctl FIFO resizes the shim's pty.
func TestTerminalResize(t *testing.T) {
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		req := f.request(true, false, "sh", "-c", "sleep 0.3; stty size")
		tk := f.create(req)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c, err := client.Dial(filepath.Join(req.Bundle, conmon.AttachName))
		if err != nil {
			t.Fatal(err)
		}
		if err := tk.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := client.Resize(filepath.Join(req.Bundle, conmon.CtlName), 40, 123); err != nil {
			t.Fatal(err)
		}
		out := newSyncBuffer()
		if err := c.Stream(ctx, client.AttachOptions{Stdout: out, Stderr: out}); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(out.String()); got != "40 123" {
			t.Errorf("stty size in the container: %q, want \"40 123\"", got)
		}
		f.waitExit(req, tk.Ref().MonitorPid)
	})
}

// TestReconnectFromAnotherProcess: a second, short-lived process loads the
// task from its stored TaskRef and drives it (state, kill, delete), as a
// later `pod` command does.
func TestReconnectFromAnotherProcess(t *testing.T) {
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		req := f.request(false, false, "sleep", "100")
		tk := f.create(req)
		if err := tk.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		ref, _ := json.Marshal(tk.Ref())
		h, _ := json.Marshal(f.rt.Handle())
		drv, _ := json.Marshal(f.driver)
		for _, verb := range []string{"state", "kill", "delete"} {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
			cmd.Env = append(os.Environ(), "SHIMV2_HELPER="+verb, "SHIMV2_REF="+string(ref), "SHIMV2_HANDLE="+string(h), "SHIMV2_DRIVER="+string(drv))
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "helper ok") {
				t.Fatalf("helper %s: %v\n%s", verb, err, out)
			}
			t.Logf("helper %s: %s", verb, strings.TrimSpace(strings.Split(string(out), "\n")[0]))
		}
		if es := f.waitExit(req, tk.Ref().MonitorPid); es.Code != 137 {
			t.Errorf("exit code %d, want 137", es.Code)
		}
	})
}

// TestHelperProcess is the second process of TestReconnectFromAnotherProcess.
func TestHelperProcess(t *testing.T) {
	verb := os.Getenv("SHIMV2_HELPER")
	if verb == "" {
		t.Skip("helper process only")
	}
	var ref ocirt.TaskRef
	var h ocirt.Handle
	var d Driver
	json.Unmarshal([]byte(os.Getenv("SHIMV2_REF")), &ref)
	json.Unmarshal([]byte(os.Getenv("SHIMV2_HANDLE")), &h)
	json.Unmarshal([]byte(os.Getenv("SHIMV2_DRIVER")), &d)
	rt, err := d.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	tk := rt.Load(ref)
	ctx := context.Background()
	switch verb {
	case "state":
		st, err := tk.(ocirt.Stater).State(ctx)
		if err != nil || st.Status != "running" || st.Pid != ref.Pid {
			t.Fatalf("state %+v %v", st, err)
		}
		os.Stdout.WriteString("status " + st.Status + "\n")
	case "kill":
		if err := tk.Kill(ctx, 9, false); err != nil {
			t.Fatal(err)
		}
		code, err := tk.(*task).Wait(ctx)
		if err != nil || code != 137 {
			t.Fatalf("wait %d %v", code, err)
		}
		os.Stdout.WriteString("waited 137\n")
	case "delete":
		if err := tk.Delete(ctx, false); err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString("deleted\n")
	}
	os.Stdout.WriteString("helper ok\n")
}

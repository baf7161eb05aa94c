package conmon

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzSyncMessage(f *testing.F) {
	f.Add("plain")
	f.Add("\x00\x1f\"\\\n\xff")
	f.Fuzz(func(t *testing.T, s string) {
		b := AppendSyncMessage(nil, KeyData, -1, s, true)
		if !strings.HasSuffix(string(b), "}\n") || strings.Count(string(b), "\n") != 1 {
			t.Fatalf("%q → not one line: %q", s, b)
		}
		var m SyncMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%q → invalid JSON %q: %v", s, b, err)
		}
		// Valid UTF-8 comes back unchanged; invalid bytes become U+FFFD
		// (the decoder's choice), never an error.
		if v, ok := m.Value(); !ok || v != -1 || (utf8.ValidString(s) && m.Message != s) {
			t.Fatalf("%q decoded as %+v", s, m)
		}
	})
}

func TestSyncMessageFormat(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{string(AppendSyncMessage(nil, KeyData, 1234, "", false)), "{\"data\": 1234}\n"},
		{string(AppendSyncMessage(nil, KeyPid, -1, "a \"b\"", true)), "{\"pid\": -1, \"message\": \"a \\\"b\\\"\"}\n"},
		{string(AppendSyncMessage(nil, KeyExitCode, 0, "", true)), "{\"exit_code\": 0, \"message\": \"\"}\n"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	for _, c := range []struct {
		a    Args
		want string
	}{{Args{APIVersion: true, Exec: true}, KeyData}, {Args{Exec: true}, KeyExitCode}, {Args{}, KeyPid}} {
		if got := SyncKey(&c.a); got != c.want {
			t.Errorf("SyncKey(%+v) = %q", c.a, got)
		}
	}
	var buf [128]byte
	if n := testing.AllocsPerRun(20, func() { AppendSyncMessage(buf[:0], KeyData, 42, "msg", true) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

func TestMonitorFiles(t *testing.T) {
	dir := t.TempDir()
	persist, exits := filepath.Join(dir, "persist"), filepath.Join(dir, "exits")
	for _, d := range []string{persist, exits} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteExitFiles(persist, exits, "ctr", 137); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(persist, "exit"), filepath.Join(exits, "ctr")} {
		if st, err := ReadExitFile(p, ""); err != nil || st.Code != 137 {
			t.Errorf("%s: %+v %v", p, st, err)
		}
	}
	// The exit dir file is written even when the persist dir is gone.
	if err := WriteExitFiles(filepath.Join(dir, "gone"), exits, "c2", 1); err == nil {
		t.Error("no error for a missing persist dir")
	}
	if st, err := ReadExitFile(filepath.Join(exits, "c2"), ""); err != nil || st.Code != 1 {
		t.Errorf("exit dir file: %+v %v", st, err)
	}

	if err := WriteOOMFile(persist); err != nil {
		t.Fatal(err)
	}
	if st, _ := ReadExitFile(filepath.Join(persist, "exit"), persist); !st.OOM {
		t.Error("oom file not seen")
	}

	pidFile := filepath.Join(dir, "conmon.pid")
	for _, pid := range []int{123456, 7} {
		if err := WritePidFile(pidFile, pid); err != nil {
			t.Fatal(err)
		}
		if data, err := os.ReadFile(pidFile); err != nil || string(data) != strconv.Itoa(pid) {
			t.Errorf("pid file %q %v", data, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("temp files left: %v", entries)
	}
	if err := WritePidFile(filepath.Join(dir, "missing", "pid"), 1); err == nil {
		t.Error("pid file in a missing dir written")
	}
}

func TestExitCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if NewExitCommand(&Args{}, nil) != nil {
		t.Error("an exit command without --exit-command")
	}
	e := NewExitCommand(&Args{ExitCommand: "/bin/sh", ExitCommandArgs: []string{"-c", `echo "$0 $FOO" > ` + out + `; read x; exit 3`, "arg0"}, ExitDelay: 1}, []string{"FOO=bar"})
	e.Delay = 50 * time.Millisecond
	start := time.Now()
	code, err := e.Run(context.Background())
	if err != nil || code != 3 {
		t.Fatalf("code %d, %v", code, err)
	}
	if time.Since(start) < e.Delay {
		t.Error("delay not slept")
	}
	if data, _ := os.ReadFile(out); string(data) != "arg0 bar\n" {
		t.Errorf("exit command saw %q (args, env); stdin must be /dev/null", data)
	}

	e = &ExitCommand{Path: "/bin/sh", Args: []string{"-c", "kill -KILL $$"}}
	if code, err := e.Run(context.Background()); err != nil || code != 128+int(syscall.SIGKILL) {
		t.Errorf("killed command: %d %v", code, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	e = &ExitCommand{Path: "/bin/sleep", Args: []string{"30"}, Setpgid: true}
	if code, err := e.Run(ctx); err == nil || code != 137 {
		t.Errorf("timed out command: %d %v", code, err)
	}
	e = &ExitCommand{Path: filepath.Join(dir, "missing")}
	if _, err := e.Run(context.Background()); err == nil {
		t.Error("a missing exit command ran")
	}
}

// With --exit-delay, the exit command is skipped once the exit file is gone
// (pod removed the container), run when it stays, and not skipped early
// when there is no delay.
func TestExitCommandHold(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	exitFile := filepath.Join(dir, "cid")
	a := &Args{CID: "cid", ExitDir: dir, ExitCommand: "/bin/touch", ExitCommandArgs: []string{marker}, ExitDelay: 1}
	if err := os.WriteFile(exitFile, []byte("0"), 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		_ = os.Remove(exitFile)
	}()
	start := time.Now()
	if code, err := NewExitCommand(a, nil).Run(context.Background()); err != nil || code != 0 {
		t.Fatalf("skipped: %d %v", code, err)
	}
	if d := time.Since(start); d > 800*time.Millisecond {
		t.Errorf("skipping took %v: the whole delay", d)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("exit command ran after its exit file was removed")
	}
	if err := os.WriteFile(exitFile, []byte("0"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := NewExitCommand(a, nil)
	e.Delay = 60 * time.Millisecond
	if code, err := e.Run(context.Background()); err != nil || code != 0 {
		t.Fatalf("kept: %d %v", code, err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("exit command did not run while its exit file stayed: %v", err)
	}
	a.ExitDelay = 0
	if e := NewExitCommand(a, nil); e.Done != nil || !e.Hold(func(time.Duration) bool { return false }) {
		t.Error("no delay: the exit command must run at once")
	}
}

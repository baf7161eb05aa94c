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
	if e := NewExitCommand(a, nil); !e.Hold(func(time.Duration) bool { t.Error("waited"); return false }) {
		t.Error("no delay, no lock file: the exit command must run at once")
	}
}

// exitedDirs makes a temp dir with an exit dir and a persist dir holding
// the exit files of container "cid", exited with code.
func exitedDirs(t *testing.T, code int) (dir, exitDir, persist string) {
	t.Helper()
	dir = t.TempDir()
	exitDir, persist = filepath.Join(dir, "exits"), filepath.Join(dir, "persist")
	for _, d := range []string{exitDir, persist} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteExitFiles(persist, exitDir, "cid", code); err != nil {
		t.Fatal(err)
	}
	return dir, exitDir, persist
}

// holdUntil runs e.Hold with a wait that sleeps nothing and calls then at
// its nth call; it returns Hold's answer and the number of waits.
func holdUntil(e *ExitCommand, nth int, then func()) (run bool, waits int) {
	run = e.Hold(func(time.Duration) bool {
		waits++
		if waits == nth {
			then()
		}
		return true
	})
	return run, waits
}

// A foreground pod that cleaned up a kept container (run or start --attach
// without --rm) creates <persist-dir>/cleaned: the exit file stays for the
// container's state and the exit command is skipped. Without that file (the
// pod was killed or detached) the exit command runs after the delay.
func TestExitCommandHoldCleaned(t *testing.T) {
	dir, exitDir, persist := exitedDirs(t, 3)
	ran := filepath.Join(dir, "ran")
	a := &Args{CID: "cid", ExitDir: exitDir, PersistDir: persist, ExitCommand: "/bin/touch", ExitCommandArgs: []string{ran}, ExitDelay: 1}

	// The cleaned file appears while the monitor waits: the next look sees it.
	markCleaned := func() {
		if err := MarkCleaned(persist); err != nil {
			t.Fatal(err)
		}
	}
	if run, waits := holdUntil(NewExitCommand(a, nil), 1, markCleaned); run {
		t.Error("exit command still to run after the cleaned file was created")
	} else if waits != 1 {
		t.Errorf("%d waits, want 1: the cleaned file is looked for after each", waits)
	}
	if code, err := NewExitCommand(a, nil).Run(context.Background()); err != nil || code != 0 {
		t.Fatalf("skipped: %d %v", code, err)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Error("exit command ran although the cleaned file exists")
	}
	if st, err := ReadExitFile(filepath.Join(exitDir, "cid"), persist); err != nil || st.Code != 3 {
		t.Errorf("exit file: %+v %v; it must stay", st, err)
	}
	if fi, err := os.Stat(filepath.Join(persist, CleanedName)); err != nil || fi.Mode().Perm() != 0o644 || fi.Size() != 0 {
		t.Errorf("cleaned file: %v %v", fi, err)
	}

	// A killed or detached pod leaves no cleaned file: the command runs.
	if err := os.Remove(filepath.Join(persist, CleanedName)); err != nil {
		t.Fatal(err)
	}
	e := NewExitCommand(a, nil)
	e.Delay = 60 * time.Millisecond
	if code, err := e.Run(context.Background()); err != nil || code != 0 {
		t.Fatalf("kept: %d %v", code, err)
	}
	if _, err := os.Stat(ran); err != nil {
		t.Errorf("exit command did not run without the cleaned file: %v", err)
	}

	// Without a persist dir only the exit file counts: a cleaned file
	// elsewhere (here the exit dir's) changes nothing.
	noPersist := *a
	noPersist.PersistDir = ""
	if err := MarkCleaned(exitDir); err != nil {
		t.Fatal(err)
	}
	if e := NewExitCommand(&noPersist, nil); e.Done == nil || e.Done() {
		t.Error("without a persist dir a cleaned file must not count")
	}
	if err := MarkCleaned(filepath.Join(dir, "missing")); err == nil {
		t.Error("cleaned file in a missing dir created")
	}
}

// The foreground pod's lock (<exit-dir>/<cid>.fg): while it is held the
// monitor waits beyond the delay for the cleanup; once it is let go
// without a sign of cleanup (pod killed, or detached and gone) the exit
// command runs at once, whatever is left of the delay.
func TestExitCommandHoldForeground(t *testing.T) {
	dir, exitDir, persist := exitedDirs(t, 0)
	a := &Args{CID: "cid", ExitDir: exitDir, PersistDir: persist, ExitCommand: "/bin/true", ExitDelay: 1}
	fgPath := ForegroundFile(exitDir, "cid")
	if fgPath != filepath.Join(exitDir, "cid.fg") {
		t.Errorf("foreground file %s", fgPath)
	}
	if foregroundOf(fgPath) != foregroundNone {
		t.Error("no lock file: want none")
	}
	fg, err := HoldForeground(fgPath)
	if err != nil {
		t.Fatal(err)
	}
	defer fg.Close()
	if foregroundOf(fgPath) != foregroundBusy {
		t.Error("held lock: want busy")
	}

	// Held past the delay (already over here), until the cleaned file.
	e := NewExitCommand(a, nil)
	e.Delay = time.Nanosecond
	if run, waits := holdUntil(e, 5, func() {
		if err := MarkCleaned(persist); err != nil {
			t.Fatal(err)
		}
	}); run {
		t.Error("exit command to run although the foreground pod cleaned up")
	} else if waits != 5 {
		t.Errorf("%d waits, want 5: the hold must last while the lock is held", waits)
	}
	if err := os.Remove(filepath.Join(persist, CleanedName)); err != nil {
		t.Fatal(err)
	}

	// A new holder (the next foreground start) gets a file of its own,
	// even while the old one is still held.
	fg2, err := HoldForeground(fgPath)
	if err != nil {
		t.Fatalf("second holder: %v", err)
	}
	fg.Close()
	if foregroundOf(fgPath) != foregroundBusy {
		t.Error("the new holder's lock must count, not the old one's")
	}

	// Let go without a sign: run at once, long before the delay ends.
	e = NewExitCommand(a, nil)
	e.Delay = time.Hour
	if run, waits := holdUntil(e, 3, func() { fg2.Close() }); !run {
		t.Error("foreground pod gone without cleaning up: the exit command must run")
	} else if waits != 3 {
		t.Errorf("%d waits, want 3: the exit command runs as soon as the lock is let go", waits)
	}
	if foregroundOf(fgPath) != foregroundGone {
		t.Error("released lock: want gone")
	}

	// Released after the cleaned file was made (the pod's order): skipped.
	if err := MarkCleaned(persist); err != nil {
		t.Fatal(err)
	}
	if NewExitCommand(a, nil).Hold(func(time.Duration) bool { t.Error("waited"); return false }) {
		t.Error("cleaned, lock let go: the exit command must be skipped")
	}
	if _, err := HoldForeground(filepath.Join(dir, "missing", "cid.fg")); err == nil {
		t.Error("lock in a missing dir")
	}
}

// A monitor started without a delay (pod init) still waits for a
// foreground pod that holds the lock (start --attach after init): skipped
// once it cleaned up, run at once when it lets go without doing so.
func TestExitCommandHoldForegroundNoDelay(t *testing.T) {
	_, exitDir, persist := exitedDirs(t, 0)
	a := &Args{CID: "cid", ExitDir: exitDir, PersistDir: persist, ExitCommand: "/bin/true"}
	fg, err := HoldForeground(ForegroundFile(exitDir, "cid"))
	if err != nil {
		t.Fatal(err)
	}
	if run, waits := holdUntil(NewExitCommand(a, nil), 4, func() {
		if err := MarkCleaned(persist); err != nil {
			t.Fatal(err)
		}
	}); run || waits != 4 {
		t.Errorf("run %v after %d waits: want skipped after 4", run, waits)
	}
	if err := os.Remove(filepath.Join(persist, CleanedName)); err != nil {
		t.Fatal(err)
	}
	if run, waits := holdUntil(NewExitCommand(a, nil), 2, func() { fg.Close() }); !run || waits != 2 {
		t.Errorf("run %v after %d waits: want run after 2 (lock let go, not cleaned)", run, waits)
	}
}

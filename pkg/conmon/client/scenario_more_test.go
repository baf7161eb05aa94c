package client

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/conmontest"
)

// fileFacts records what a monitor leaves on disk, to compare monitors.
type fileFacts struct {
	Running map[string]string // name → type/mode while the container runs
	After   map[string]string // ... after the monitor exited
}

func describe(path string) string {
	st, err := os.Lstat(path)
	if err != nil {
		return "absent"
	}
	kind := "file"
	switch st.Mode().Type() {
	case os.ModeSocket:
		kind = "socket"
	case os.ModeNamedPipe:
		kind = "fifo"
	case os.ModeSymlink:
		kind = "symlink"
	case os.ModeDir:
		kind = "dir"
	}
	return kind + " " + st.Mode().Perm().String()
}

// The files a monitor creates, their types and modes, and what is left
// after it exits are the same under conmon and pod-conmon.
func TestScenarioFiles(t *testing.T) {
	results := map[string]fileFacts{}
	forEach(t, []string{"runc"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sh", "-c", "read x; exit 0")
		c.args.Stdin = true
		sockDir := t.TempDir()
		c.args.FullAttach = false
		c.args.SocketDirPath = sockDir
		m, _ := c.mustCreate(ctx)
		c.start(ctx)
		names := map[string]string{
			"attach": filepath.Join(sockDir, c.b.ID, "attach"), "link": filepath.Join(sockDir, c.b.ID),
			"ctl": filepath.Join(c.b.Dir, "ctl"), "winsz": filepath.Join(c.b.Dir, "winsz"),
			"log": c.logPath(), "conmon.pid": c.args.ConmonPidFile, "pidfile": c.args.ContainerPidFile,
			"bundle/attach": filepath.Join(c.b.Dir, "attach"),
		}
		f := fileFacts{Running: map[string]string{}, After: map[string]string{}}
		for k, p := range names {
			f.Running[k] = describe(p)
		}
		// The short path through the symlink works for attaching.
		conn, err := Dial(names["attach"])
		if err != nil {
			t.Fatal(err)
		}
		if err := conn.Stream(ctx, AttachOptions{Stdin: strings.NewReader("go\n")}); err != nil {
			t.Fatal(err)
		}
		c.exitCode(10 * time.Second)
		if !conmontest.WaitGone(m.Pid(), 10*time.Second) {
			t.Fatal("monitor still running")
		}
		for k, p := range names {
			f.After[k] = describe(p)
		}
		f.After["exit"] = describe(c.exitPath())
		f.After["persist/exit"] = describe(filepath.Join(c.args.PersistDir, "exit"))
		results[mon.name] = f
		t.Logf("%s: %+v", mon.name, f)
	})
	if a, b := results["conmon"], results["pod-conmon"]; a.Running != nil && b.Running != nil {
		// Modes depend on the umask both monitors inherit; compare them.
		if !reflect.DeepEqual(a, b) {
			t.Errorf("file facts differ:\nconmon     %+v\npod-conmon %+v", a, b)
		}
	}
}

// The exit command gets the monitor's environment (the caller's variables
// and _OCI_SYNCPIPE, as conmon).
func TestScenarioExitCommandEnv(t *testing.T) {
	forEach(t, []string{"crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "true")
		out := filepath.Join(t.TempDir(), "env")
		c.args.ExitCommand = writeScript(t, "env > "+out+".tmp; mv "+out+".tmp "+out+"\n")
		m, err := Start(ctx, &Options{Monitor: mon.path, Direct: mon.direct, Args: c.args, Dir: c.b.Dir,
			Env: append(os.Environ(), "POD_TEST_MARKER=yes")})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, err := m.ReadPid(ctx); err != nil {
			t.Fatal(err)
		}
		c.start(ctx)
		env := conmontest.WaitFile(t, out, 10*time.Second)
		for _, want := range []string{"POD_TEST_MARKER=yes", conmon.EnvSyncPipe + "=3", "PATH="} {
			if !strings.Contains(env, want) {
				t.Errorf("exit command environment lacks %q", want)
			}
		}
		for _, bad := range []string{"_POD_CONMON", "_POD_MONITOR", "GOMAXPROCS=1", "GOGC=50"} {
			if strings.Contains(env, bad) {
				t.Errorf("exit command environment has %q", bad)
			}
		}
	})
}

// --sync: the monitor stays our child until the container exits; exec
// with --timeout kills the process and reports "command timed out".
func TestScenarioSyncTimeout(t *testing.T) {
	forEach(t, []string{"runc", "crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sleep", "100")
		c.runningCtr(ctx)
		a := c.execArgs(t, false, false, "sleep", "30")
		a.Sync = true
		a.Timeout = 1
		start := time.Now()
		m, err := Start(ctx, &Options{Monitor: mon.path, Direct: mon.direct, Args: a, Dir: a.Bundle})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if m.Pid() <= 0 {
			t.Fatalf("sync monitor pid %d", m.Pid())
		}
		if _, err := m.ReadPid(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = m.ReadExitCode(ctx)
		var se *SyncError
		if !errors.As(err, &se) || se.Code != -1 || se.Message != "command timed out" {
			t.Errorf("timed-out exec: %v", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("timeout took %v", d)
		}
		if got := conmontest.WaitFile(t, filepath.Join(a.ExitDir, c.b.ID), 5*time.Second); got != "-1" {
			t.Errorf("exit file %q after timeout, want -1", got)
		}
		werr := m.Wait()
		var ee *exec.ExitError
		if werr != nil && !errors.As(werr, &ee) {
			t.Errorf("wait: %v", werr)
		}
	})
}

// passthrough: the container writes straight to the monitor's stdio.
func TestScenarioPassthrough(t *testing.T) {
	forEach(t, []string{"runc", "crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sh", "-c", "echo to-stdout; echo to-stderr >&2")
		c.args.LogPaths = []string{"passthrough"}
		outPath := filepath.Join(t.TempDir(), "out")
		out, _ := os.Create(outPath)
		defer out.Close()
		m, err := Start(ctx, &Options{Monitor: mon.path, Direct: mon.direct, Args: c.args, Dir: c.b.Dir, Stdout: out, Stderr: out})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, err := m.ReadPid(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(c.b.Dir, "attach")); !os.IsNotExist(err) {
			t.Errorf("passthrough created an attach socket: %v", err)
		}
		c.start(ctx)
		c.exitCode(10 * time.Second)
		got, _ := os.ReadFile(outPath)
		if !bytes.Contains(got, []byte("to-stdout\n")) || !bytes.Contains(got, []byte("to-stderr\n")) {
			t.Errorf("passthrough output %q", got)
		}
	})
}

// exec with a terminal and attach: output arrives as stdout with CRLF.
func TestScenarioExecTerminal(t *testing.T) {
	forEach(t, []string{"runc", "crun"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sleep", "100")
		c.runningCtr(ctx)
		a := c.execArgs(t, true, true, "sh", "-c", "tty >/dev/null && echo is-a-tty; echo err >&2; exit 2")
		m, err := Start(ctx, &Options{Monitor: mon.path, Direct: mon.direct, Args: a, Dir: a.Bundle})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if err := m.WaitAttachReady(ctx); err != nil {
			t.Fatal(err)
		}
		conn, err := Dial(filepath.Join(a.Bundle, "attach"))
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Release(); err != nil {
			t.Fatal(err)
		}
		if _, err := m.ReadPid(ctx); err != nil {
			t.Fatal(err)
		}
		var so, se bytes.Buffer
		if err := conn.Stream(ctx, AttachOptions{Stdout: &so, Stderr: &se}); err != nil {
			t.Fatal(err)
		}
		if so.String() != "is-a-tty\r\nerr\r\n" || se.Len() != 0 {
			t.Errorf("exec tty output %q / %q", so.String(), se.String())
		}
		if code, err := m.ReadExitCode(ctx); err != nil || code != 2 {
			t.Errorf("exit code %d %v", code, err)
		}
	})
}

// Bad command lines fail the same way (exit status, message text after the
// program name) under both monitors.
func TestCommandLineErrors(t *testing.T) {
	conmonPath, err := exec.LookPath("conmon")
	if err != nil || podConmon == "" {
		t.Skip("needs both conmon and pod-conmon")
	}
	run := func(bin string, args ...string) (int, string) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = t.TempDir()
		// conmon's messages go through glib, which turns the quotes into
		// '?' under an ASCII locale; compare both under UTF-8.
		cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
		out, _ := cmd.CombinedOutput()
		code := 0
		if cmd.ProcessState != nil {
			code = cmd.ProcessState.ExitCode()
		}
		msg := string(out)
		for _, p := range []string{"[conmon:e]: ", "[conmon:e] ", "[pod-conmon:e] ", "pod-conmon: ", "conmon: "} {
			msg = strings.ReplaceAll(msg, p, "")
		}
		return code, strings.TrimSpace(msg)
	}
	rtPath, _ := exec.LookPath("runc")
	for _, args := range [][]string{
		{"--bogus"}, {"-c"}, {"--log-size-max", "x", "-c", "a"}, {"-T", "99999999999"}, {},
		{"-c", "x"}, {"-c", "x", "-u", "y"}, {"-c", "x", "-u", "y", "-r", "/nonexistent"},
		{"-c", "x", "-u", "y", "-r", rtPath}, {"-c", "x", "-u", "y", "-r", rtPath, "-l", "bogus:x"},
		{"-c", "x", "-u", "y", "-r", rtPath, "-l", "k8s-file"}, {"-c", "x", "-u", "y", "-r", rtPath, "-l", "k8s-file:/tmp/x", "--log-tag", "t"},
		{"-c", "x", "-u", "y", "-r", rtPath, "-l", "none", "--log-level", "bogus"},
		{"-c", "x", "-u", "y", "-r", rtPath, "-l", "none", "--exit-delay", "-1"},
		{"-c", "x", "-u", "y", "-r", rtPath, "-l", "none", "-e"},
		{"-c", "x", "-u", "y", "-r", rtPath, "-l", "none", "--exec-attach"},
		{"-c", "x", "-u", "y", "-r", rtPath, "-l", "none", "--restore", "d", "-e"},
		{"-c", "x", "-u", "y", "-r", rtPath, "-l", "journald:"},
	} {
		c1, m1 := run(conmonPath, args...)
		c2, m2 := run(podConmon, args...)
		if c1 != c2 {
			t.Errorf("%q: exit %d (conmon) vs %d (pod-conmon)", args, c1, c2)
		}
		// Identical text, except that pod-conmon formats the errno Go's way.
		if m1 != m2 && !(strings.HasPrefix(m1, "Runtime path ") && strings.HasPrefix(m2, "Runtime path ")) {
			t.Errorf("%q: conmon %q vs pod-conmon %q", args, m1, m2)
		}
		t.Logf("%q: %d %q | %d %q", args, c1, m1, c2, m2)
	}
	// --version keeps the "<name> version <ver>" shape.
	cmd := exec.Command(podConmon, "--version")
	out, err := cmd.Output()
	if err != nil || !strings.HasPrefix(string(out), "pod-conmon version ") || !strings.Contains(string(out), "\ncommit: ") {
		t.Errorf("--version: %q %v", out, err)
	}
}

// --sdnotify-socket: datagrams the container sends to
// <bundle>/notify/notify.sock reach the host socket, filtered. conmon
// 2.1.6 forwards only READY=1 (or WATCHDOG=1); pod-conmon also forwards the
// state lines conmon HEAD does (STATUS=, STOPPING=1, ...).
func TestScenarioSdNotify(t *testing.T) {
	forEach(t, []string{"runc"}, func(t *testing.T, mon monitorBin, rt *conmontest.Runtime) {
		ctx := ctx30(t)
		c := newCtr(t, mon, rt, "sleep", "100")
		if err := os.Mkdir(filepath.Join(c.b.Dir, "notify"), 0o755); err != nil {
			t.Fatal(err)
		}
		host := filepath.Join(t.TempDir(), "host.sock")
		hfd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer syscall.Close(hfd)
		if err := syscall.Bind(hfd, &syscall.SockaddrUnix{Name: host}); err != nil {
			t.Fatal(err)
		}
		c.args.SdNotifySocket = host
		m, _ := c.mustCreate(ctx)
		c.start(ctx)
		sock := filepath.Join(c.b.Dir, "notify", "notify.sock")
		cfd, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM, 0)
		defer syscall.Close(cfd)
		if err := syscall.Sendto(cfd, []byte("READY=1\nFOO=bar\nSTATUS=serving"), 0, &syscall.SockaddrUnix{Name: sock}); err != nil {
			t.Fatal(err)
		}
		tv := syscall.NsecToTimeval(int64(5 * time.Second))
		syscall.SetsockoptTimeval(hfd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)
		buf := make([]byte, 512)
		n, _, err := syscall.Recvfrom(hfd, buf, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.TrimSpace(string(buf[:n]))
		// pod-conmon names itself the main process with every message.
		want := "MAINPID=" + strconv.Itoa(m.Pid()) + "\nREADY=1\nSTATUS=serving"
		if mon.name == "conmon" {
			want = "READY=1"
		}
		if got != want {
			t.Errorf("relayed %q, want %q", got, want)
		}
	})
}

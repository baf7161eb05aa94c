package monitor

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/pod-engine/pod/pkg/conmon"
)

func TestSyncMessageJSON(t *testing.T) {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(p[0])
	sp := &syncPipe{fd: p[1], key: "data"}
	msg := "runc create failed: \"x\" \\ \n\t\r\x01\x1f\x7f/ üñí"
	sp.send(-1, msg, true)
	sp.send(1234, "", false)
	sp.close()
	var buf [4096]byte
	n, _ := syscall.Read(p[0], buf[:])
	lines := strings.Split(strings.TrimSuffix(string(buf[:n]), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("lines %q", lines)
	}
	var m1, m2 conmon.SyncMessage
	if err := json.Unmarshal([]byte(lines[0]), &m1); err != nil || m1.Message != msg || *m1.Data != -1 {
		t.Errorf("failure message %q → %+v %v", lines[0], m1, err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &m2); err != nil || *m2.Data != 1234 || lines[1] != `{"data": 1234}` {
		t.Errorf("pid message %q", lines[1])
	}
	// A closed pipe is not an error for the monitor.
	sp.send(1, "", false)
}

func testConfig(t *testing.T, argv ...string) (*config, string) {
	t.Helper()
	a, err := conmon.ParseArgs(argv)
	if err != nil {
		t.Fatal(err)
	}
	return newConfig(a)
}

func TestConfigDefaultsAndLogPaths(t *testing.T) {
	dir := t.TempDir()
	c, msg := testConfig(t, "-c", "abc", "-u", "abc", "-r", "/bin/sh", "-b", dir, "-l", "k8s-file:/var/log/a:b.log", "-l", "none")
	if msg != "" {
		t.Fatal(msg)
	}
	if c.k8sPath != "/var/log/a:b.log" || c.journald || c.passthrough || c.SocketDirPath != "/var/run/crio" || c.apiKey != "pid" {
		t.Errorf("%+v", c)
	}
	if !strings.HasSuffix(c.ContainerPidFile, "/pidfile-abc") {
		t.Errorf("default pid file %q", c.ContainerPidFile)
	}
	c, msg = testConfig(t, "--api-version", "-e", "--exec-process-spec", "/p", "-c", "abc", "-u", "s", "-r", "/bin/sh", "-l", "/plain/path", "-l", "passthrough")
	if msg != "" || c.k8sPath != "/plain/path" || !c.passthrough || c.apiKey != "data" || c.Bundle != "" {
		t.Errorf("%+v %q", c, msg)
	}
	c, _ = testConfig(t, "-e", "--exec-process-spec", "/p", "-c", "abc", "-r", "/bin/sh", "-l", ":/x")
	if c == nil || c.k8sPath != "/x" || c.apiKey != "exit_code" {
		t.Errorf("legacy exec: %+v", c)
	}
	old := journalSocket
	defer func() { journalSocket = old }()
	journalSocket = filepath.Join(dir, "missing.sock")
	_, msg = testConfig(t, "-c", "0123456789abcdef", "-u", "u", "-r", "/bin/sh", "-l", "journald:")
	if !strings.Contains(msg, "journald log driver") || !strings.Contains(msg, "k8s-file") {
		t.Errorf("missing journald: %q", msg)
	}
}

func TestRuntimeArgv(t *testing.T) {
	c, msg := testConfig(t, "-c", "id", "-u", "id", "-r", "/bin/sh", "-b", "/b", "-p", "/p", "-l", "none", "-s",
		"--runtime-arg", "--root=/x", "--no-pivot", "--runtime-opt", "--preserve-fds", "--runtime-opt", "1")
	if msg != "" {
		t.Fatal(msg)
	}
	m := &mon{c: c, consolePath: "/tmp/cs"}
	want := []string{"/bin/sh", "--systemd-cgroup", "--root=/x", "create", "--bundle", "/b", "--pid-file", "/p", "--no-pivot",
		"--preserve-fds", "1", "--console-socket", "/tmp/cs", "id"}
	if got := m.runtimeArgv(); !reflect.DeepEqual(got, want) {
		t.Errorf("create argv %q", got)
	}
	c, msg = testConfig(t, "-c", "id", "-u", "s", "-r", "/bin/sh", "-p", "/p", "-l", "none", "-s", "-e", "--exec-process-spec", "/spec")
	if msg != "" {
		t.Fatal(msg)
	}
	m = &mon{c: c}
	want = []string{"/bin/sh", "exec", "--pid-file", "/p", "--process", "/spec", "--detach", "id"}
	if got := m.runtimeArgv(); !reflect.DeepEqual(got, want) {
		t.Errorf("exec argv %q", got)
	}
	c, msg = testConfig(t, "--api-version", "-c", "id", "-u", "id", "-r", "/bin/sh", "-b", "/b", "-p", "/p", "-l", "none", "-s",
		"--run", "--exec-attach", "--no-new-keyring")
	if msg != "" {
		t.Fatal(msg)
	}
	m = &mon{c: c, consolePath: "/tmp/cs"}
	want = []string{"/bin/sh", "--systemd-cgroup", "run", "--bundle", "/b", "--pid-file", "/p", "--detach", "--no-new-keyring",
		"--console-socket", "/tmp/cs", "id"}
	if got := m.runtimeArgv(); !reflect.DeepEqual(got, want) {
		t.Errorf("run argv %q", got)
	}
	for _, argv := range [][]string{
		{"--api-version", "--run", "-e", "--exec-process-spec", "/spec"},
		{"--api-version", "--run", "--restore", "/ckpt"},
		{"--api-version", "--exec-attach"},
	} {
		argv = append(argv, "-c", "id", "-u", "id", "-r", "/bin/sh", "-l", "none")
		if _, msg := testConfig(t, argv...); msg == "" {
			t.Errorf("%q accepted", argv)
		}
	}
}

// decodeJournal parses one native-protocol datagram.
func decodeJournal(t *testing.T, b []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for len(b) > 0 {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			t.Fatalf("truncated entry %q", b)
		}
		line := b[:nl]
		if k, v, ok := bytes.Cut(line, []byte{'='}); ok {
			out[string(k)] = string(v)
			b = b[nl+1:]
			continue
		}
		n := binary.LittleEndian.Uint64(b[nl+1 : nl+9])
		out[string(line)] = string(b[nl+9 : nl+9+int(n)])
		b = b[nl+9+int(n)+1:]
	}
	return out
}

func TestJournal(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "journal.sock")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: sock}); err != nil {
		t.Fatal(err)
	}
	old := journalSocket
	defer func() { journalSocket = old }()
	journalSocket = sock
	c, msg := testConfig(t, "-c", "0123456789abcdef", "-u", "u", "-n", "web", "-r", "/bin/sh", "-l", "journald:", "--log-tag", "tg")
	if msg != "" {
		t.Fatal(msg)
	}
	j, msg := newJournal(c)
	if msg != "" {
		t.Fatal(msg)
	}
	j.write("stdout", []byte("one\ntw"))
	j.write("stderr", []byte("err\n"))
	j.write("stdout", []byte("o\n"))
	j.write("stdout", bytes.Repeat([]byte("x"), 9000)) // beyond the partial buffer
	j.write("stdout", []byte("tail"))
	j.flush()
	j.close()
	var got []map[string]string
	buf := make([]byte, 65536)
	for {
		n, _, err := syscall.Recvfrom(fd, buf, syscall.MSG_DONTWAIT)
		if err != nil {
			break
		}
		got = append(got, decodeJournal(t, buf[:n]))
	}
	if len(got) != 5 {
		t.Fatalf("%d entries: %v", len(got), got)
	}
	common := map[string]string{"CONTAINER_ID_FULL": "0123456789abcdef", "CONTAINER_ID": "0123456789ab",
		"CONTAINER_NAME": "web", "CONTAINER_TAG": "tg", "SYSLOG_IDENTIFIER": "tg"}
	for _, e := range got {
		for k, v := range common {
			if e[k] != v {
				t.Errorf("entry %v: %s=%q, want %q", e["MESSAGE"], k, e[k], v)
			}
		}
	}
	check := func(i int, msg, prio string, partial bool) {
		t.Helper()
		e := got[i]
		if e["MESSAGE"] != msg || e["PRIORITY"] != prio || (e["CONTAINER_PARTIAL_MESSAGE"] == "true") != partial {
			t.Errorf("entry %d: %q prio %s partial %q", i, e["MESSAGE"][:min(len(e["MESSAGE"]), 20)], e["PRIORITY"], e["CONTAINER_PARTIAL_MESSAGE"])
		}
	}
	check(0, "one", "6", false)
	check(1, "err", "3", false)
	check(2, "two", "6", false)
	check(3, strings.Repeat("x", 9000), "6", true)
	check(4, "tail", "6", true)
	// Binary-safe encoding of a value with a newline.
	b := appendField(nil, "MESSAGE", []byte("a\nb"))
	if e := decodeJournal(t, b); e["MESSAGE"] != "a\nb" {
		t.Errorf("binary field %q", b)
	}
}

func TestInheritedAndHelpers(t *testing.T) {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(p[0])
	defer syscall.Close(p[1])
	fds := inherited()
	found := 0
	for i, fd := range fds {
		if fd == p[0] || fd == p[1] {
			found++
		}
		if i > 0 && fds[i-1] >= fd {
			t.Errorf("fds not sorted: %v", fds)
		}
	}
	if found != 2 {
		t.Errorf("inherited() = %v lacks %v", fds, p)
	}
	if got := splitComma("A,,B,"); !reflect.DeepEqual(got, []string{"A", "B"}) {
		t.Errorf("splitComma %q", got)
	}
	if n, ok := atoiBytes([]byte(" 42\n")); !ok || n != 42 {
		t.Error("atoiBytes")
	}
	if _, ok := atoiBytes([]byte("4x")); ok {
		t.Error("atoiBytes accepted 4x")
	}
}

package procps

import (
	"errors"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTableOwnProcess(t *testing.T) {
	pid := os.Getpid()
	rows, err := Table([]int{pid, 1 << 30}, nil, Names{User: func(int) string { return "someone" }})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], "|"); got != "USER|PID|PPID|%CPU|ELAPSED|TTY|TIME|COMMAND" {
		t.Fatalf("header %q", got)
	}
	if len(rows) != 2 {
		t.Fatalf("a process that does not exist must be left out: %q", rows)
	}
	r := rows[1]
	if r[0] != "someone" {
		t.Errorf("user %q: the lookup was not used", r[0])
	}
	if r[1] != strconv.Itoa(pid) {
		t.Errorf("pid %q, want %d (the test runs in the host's PID namespace)", r[1], pid)
	}
	if !strings.Contains(r[7], "procps.test") || !strings.HasSuffix(r[7], " ") {
		t.Errorf("args %q: want the argv joined by spaces, with psgo's trailing space", r[7])
	}
	if len(strings.Split(r[3], ".")[1]) != 3 {
		t.Errorf("pcpu %q: want three decimals", r[3])
	}
}

func TestDescriptorsCommaAIXAndUnknown(t *testing.T) {
	rows, err := Table([]int{os.Getpid()}, []string{"pid,%U", "comm", "", "hpid"}, Names{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], "|"); got != "PID|USER|COMMAND|HPID" {
		t.Fatalf("header %q", got)
	}
	if rows[1][1] != strconv.Itoa(os.Geteuid()) {
		t.Errorf("user without names %q, want the uid", rows[1][1])
	}
	for _, bad := range []string{"-ef", "nosuch", "pid,x", "%Q"} {
		if _, err := Table(nil, []string{bad}, Names{}); !errors.Is(err, ErrUnknownDescriptor) {
			t.Errorf("%q: err %v, want ErrUnknownDescriptor", bad, err)
		}
	}
	for _, k := range Known() {
		if _, err := Table([]int{os.Getpid()}, []string{k}, Names{}); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
}

func TestFormats(t *testing.T) {
	for nr, want := range map[int]string{0: "?", 136<<8 | 3: "pts/3", 137<<8 | 1: "pts/257", 4<<8 | 1: "tty1", 4<<8 | 65: "ttyS1", 5<<8 | 1: "console", 8<<8 | 1: "?"} {
		if got := ttyName(nr); got != want {
			t.Errorf("ttyName(%#x) = %q, want %q", nr, got, want)
		}
	}
	if got := capNames("0000000000000000"); got != "none" {
		t.Errorf("no caps: %q", got)
	}
	if got := capNames("0000000000000003"); got != "CHOWN,DAC_OVERRIDE" {
		t.Errorf("two caps: %q", got)
	}
	if got := capNames("000001ffffffffff"); got != "full" {
		t.Errorf("all caps: %q", got)
	}
	if got := capNames("zz"); got != "?" {
		t.Errorf("garbage: %q", got)
	}
	for in, want := range map[string]string{"0": "disabled", "1": "strict", "2": "filter", "": "?"} {
		if got := seccompMode(in); got != want {
			t.Errorf("seccompMode(%q) = %q", in, got)
		}
	}
}

func TestNamespacePidsOfTheCallersNamespace(t *testing.T) {
	// A process in our own PID namespace has none of its own to list.
	if got := NamespacePids(os.Getpid()); !slices.Equal(got, []int{os.Getpid()}) {
		t.Errorf("NamespacePids(self) = %v, want itself alone", got)
	}
	if got := NamespacePids(1 << 30); !slices.Equal(got, []int{1 << 30}) {
		t.Errorf("a process that does not exist: %v, want itself alone", got)
	}
}

func TestNamespacePidsLeavesOutOtherNamespaces(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("unshare --pid needs root")
	}
	// unshare forks sh as PID 1 of a new PID namespace, which starts a
	// second process there: neither is in ours.
	cmd := exec.Command("unshare", "--pid", "--fork", "sh", "-c", "sleep 30 & exec sleep 31")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var inner int
	for i := 0; i < 100 && inner == 0; i++ {
		children, _ := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task/" + strconv.Itoa(cmd.Process.Pid) + "/children")
		if f := strings.Fields(string(children)); len(f) > 0 {
			inner, _ = strconv.Atoi(f[0])
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if inner == 0 {
		t.Fatal("unshare started no child")
	}
	if pids := NamespacePids(os.Getpid()); slices.Contains(pids, inner) {
		t.Errorf("%d of another PID namespace listed: %v", inner, pids)
	}
	var pids []int
	for i := 0; i < 100 && len(pids) < 2; i++ {
		if pids = NamespacePids(inner); len(pids) < 2 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if len(pids) != 2 || !slices.Contains(pids, inner) || !slices.IsSorted(pids) {
		t.Errorf("the new namespace's processes: %v, want %d and its child, sorted", pids, inner)
	}
}

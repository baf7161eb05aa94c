package shimmon

import (
	"bufio"
	"strings"
	"testing"
)

func TestOOMFile(t *testing.T) {
	v1 := "10:hugetlb:/\n4:memory:/pod/ctr1\n1:cpu:/\n0::/\n"
	if got := oomFile(v1, "/sys/fs/cgroup"); got != "/sys/fs/cgroup/memory/pod/ctr1/memory.oom_control" {
		t.Errorf("v1: %s", got)
	}
	v2 := "0::/machine.slice/ctr2\n"
	if got := oomFile(v2, "/nonexistent"); got != "/nonexistent/machine.slice/ctr2/memory.events" {
		t.Errorf("v2: %s", got)
	}
	if got := oomFile("4:memory:/../../etc\n", "/sys/fs/cgroup"); got != "" {
		t.Errorf("path escape accepted: %s", got)
	}
	if got := oomFile("", "/sys/fs/cgroup"); got != "" {
		t.Errorf("empty: %s", got)
	}
}

func TestParseOOMKill(t *testing.T) {
	for in, want := range map[string]int{
		"oom_kill_disable 0\nunder_oom 0\noom_kill 3\n": 3,
		"low 0\nhigh 0\nmax 2\noom 2\noom_kill 1\n":     1,
		"oom_kill_disable 0\n":                          -1,
	} {
		if got := parseOOMKill(bufio.NewScanner(strings.NewReader(in))); got != want {
			t.Errorf("%q: %d, want %d", in, got, want)
		}
	}
}

func FuzzOOMFile(f *testing.F) {
	f.Add("4:memory:/a/b\n0::/c\n")
	f.Fuzz(func(t *testing.T, s string) {
		if p := oomFile(s, "/sys/fs/cgroup"); strings.Contains(p, "..") {
			t.Fatalf("path with ..: %s", p)
		}
	})
}

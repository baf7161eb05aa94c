package generate

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func uintp(u uint) *uint { return &u }

// The golden files were checked against podman 4.3.1's output for the same
// containers (with /usr/bin/podman for /usr/bin/pod and the header's name).
func TestContainerUnitGolden(t *testing.T) {
	id := "a24b8593a2d34e2aeabb2b4320913b4df8347fbea036fc56ce8fb382e216ec34"
	base := Container{ID: id, Name: "web", StopTimeout: 10, RunRoot: "/run/containers/storage",
		PIDFile: "/run/pod/" + id + "/conmon.pid", Executable: "/usr/bin/pod",
		CreateCommand: []string{"/usr/bin/pod", "create", "--name", "web", "-e", "A=1", "bb", "sleep", "100"}}
	now := time.Date(2026, 12, 6, 19, 33, 34, 0, time.UTC)
	for _, tc := range []struct {
		name string
		c    Container
		o    Options
	}{
		{"plain", base, Options{ContainerPrefix: "container", Separator: "-", Version: "1.0", Now: now}},
		{"new-name", base, Options{New: true, UseName: true, ContainerPrefix: "container", Separator: "-", Version: "1.0", Now: now}},
		{"new-deps", base, Options{New: true, UseName: true, NoHeader: true, ContainerPrefix: "container", Separator: "-",
			RestartPolicy: "always", RestartSec: 5, StopTimeout: uintp(7), Wants: []string{"a.service"}, After: []string{"b.service"}, Requires: []string{"c.service"}}},
		{"prefix", base, Options{NoHeader: true, ContainerPrefix: "ab", Separator: "_"}},
		{"new-flags", func() Container {
			c := base
			c.CreateCommand = []string{"/usr/bin/pod", "--root", "/tmp/r", "run", "-d", "--name", "r1", "--cidfile", "/tmp/x.cid", "--sdnotify=container",
				"-h", "myhost", "--restart=always", "--rm", "-e", "B=x y", "bb", "sh", "-c", `echo "a b"; sleep 100`}
			return c
		}(), Options{New: true, NoHeader: true, ContainerPrefix: "container", Separator: "-"}},
		{"new-escape", func() Container {
			c := base
			c.CreateCommand = []string{"/usr/bin/pod", "create", "bb", "echo", "a$b %c", "x'y", `"q`, `a"b`, `back\slash`, "", "tab\tx", "plain"}
			return c
		}(), Options{New: true, NoHeader: true, ContainerPrefix: "container", Separator: "-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := ContainerUnit(&tc.c, &tc.o)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.name+".service")
			if *update {
				if err := os.WriteFile(golden, []byte(u.Content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if u.Content != string(want) {
				t.Errorf("unit differs from %s:\n%s", golden, u.Content)
			}
			verify(t, u)
		})
	}
}

// verify runs systemd-analyze verify on a unit (the executables replaced by
// /bin/true so it checks the unit, not this machine's paths); others are
// units it names (a pod's), written beside it.
func verify(t *testing.T, u *Unit, others ...*Unit) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Log("no systemd-analyze")
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, u.Name+".service")
	text := strings.ReplaceAll(u.Content, "/usr/bin/pod", "/bin/true")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, o := range others {
		if err := os.WriteFile(filepath.Join(dir, o.Name+".service"), []byte(strings.ReplaceAll(o.Content, "/usr/bin/pod", "/bin/true")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The dependencies the tests name, as units of their own.
	for _, dep := range []string{"a", "b", "c"} {
		if err := os.WriteFile(filepath.Join(dir, dep+".service"), []byte("[Service]\nExecStart=/bin/true\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("systemd-analyze", "verify", path)
	cmd.Env = append(os.Environ(), "SYSTEMD_UNIT_PATH="+dir+":")
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify %s: %v\n%s", u.Name, err, out)
	}
}

func TestErrors(t *testing.T) {
	c := Container{ID: "x", Name: "n", Executable: "/p"}
	if _, err := ContainerUnit(&c, &Options{New: true}); err == nil || !strings.Contains(err.Error(), "no create command") {
		t.Errorf("no create command: %v", err)
	}
	c.CreateCommand = []string{"/p", "bogus"}
	if _, err := ContainerUnit(&c, &Options{New: true}); err == nil || !strings.Contains(err.Error(), "too short or invalid") {
		t.Errorf("bad create command: %v", err)
	}
	if _, err := ContainerUnit(&c, &Options{RestartPolicy: "sometimes"}); err == nil || err.Error() != "sometimes is not a valid restart policy" {
		t.Errorf("restart policy: %v", err)
	}
}

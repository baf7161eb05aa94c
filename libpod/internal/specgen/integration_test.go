package specgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The integration test generates specs for a representative set of options
// and runs each for real with crun, runc and runsc on a busybox rootfs,
// checking the effect inside the container. It needs root and skips a
// runtime (or busybox) that is not installed.

// itRuntime is one OCI runtime under test: argv prefix for `run`.
type itRuntime struct {
	name string
	args func(root string, c *itCase) []string
}

var itRuntimes = []itRuntime{
	{"crun", func(root string, c *itCase) []string {
		a := []string{"--root", root}
		if c.o.Cgroups == "disabled" {
			a = append(a, "--cgroup-manager", "disabled")
		}
		return a
	}},
	{"runc", func(root string, c *itCase) []string { return []string{"--root", root} }},
	{"runsc", func(root string, c *itCase) []string {
		network := "none"
		if c.o.Network == "host" {
			network = "host"
		}
		return []string{"--root", root, "--network=" + network}
	}},
}

// itCase is one option combination and what it must look like inside.
type itCase struct {
	name   string
	o      Options
	d      *Defaults
	script string
	// want lines (or line fragments, with wantSub) in the output, in any order.
	want    []string
	wantSub []string
	check   func(t *testing.T, out string, s *specs.Spec)
	skip    map[string]string // runtime -> reason
	seccomp bool              // needs a build with the seccomp tag
}

const busyboxPath = "/bin/busybox"

var busyboxApplets = []string{"sh", "cat", "id", "hostname", "env", "grep", "sleep", "true", "echo", "ls", "touch", "mkdir",
	"stat", "tr", "ip", "wc", "umask", "head", "readlink", "test", "["}

// busyboxRootfs builds a minimal root filesystem: busybox, its applets,
// /etc/passwd, /etc/group and the usual mount points.
func busyboxRootfs(t *testing.T) string {
	t.Helper()
	dir := testRootfs(t)
	for _, d := range []string{"bin", "proc", "sys", "dev", "tmp", "run", "var/tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(busyboxPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bin/busybox"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, a := range busyboxApplets {
		if err := os.Symlink("busybox", filepath.Join(dir, "bin", a)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// capMask renders a capability list as /proc/self/status prints it.
func capMask(caps []string) string {
	var m uint64
	for _, c := range caps {
		m |= 1 << uint(capIndex[c])
	}
	return fmt.Sprintf("%016x", m)
}

func TestIntegrationRuntimes(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run containers")
	}
	if _, err := os.Stat(busyboxPath); err != nil {
		t.Skip("needs a static busybox at " + busyboxPath)
	}
	if testing.Short() {
		t.Skip("runs real containers")
	}
	host, err := ProbeHost()
	if err != nil {
		t.Fatal(err)
	}
	host.CgroupManager = "cgroupfs"
	host.Env = append(host.Env, "HOSTVAR=from-pod")
	cgParent := fmt.Sprintf("/pod-specgen-test-%d", os.Getpid())
	t.Cleanup(func() { removeCgroupParent(cgParent) })

	dataDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dataDir, "file"), []byte("hello-from-host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rwDir := t.TempDir()
	profile := filepath.Join(t.TempDir(), "deny-mkdir.json")
	if err := os.WriteFile(profile, []byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	nofile := host.Rlimits["nofile"]
	const catatonit = "/usr/libexec/podman/catatonit"

	cases := []itCase{
		{name: "defaults", script: `id; hostname; echo "HOME=$HOME HOSTNAME=$HOSTNAME container=$container"; grep -E '^Cap(Eff|Bnd)' /proc/self/status; ulimit -n; ulimit -Hn; pwd; umask`,
			d:    &Defaults{PidsLimit: 2048, Sysctls: []string{"net.ipv4.ping_group_range=0 0"}},
			want: []string{"uid=0(root) gid=0(root) groups=0(root),1(bin),10(wheel)", "HOME=/root HOSTNAME=%HOST% container=podman", "/", "0022"},
			check: func(t *testing.T, out string, s *specs.Spec) {
				wantLine(t, out, "CapEff:\t"+capMask(s.Process.Capabilities.Effective))
				wantLine(t, out, "CapBnd:\t"+capMask(s.Process.Capabilities.Bounding))
				wantLine(t, out, strconv.FormatUint(min(1048576, nofile.Hard), 10))
			}},
		{name: "user group-add workdir", o: Options{User: "test", GroupAdd: []string{"audio"}, WorkDir: "/work"},
			script: `id -un; id -u; id -g; echo "groups $(id -G)"; pwd; echo "HOME=$HOME"; grep -E '^CapEff' /proc/self/status`,
			want:   []string{"test", "1000", "/work", "HOME=/home/test", "CapEff:\t0000000000000000"},
			check:  func(t *testing.T, out string, s *specs.Spec) { wantGroups(t, out, "1000", "10", "29") }},
		{name: "numeric user", o: Options{User: "1234:77"}, script: `id -u; id -g; echo "groups $(id -G)"`, want: []string{"1234", "77"},
			check: func(t *testing.T, out string, s *specs.Spec) { wantGroups(t, out, "77") }},
		{name: "caps", o: Options{CapDrop: []string{"all"}, CapAdd: []string{"kill", "CHOWN"}},
			script: `grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status`,
			want:   []string{"CapEff:\t0000000000000021", "CapPrm:\t0000000000000021", "CapBnd:\t0000000000000021"}},
		{name: "ulimits", o: Options{Ulimits: []string{"nofile=100:200", "core=0:-1"}}, script: `ulimit -n; ulimit -Hn; ulimit -c; ulimit -Hc`,
			want: []string{"100", "200", "0", "unlimited"}},
		{name: "ulimit host", o: Options{Ulimits: []string{"host"}}, script: `ulimit -n; ulimit -Hn`,
			want: []string{strconv.FormatUint(nofile.Soft, 10), strconv.FormatUint(nofile.Hard, 10)}},
		{name: "env", o: Options{Env: []string{"FOO=bar", "HOSTVAR", "PATH=/bin"}, Hostname: "myhost"}, script: `env; hostname`,
			want: []string{"FOO=bar", "HOSTVAR=from-pod", "PATH=/bin", "container=podman", "HOSTNAME=myhost", "myhost"}},
		{name: "read-only", o: Options{ReadOnly: true},
			script: `touch /x 2>/dev/null && echo root-writable || echo root-readonly; touch /tmp/x /run/x /var/tmp/x && echo tmp-writable; grep -E ' /(tmp|run|var/tmp) ' /proc/mounts | wc -l`,
			want:   []string{"root-readonly", "tmp-writable", "3"}},
		{name: "volumes", o: Options{Volumes: []string{dataDir + ":/data:ro"}, Mounts: []string{"type=bind,src=" + rwDir + ",dst=/rw", "type=tmpfs,dst=/mt,tmpfs-size=2m"}, Tmpfs: []string{"/t:size=1m,mode=700"}},
			script:  `cat /data/file; touch /data/x 2>/dev/null || echo data-readonly; echo written > /rw/y && echo rw-ok; grep -E ' /(t|mt) ' /proc/mounts; stat -c %a /t`,
			want:    []string{"hello-from-host", "data-readonly", "rw-ok", "700"},
			wantSub: []string{" /t tmpfs ", " /mt tmpfs "},
			check: func(t *testing.T, out string, s *specs.Spec) {
				// The kernel prints size=1024k; gVisor keeps size=1m.
				if !(strings.Contains(out, "size=1024k") || strings.Contains(out, "size=1m")) || !(strings.Contains(out, "size=2048k") || strings.Contains(out, "size=2m")) {
					t.Errorf("tmpfs sizes missing:\n%s", out)
				}
				b, err := os.ReadFile(filepath.Join(rwDir, "y"))
				if err != nil || string(b) != "written\n" {
					t.Errorf("host side of the rw bind: %q %v", b, err)
				}
				os.Remove(filepath.Join(rwDir, "y"))
			}},
		{name: "masked and readonly paths",
			script: `for p in /proc/keys /proc/timer_list /proc/interrupts; do test -e $p && echo "masked $p $(stat -c %F $p)"; done; echo 1 > /proc/sys/kernel/panic 2>/dev/null || echo proc-sys-readonly; ls /sys/firmware | wc -l`,
			want:   []string{"proc-sys-readonly", "0"},
			check: func(t *testing.T, out string, s *specs.Spec) {
				for _, l := range strings.Split(out, "\n") {
					if strings.HasPrefix(l, "masked ") && !strings.HasSuffix(l, " character special file") {
						t.Errorf("not masked: %s", l)
					}
				}
			}},
		{name: "shm size", o: Options{ShmSize: "8m"}, script: `grep ' /dev/shm ' /proc/mounts`, wantSub: []string{"size=8192k"}},
		{name: "init", o: Options{Init: true, InitPath: catatonit}, script: `tr '\0' ' ' < /proc/1/cmdline; echo`,
			wantSub: []string{"/run/podman-init -- sh -c"}},
		{name: "no-new-privileges", o: Options{SecurityOpt: []string{"no-new-privileges"}},
			script: `grep NoNewPrivs /proc/self/status`, want: []string{"NoNewPrivs:\t1"},
			skip: map[string]string{"runsc": "gVisor's /proc/self/status has no NoNewPrivs line"}},
		{name: "umask", o: Options{Umask: "0077"}, script: `umask`, want: []string{"0077"},
			skip: map[string]string{"runsc": "runsc 20221219 ignores process.user.umask"}},
		{name: "seccomp profile", seccomp: true, o: Options{SecurityOpt: []string{"seccomp=" + profile}},
			script: `mkdir /tmp/d 2>&1 || echo mkdir-denied; grep Seccomp: /proc/self/status`,
			want:   []string{"mkdir-denied", "Seccomp:\t2"},
			skip:   map[string]string{"runsc": "runsc applies seccomp only with --oci-seccomp"}},
		{name: "seccomp unconfined", o: Options{SecurityOpt: []string{"seccomp=unconfined"}}, script: `grep Seccomp: /proc/self/status`,
			want: []string{"Seccomp:\t0"}, skip: map[string]string{"runsc": "gVisor reports no seccomp state"}},
		{name: "default seccomp", seccomp: true, script: `grep Seccomp: /proc/self/status`, want: []string{"Seccomp:\t2"},
			skip: map[string]string{"runsc": "runsc applies seccomp only with --oci-seccomp"}},
		{name: "privileged", o: Options{Privileged: true}, script: `grep -E '^CapEff' /proc/self/status; test -c /dev/null && echo has-null; grep ' /sys sysfs ' /proc/mounts`,
			want:    []string{"has-null"},
			wantSub: []string{"sysfs rw,"},
			check: func(t *testing.T, out string, s *specs.Spec) {
				wantLine(t, out, "CapEff:\t"+capMask(s.Process.Capabilities.Effective))
			},
			skip: map[string]string{"runsc": "gVisor does not pass host devices through"}},
		{name: "device", o: Options{Devices: []string{"/dev/null:/dev/mynull:rw"}}, script: `stat -c '%F %t,%T' /dev/mynull; echo x > /dev/mynull && echo write-ok`,
			want: []string{"character special file 1,3", "write-ok"}, skip: map[string]string{"runsc": "gVisor does not pass host devices through"}},
		{name: "sysctls", o: Options{Sysctls: map[string]string{"net.ipv4.ip_forward": "1", "kernel.msgmax": "12345"}},
			d: &Defaults{Sysctls: []string{"net.ipv4.ping_group_range=0 0"}}, script: `cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax /proc/sys/net/ipv4/ping_group_range`,
			want: []string{"1", "12345"}, wantSub: []string{"0\t0"},
			skip: map[string]string{"runsc": "gVisor does not implement these sysctls"}},
		{name: "network none", script: `ip -o link | wc -l; ip -o link show lo`, want: []string{"1"}, wantSub: []string{"LOOPBACK,UP"}},
		{name: "network host", o: Options{Network: "host"}, script: `ip -o link | grep -c .`,
			check: func(t *testing.T, out string, s *specs.Spec) {
				n, _ := strconv.Atoi(strings.TrimSpace(out))
				if n < 2 {
					t.Errorf("host network shows %d links", n)
				}
			}},
		{name: "pid host uts host", o: Options{PID: "host", UTS: "host"}, script: `test -d /proc/1 && tr '\0' ' ' < /proc/1/cmdline; echo; hostname`,
			check: func(t *testing.T, out string, s *specs.Spec) {
				h, _ := os.Hostname()
				wantLine(t, out, h)
				if strings.Contains(out, "sh -c") && strings.HasPrefix(out, "sh -c") {
					t.Errorf("pid 1 is the container's shell: %q", out)
				}
			},
			skip: map[string]string{"runsc": "gVisor has no host PID namespace"}},
		{name: "resources", o: Options{Memory: "64m", PidsLimit: ptr(int64(50)), CPUs: "0.5", CPUShares: 512},
			script: `cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.shares`,
			want:   []string{"67108864", "50", "50000", "512"},
			skip:   map[string]string{"runsc": "gVisor's cgroupfs shows its own values"}},
		{name: "oom score adj", o: Options{OOMScoreAdj: ptr(123)}, script: `cat /proc/self/oom_score_adj`, want: []string{"123"},
			skip: map[string]string{"runsc": "runsc applies it to the sandbox process on the host"}},
		{name: "cgroups disabled", o: Options{Cgroups: "disabled"}, script: `echo ran`, want: []string{"ran"},
			skip: map[string]string{"runc": "runc always uses cgroups", "runsc": "runsc always uses cgroups"}},
	}
	if _, err := os.Stat(catatonit); err != nil {
		cases = removeCase(cases, "init")
	}

	for _, rt := range itRuntimes {
		bin, err := exec.LookPath(rt.name)
		if err != nil {
			t.Logf("%s not installed; skipping it", rt.name)
			continue
		}
		for i := range cases {
			c := &cases[i]
			t.Run(rt.name+"/"+c.name, func(t *testing.T) {
				if why, ok := c.skip[rt.name]; ok {
					t.Skip(why)
				}
				if c.seccomp && !seccompBuilt {
					t.Skip("built without the seccomp tag")
				}
				runCase(t, rt, bin, c, host, cgParent)
			})
		}
	}
}

func removeCase(cases []itCase, name string) []itCase {
	out := cases[:0]
	for _, c := range cases {
		if c.name != name {
			out = append(out, c)
		}
	}
	return out
}

func runCase(t *testing.T, rt itRuntime, bin string, c *itCase, host *Host, cgParent string) {
	rootfs := busyboxRootfs(t)
	bundle := t.TempDir()
	stateRoot := t.TempDir()
	id := fmt.Sprintf("specgen-%s-%d", rt.name, time.Now().UnixNano())
	o := c.o
	o.Command = []string{"sh", "-c", c.script}
	if o.CgroupParent == "" {
		o.CgroupParent = cgParent
	}
	h := *host
	h.RuntimeName = rt.name
	s, res, err := Generate(id, &o, &Image{}, c.d, &h, rootfs)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Warnings {
		t.Logf("warning: %s", w)
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append(rt.args(stateRoot, c), "run", "--bundle", bundle, id)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	defer func() {
		del := exec.Command(bin, append(rt.args(stateRoot, c), "delete", "--force", id)...)
		_ = del.Run()
	}()
	out := strings.ReplaceAll(stdout.String(), "\r\n", "\n")
	if err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", rt.name, strings.Join(args, " "), err, out, stderr.String())
	}
	for _, w := range c.want {
		wantLine(t, out, strings.ReplaceAll(w, "%HOST%", s.Hostname))
	}
	for _, w := range c.wantSub {
		if !strings.Contains(out, w) {
			t.Errorf("output does not contain %q:\n%s", w, out)
		}
	}
	if c.check != nil {
		c.check(t, out, s)
	}
	if t.Failed() {
		t.Logf("stderr:\n%s", stderr.String())
	}
}

// wantGroups checks the "groups …" line of `id -G` as a set (the order
// differs between kernels and gVisor).
func wantGroups(t *testing.T, out string, gids ...string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(l, "groups "); ok {
			got := strings.Fields(rest)
			sort.Strings(got)
			want := append([]string(nil), gids...)
			sort.Strings(want)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("groups %q, want %q", got, want)
			}
			return
		}
	}
	t.Errorf("no groups line in:\n%s", out)
}

func wantLine(t *testing.T, out, line string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimRight(l, " ") == line {
			return
		}
	}
	t.Errorf("output has no line %q:\n%s", line, out)
}

// removeCgroupParent removes the (empty) test parent cgroup the runtimes
// created under every mounted hierarchy.
func removeCgroupParent(parent string) {
	dirs, _ := filepath.Glob("/sys/fs/cgroup/*" + parent)
	dirs = append(dirs, "/sys/fs/cgroup"+parent)
	for _, d := range dirs {
		_ = os.Remove(d)
	}
}

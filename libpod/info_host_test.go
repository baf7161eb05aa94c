package libpod

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.podman.io/common/pkg/config"
)

func TestStatToPercent(t *testing.T) {
	got := statToPercent(strings.Fields("cpu  3628 12 2114 4257 99 0 7 0 0 0"))
	want := CPUUsage{UserPercent: 36.28, SystemPercent: 21.14, IdlePercent: 42.57}
	if got != want {
		t.Errorf("statToPercent = %+v, want %+v", got, want)
	}
	for _, bad := range [][]string{nil, {"cpu0", "1", "2", "3", "4"}, {"cpu", "0", "0", "0", "0"}, {"cpu", "x"}} {
		if got := statToPercent(bad); got != (CPUUsage{}) {
			t.Errorf("statToPercent(%q) = %+v, want zero", bad, got)
		}
	}
}

func TestFormatUptime(t *testing.T) {
	for d, want := range map[time.Duration]string{
		295 * time.Second:                           "0h 4m 55.00s",
		59*time.Second + 500*time.Millisecond:       "0h 0m 59.50s",
		3*time.Hour + 2*time.Minute + 1*time.Second: "3h 2m 1.00s",
		50 * time.Hour:                              "50h 0m 0.00s (Approximately 2.08 days)",
	} {
		if got := formatUptime(d); got != want {
			t.Errorf("formatUptime(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestOsRelease(t *testing.T) {
	p := filepath.Join(t.TempDir(), "os-release")
	data := "NAME=\"Fedora Linux\"\nID=fedora\nVERSION_ID=\"40\"\nVARIANT_ID='workstation'\nVERSION_CODENAME=\"\"\nBROKEN LINE\nPRETTY_NAME=\"a \\\"quoted\\\" name\"\n"
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	want := DistributionInfo{Distribution: "fedora", Variant: "workstation", Version: "40"}
	if got := osRelease(p); got != want {
		t.Errorf("osRelease = %+v, want %+v", got, want)
	}
	if got := osRelease(filepath.Join(t.TempDir(), "missing")); got != (DistributionInfo{}) {
		t.Errorf("missing file: %+v", got)
	}
}

func TestNormalizeCaps(t *testing.T) {
	got := normalizeCaps([]string{"setuid", "CAP_CHOWN", " net_raw ", ""})
	want := []string{"CAP_CHOWN", "CAP_NET_RAW", "CAP_SETUID"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("normalizeCaps = %q, want %q", got, want)
	}
}

func TestSubIDMap(t *testing.T) {
	p := filepath.Join(t.TempDir(), "subuid")
	if err := os.WriteFile(p, []byte("other:100000:65536\nal ice:1:2\n1001:200000:65536\nbob:300000:1000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, want := subIDMap(p, "bob", 1001), []IDMap{{0, 1001, 1}, {1, 200000, 65536}}; !reflect.DeepEqual(got, want) {
		t.Errorf("by uid: %+v, want %+v", got, want)
	}
	if got, want := subIDMap(p, "nobody", 5), []IDMap{{0, 5, 1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("no range: %+v, want %+v", got, want)
	}
}

func TestApplyFlags(t *testing.T) {
	cases := []struct {
		o    Options
		err  string
		test func(*config.Config) bool
	}{
		{o: Options{EventsBackend: "journald", VolumePath: "/v", NetworkConfigDir: "/n", NetworkCmdPath: "/bin/slirp", HooksDirs: []string{"/h1", "/h2"}, DefaultMountsFile: "/m"},
			test: func(c *config.Config) bool {
				return c.Engine.EventsLogger == "journald" && c.Engine.VolumePath == "/v" && c.Network.NetworkConfigDir == "/n" &&
					c.Engine.NetworkCmdPath == "/bin/slirp" && reflect.DeepEqual(c.Engine.HooksDir.Get(), []string{"/h1", "/h2"}) &&
					c.Containers.DefaultMountsFile == "/m"
			}},
		{o: Options{HooksDirs: []string{}}, test: func(c *config.Config) bool { return len(c.Engine.HooksDir.Get()) == 0 }},
		{o: Options{EventsBackend: "syslog"}, err: `"syslog" is not a valid events backend`},
		{o: Options{CgroupManager: "cgroupv2"}, err: "--cgroup-manager"},
		{o: Options{VolumePath: "vols"}, err: "--volumepath"},
		{o: Options{NetworkCmdPath: "slirp4netns"}, err: "--network-cmd-path"},
		{o: Options{HooksDirs: []string{"/ok", "rel"}}, err: `--hooks-dir "rel"`},
		{o: Options{TmpDir: "tmp"}, err: "tmp_dir"},
	}
	for _, c := range cases {
		cfg, err := config.New(&config.Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = applyFlags(cfg, &c.o)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%+v: error %v, want one containing %q", c.o, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%+v: %v", c.o, err)
		case c.test != nil && !c.test(cfg):
			t.Errorf("%+v: not applied: engine %+v", c.o, cfg.Engine)
		}
	}
}

func TestVolumePath(t *testing.T) {
	cfg := &config.Config{}
	cfg.Engine.VolumePath = "/conf/volumes"
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{VolumePath: "/flag/v/"}, "/flag/v"},
		{Options{Root: "/r"}, "/r/volumes"},
		{Options{}, "/conf/volumes"},
	} {
		if got := volumePath(&c.o, cfg, "/r"); got != c.want {
			t.Errorf("volumePath(%+v) = %q, want %q", c.o, got, c.want)
		}
	}
}

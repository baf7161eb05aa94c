package quadlet

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// Each testdata/in/X.container becomes testdata/out/X.service, which
// systemd-analyze verify accepts.
func TestGolden(t *testing.T) {
	abs, _ := filepath.Abs("testdata/in")
	ins, _ := filepath.Glob(abs + "/*")
	if len(ins) == 0 {
		t.Fatal("no inputs")
	}
	units, errs := Generate(ins, Options{Pod: "/usr/bin/pod"})
	for _, e := range errs {
		t.Error(e)
	}
	for _, u := range units {
		// As if the files were in /etc/containers/systemd.
		u.Content = strings.ReplaceAll(u.Content, abs, "/etc/containers/systemd")
		golden := filepath.Join("testdata/out", u.Name)
		if *update {
			if err := os.WriteFile(golden, []byte(u.Content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if string(want) != u.Content {
			t.Errorf("%s differs from %s:\n%s", u.Source, golden, u.Content)
		}
	}
	verify(t, units)
}

// verify runs systemd-analyze verify on each unit, with all of them (the
// services a container requires) in the unit path.
func verify(t *testing.T, units []*Unit) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Log("no systemd-analyze")
		return
	}
	dir := t.TempDir()
	for _, u := range units {
		text := strings.ReplaceAll(u.Content, "/usr/bin/pod", "/bin/true")
		if err := os.WriteFile(filepath.Join(dir, u.Name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range units {
		verifyOne(t, dir, u)
	}
}

func verifyOne(t *testing.T, dir string, u *Unit) {
	for _, dep := range []string{"full.target"} {
		_ = os.WriteFile(filepath.Join(dir, dep), []byte("[Unit]\nDescription=x\n"), 0o644)
	}
	cmd := exec.Command("systemd-analyze", "verify", filepath.Join(dir, u.Name))
	cmd.Env = append(os.Environ(), "SYSTEMD_UNIT_PATH="+dir+":")
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify %s: %v\n%s", u.Name, err, out)
	}
}

// Bad files: each error names the file, the line and the key.
func TestErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"[Container]\nImage=x\nBogus=1\n", "f.container:3: key Bogus: unknown key in [Container]"},
		{"[Container]\nImage=x\n\n# c\nMask=/x\n", "f.container:5: key Mask: not supported by pod: --security-opt mask"},
		{"[Unit]\nDescription=x\n", "f.container: no [Container] section"},
		{"[Container]\nExec=true\n", "f.container: key Image: exactly one of Image= and Rootfs= is required"},
		{"[Container]\nImage=x\nRootfs=/r\n", "exactly one of Image= and Rootfs="},
		{"[Container]\nImage=x\nExec=sh -c \"unbalanced\n", "f.container:3: key Exec: unbalanced quoting"},
		{"[Container]\nImage=x\nReadOnly=maybe\n", "f.container:3: key ReadOnly: \"maybe\" is not a boolean"},
		{"[Container]\nImage=x\nRuntime=bin/crun\n", "f.container:3: key Runtime: runtime \"bin/crun\": a path must be absolute"},
		{"[Container]\nImage=x\nRuntime=\n", "f.container:3: key Runtime: empty value"},
		{"[Container]\nImage=x\nGroup=10\n", "f.container:3: key Group: Group= needs User="},
		{"[Container]\nImage=x\n[Bogus]\nA=1\n", "f.container:4: key A: unknown section [Bogus]"},
		{"[Container]\nImage=x\nMask=/x\n", "key Mask: not supported by pod: --security-opt mask"},
		{"[Container]\nImage=x\x00\n", "f.container: not a text file"},
		{"[Container]\nImage=x\nExec=a \\\n  b\nBogus=2\n", "f.container:5: key Bogus"},
		{"[Container]\nImage=x\nVolume=nope.volume:/data\n", "f.container:3: key Volume: nope.volume: no such file in the unit directories"},
		{"[Container]\nImage=x\nNetwork=nope.network\n", "f.container:3: key Network: nope.network: no such file"},
		{"[Container]\nImage=x\nPod=nope.pod\n", "f.container:3: key Pod: nope.pod: no such .pod file"},
	} {
		_, err := convert("f.container", []byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.in, err, tc.want)
		}
	}
}

// Bad .volume and .network files.
func TestResourceErrors(t *testing.T) {
	for _, tc := range []struct{ path, in, want string }{
		{"v.volume", "[Volume]\nBogus=1\n", "v.volume:2: key Bogus: unknown key in [Volume]"},
		{"v.volume", "[Unit]\nDescription=x\n", "v.volume: no [Volume] section"},
		{"v.volume", "[Volume]\nCopy=maybe\n", "v.volume:2: key Copy: \"maybe\" is not a boolean"},
		{"v.volume", "[Container]\nImage=x\n", "v.volume:2: key Image: unknown section [Container] in a .volume file"},
		{"n.network", "[Network]\nSubnet=\n", "n.network:2: key Subnet: empty value"},
		{"n.network", "[Network]\nNetworkName=\n", "n.network:2: key NetworkName: empty value"},
		{"p.pod", "[Pod]\nImage=x\n", "p.pod:2: key Image: unknown key in [Pod]"},
		{"p.pod", "[Unit]\nDescription=x\n", "p.pod: no [Pod] section"},
		{"k.kube", "[Kube]\nNetwork=n\n", "k.kube: key Yaml: Yaml= is required"},
		{"k.kube", "[Kube]\nYaml=a.yaml\nPublishPort=80\n", "k.kube:3: key PublishPort: not supported by pod"},
	} {
		f, err := Parse(tc.path, []byte(tc.in))
		if err == nil && strings.HasSuffix(tc.path, ".pod") {
			_, err = Pod(f, Options{Pod: "/usr/bin/pod"}, nil)
		} else if err == nil && strings.HasSuffix(tc.path, ".kube") {
			_, err = Kube(f, Options{Pod: "/usr/bin/pod"})
		} else if err == nil {
			_, err = Resource(f, Options{Pod: "/usr/bin/pod"})
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: got %v, want %q", tc.path, tc.in, err, tc.want)
		}
	}
}

func convert(path string, data []byte) (*Unit, error) {
	f, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	return Container(f, Options{Pod: "/usr/bin/pod"})
}

func TestSplitQuote(t *testing.T) {
	for in, want := range map[string][]string{
		`a b  c`:              {"a", "b", "c"},
		`"x y" 'p q' r\ s`:    {"x y", "p q", "r s"},
		`sh -c "echo \"hi\""`: {"sh", "-c", `echo "hi"`},
		`""`:                  {""},
		``:                    nil,
	} {
		got, err := SplitWords(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("SplitWords(%q) = %q, %v; want %q", in, got, err, want)
		}
		var q []string
		for _, w := range got {
			q = append(q, QuoteWord(w))
		}
		back, err := SplitWords(strings.Join(q, " "))
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("round trip of %q: %q, %v", got, back, err)
		}
	}
}

func TestFindAndWrite(t *testing.T) {
	a, b, out := t.TempDir(), t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(a, "x.container"), []byte("[Container]\nImage=a\n[Install]\nWantedBy=default.target\n"), 0o644)
	os.WriteFile(filepath.Join(b, "x.container"), []byte("[Container]\nImage=b\n"), 0o644)
	os.WriteFile(filepath.Join(b, "y.container"), []byte("[Container]\nImage=c\n"), 0o644)
	os.WriteFile(filepath.Join(b, "z.volume"), []byte("[Volume]\n"), 0o644)
	os.WriteFile(filepath.Join(b, "z.image"), []byte("[Image]\n"), 0o644)
	files, err := Find([]string{a, filepath.Join(a, "missing"), b})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{filepath.Join(a, "x.container"), filepath.Join(b, "y.container"), filepath.Join(b, "z.volume")}; !reflect.DeepEqual(files, want) {
		t.Fatalf("Find = %q, want %q", files, want)
	}
	units, errs := Generate(files, Options{Pod: "/usr/bin/pod"})
	if len(errs) > 0 || len(units) != 3 {
		t.Fatal(errs)
	}
	for _, u := range units {
		if err := Write(out, u); err != nil {
			t.Fatal(err)
		}
	}
	if l, err := os.Readlink(filepath.Join(out, "default.target.wants", "x.service")); err != nil || l != "../x.service" {
		t.Errorf("wants link: %q %v", l, err)
	}
	data, _ := os.ReadFile(filepath.Join(out, "x.service"))
	if !strings.Contains(string(data), " -d a\n") {
		t.Errorf("x.service is not from the first directory:\n%s", data)
	}
}

// FuzzQuadlet: any input either converts into a unit that parses back with
// the same ExecStart words, or fails with an *Error naming the file.
func FuzzQuadlet(f *testing.F) {
	ins, _ := filepath.Glob("testdata/in/*")
	for _, in := range ins {
		data, _ := os.ReadFile(in)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, path := range []string{"f.container", "f.volume", "f.network", "f.pod", "f.kube"} {
			fuzzOne(t, path, data)
		}
	})
}

// fuzzOne converts data as the file path: a typed error or a unit that
// parses back with one ExecStart that splits into words.
func fuzzOne(t *testing.T, path string, data []byte) {
	f, err := Parse(path, data)
	var u *Unit
	if err == nil {
		switch {
		case resourceFor(path) != nil:
			u, err = Resource(f, Options{Pod: "/usr/bin/pod"})
		case strings.HasSuffix(path, ".pod"):
			u, err = Pod(f, Options{Pod: "/usr/bin/pod"}, []string{"m.service"})
		case strings.HasSuffix(path, ".kube"):
			u, err = Kube(f, Options{Pod: "/usr/bin/pod"})
		default:
			u, err = Container(f, Options{Pod: "/usr/bin/pod"})
		}
	}
	if err != nil {
		if _, ok := err.(*Error); !ok {
			t.Fatalf("%s: error of type %T: %v", path, err, err)
		}
		return
	}
	back, err := Parse("out.service", []byte(u.Content))
	if err != nil {
		t.Fatalf("generated unit does not parse: %v\n%s", err, u.Content)
	}
	n := 0
	for _, e := range back.Entries {
		if e.Section == "Service" && e.Key == "ExecStart" {
			n++
			if _, err := SplitWords(e.Value); err != nil {
				t.Fatalf("ExecStart %q: %v", e.Value, err)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d ExecStart lines:\n%s", n, u.Content)
	}
}

// AutoUpdate= becomes Podman's policy label, which pod auto-update reads.
func TestAutoUpdateLabel(t *testing.T) {
	out, err := convert("au.container", []byte("[Container]\nImage=localhost/x\nAutoUpdate=local\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.Content, "--label io.containers.autoupdate=local") {
		t.Fatalf("no auto-update label in:\n%s", out.Content)
	}
}

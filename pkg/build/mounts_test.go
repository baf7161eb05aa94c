package build

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func FuzzParseSecrets(f *testing.F) {
	file := filepath.Join(f.TempDir(), "s")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"id=a,src=" + file, "id=../x,src=" + file, "type=env,id=a", "id=a", "src=" + file, "id=a,src=" + file + ",x=1", ",,", "id=a.b-c_d,source=" + file} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseSecrets([]string{s})
		if err != nil {
			return
		}
		for id, p := range got {
			if !secretID.MatchString(id) || !filepath.IsAbs(p) {
				t.Fatalf("%q accepted as id %q path %q", s, id, p)
			}
		}
	})
}

func TestMarkMissing(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	m := markMissing(root, []string{"/run/secrets/tok", "/etc/tok.conf", "/etc", "../../escape"})
	want := rootfsMarks{"/run/secrets/tok", "/etc/tok.conf", "/run/secrets", "/escape", "/run"} // deepest (longest) first
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("marks %q, want %q", m, want)
	}
	// What the runtime created for the mounts goes; the step's own files stay.
	for _, d := range []string{"run/secrets"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"run/secrets/tok", "etc/tok.conf", "run/kept"} {
		if err := os.WriteFile(filepath.Join(root, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	m.remove(root)
	for p, exists := range map[string]bool{"run/secrets": false, "etc/tok.conf": false, "run/kept": true, "etc": true} {
		if _, err := os.Lstat(filepath.Join(root, p)); (err == nil) != exists {
			t.Errorf("%s exists: %v, want %v", p, err == nil, exists)
		}
	}
}

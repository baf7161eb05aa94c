package monitor

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

func TestSpecCgroupPath(t *testing.T) {
	for cfg, want := range map[string]string{
		`{"linux":{"cgroupsPath":"/pod/abc"}}`:                      "/sys/fs/cgroup/memory/pod/abc",
		"{\n  \"linux\": {\n    \"cgroupsPath\" : \"/a/b\"\n  }\n}": "/sys/fs/cgroup/memory/a/b",
		`{"linux":{"cgroupsPath":"machine.slice:libpod:abc"}}`:      "",
		`{"linux":{"cgroupsPath":"/x/../../etc"}}`:                  "",
		`{"linux":{"cgroupsPath":"/a\"b"}}`:                         "",
		`{"linux":{"cgroupsPath":""}}`:                              "",
		`{"linux":{}}`:                                              "",
		`{"linux":{"cgroupsPath":`:                                  "",
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := specCgroupPath(dir, false); got != want {
			t.Errorf("%s: got %q, want %q", cfg, got, want)
		}
	}
	if got := specCgroupPath(t.TempDir(), true); got != "" {
		t.Errorf("no config.json: got %q", got)
	}
}

// jsonStringField agrees with encoding/json wherever it returns a value.
func FuzzJSONStringField(f *testing.F) {
	for _, s := range []string{`{"cgroupsPath":"/a"}`, `{"cgroupsPath" : "x\"y"}`, `{"cgroupsPath":`, `"cgroupsPath"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v := jsonStringField(data, "cgroupsPath")
		if v == nil {
			return
		}
		if bytes.IndexByte(v, '"') >= 0 || bytes.IndexByte(v, '\\') >= 0 {
			t.Fatalf("value %q holds a quote or escape", v)
		}
		var m map[string]any
		if json.Unmarshal(data, &m) == nil {
			if s, ok := m["cgroupsPath"].(string); ok && utf8.Valid(v) && s != string(v) && bytes.Index(data, []byte(`"cgroupsPath"`)) == bytes.LastIndex(data, []byte(`"cgroupsPath"`)) {
				t.Fatalf("got %q, encoding/json says %q", v, s)
			}
		}
	})
}

package specgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pod-engine/pod/pkg/errdefs"
)

const testID = "0123456789abcdef0123456789abcdef"

const testPasswd = `root:x:0:0:root:/root:/bin/sh
bin:x:1:1:bin:/bin:/sbin/nologin
# a comment
test:x:1000:1000:Test:/home/test:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/sh
broken:line
`

const testGroup = `root:x:0:root
bin:x:1:root,bin
wheel:x:10:root,test
audio:x:29:test
test:x:1000:
nogroup:x:65534:
`

// testRootfs is a root filesystem with /etc/passwd, /etc/group and a /work dir.
func testRootfs(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string]string{"etc/passwd": testPasswd, "etc/group": testGroup} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "work"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// testHost is a host like this machine: no CAP_SYS_RESOURCE, nofile hard
// 20000, nproc hard 96365, cgroupfs, every controller, swap accounting.
func testHost() *Host {
	return &Host{
		Rlimits: map[string]Rlimit{
			"nofile": {Soft: 20000, Hard: 20000},
			"nproc":  {Soft: 96365, Hard: 96365},
			"core":   {Soft: 0, Hard: rlimitUnlimited},
			"stack":  {Soft: 8388608, Hard: rlimitUnlimited},
		},
		Env:            []string{"FOO=from-host", "PREFIX_A=1", "PREFIX_B=2", "OTHER=3"},
		CgroupManager:  "cgroupfs",
		SwapAccounting: true,
		RuntimeName:    "crun",
	}
}

// jsonAt returns the compact JSON of the value at a dotted path of v's JSON
// form ("process.user", "linux.resources.pids"); "null" when absent.
// A path element "[dest]" on the mounts list selects by destination.
func jsonAt(t testing.TB, v any, path string) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var cur any
	if err := json.Unmarshal(b, &cur); err != nil {
		t.Fatal(err)
	}
	for _, el := range strings.Split(path, ".") {
		if strings.HasPrefix(el, "[") {
			dest := strings.Trim(el, "[]")
			var found any
			for _, m := range cur.([]any) {
				if m.(map[string]any)["destination"] == dest {
					found = m
				}
			}
			cur = found
			continue
		}
		if i, err := strconv.Atoi(el); err == nil {
			list, _ := cur.([]any)
			if i >= len(list) {
				cur = nil
				break
			}
			cur = list[i]
			continue
		}
		m, _ := cur.(map[string]any)
		cur = m[el]
	}
	out, _ := json.Marshal(cur)
	return string(out)
}

// compactJSON normalizes a JSON literal for comparison.
func compactJSON(t testing.TB, s string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		t.Fatalf("bad expected JSON %q: %v", s, err)
	}
	var v any
	_ = json.Unmarshal(buf.Bytes(), &v)
	out, _ := json.Marshal(v)
	return string(out)
}

// mountDests lists the destinations of the spec's mounts in order.
func mountDests(s *specs.Spec) []string {
	var out []string
	for _, m := range s.Mounts {
		out = append(out, m.Destination)
	}
	return out
}

// wantInvalid checks that err is an ErrInvalidArgument whose text contains
// every fragment.
func wantInvalid(t testing.TB, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error containing %q, got nil", fragments)
	}
	if !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("error %q is not ErrInvalidArgument", err)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not contain %q", err, f)
		}
	}
}

func ptr[T any](v T) *T { return &v }

package secret

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestParseRef(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Ref
	}{
		{"db", Ref{Source: "db", Type: "mount", Target: "/run/secrets/db", Mode: 0o444}},
		{"db,type=env", Ref{Source: "db", Type: "env", Target: "db", Mode: 0o444}},
		{"db,type=env,target=PASS", Ref{Source: "db", Type: "env", Target: "PASS", Mode: 0o444}},
		{"source=db,target=/x/y,uid=5,gid=6,mode=0400", Ref{Source: "db", Type: "mount", Target: "/x/y", UID: 5, GID: 6, Mode: 0o400}},
		{"db,target=sub/f", Ref{Source: "db", Type: "mount", Target: "/run/secrets/sub/f", Mode: 0o444}},
		{"db,target=../../etc/passwd", Ref{Source: "db", Type: "mount", Target: "/etc/passwd", Mode: 0o444}},
	} {
		got, err := ParseRef(tc.in)
		if err != nil {
			t.Errorf("ParseRef(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseRef(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	for _, in := range []string{"", "type=env", "db,type=file", "db,type=env,type=mount", "db,mode=999", "db,uid=-1",
		"db,type=env,uid=1", "db,type=env,mode=400", "db,bogus=1", "db,novalue", "db,target=/", "db,type=env,target=A=B"} {
		if _, err := ParseRef(in); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("ParseRef(%q): %v, want an invalid-argument error", in, err)
		}
	}
}

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"db", "db,type=env,target=X", "source=a,target=/b,uid=1,gid=2,mode=0400", "a,target=../x", ",", "=,="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRef(s)
		if err != nil {
			if !errors.Is(err, errdefs.ErrInvalidArgument) {
				t.Fatalf("ParseRef(%q): unclassified error %v", s, err)
			}
			return
		}
		if r.Source == "" || (r.Type != "mount" && r.Type != "env") {
			t.Fatalf("ParseRef(%q) accepted %+v", s, r)
		}
		if r.Type == "mount" && (r.Target == "" || r.Target[0] != '/' || r.Target == "/") {
			t.Fatalf("ParseRef(%q): mount target %q", s, r.Target)
		}
	})
}

func TestStoreRoundTrip(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("top\x00secret\x10\x11")
	id, err := s.Create("db", data, CreateOptions{Labels: map[string]string{"a": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create("db", data, CreateOptions{}); !errors.Is(err, errdefs.ErrAlreadyExists) || err.Error() != "db: secret name in use" {
		t.Errorf("second create: %v", err)
	}
	if _, err := s.Create("bad/name", data, CreateOptions{}); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("bad name: %v", err)
	}
	info, got, err := s.Data(id[:6])
	if err != nil || !bytes.Equal(got, data) || info.Spec.Name != "db" || info.Spec.Labels["a"] != "b" || info.Spec.Driver.Name != "file" {
		t.Fatalf("data by ID prefix: %+v %q %v", info, got, err)
	}
	if info.Spec.Driver.Options["path"] == "" {
		t.Error("the file driver's path is not recorded")
	}
	id2, err := s.Create("db", []byte("new"), CreateOptions{Replace: true})
	if err != nil || id2 == id {
		t.Fatalf("replace: %s %v", id2, err)
	}
	if _, got, _ := s.Data("db"); string(got) != "new" {
		t.Errorf("replaced data: %q", got)
	}
	if _, err := s.Remove("db"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Inspect("db"); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("inspect after rm: %v", err)
	}
	if l, err := s.List(); err != nil || len(l) != 0 {
		t.Errorf("list after rm: %v %v", l, err)
	}
}

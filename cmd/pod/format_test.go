package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

type row struct {
	ID     string
	Names  string
	Status string
}

func TestRenderTemplate(t *testing.T) {
	rows := []any{row{"abc", "web", "Up"}, row{"defghijklmno", "db", "Exited (1)"}}
	var b bytes.Buffer
	if err := renderTemplate(&b, "table {{.ID}}\\t{{.Names}}\\t{{.Status}}", map[string]string{"ID": "CONTAINER ID"}, rows); err != nil {
		t.Fatal(err)
	}
	want := "CONTAINER ID  NAMES       STATUS\n" +
		"abc           web         Up\n" +
		"defghijklmno  db          Exited (1)\n"
	if b.String() != want {
		t.Errorf("table:\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	if err := renderTemplate(&b, "{{.Id}}:{{upper .Names}} {{json .Status}}", nil, rows[:1]); err != nil {
		t.Fatal(err)
	}
	if b.String() != "abc:WEB \"Up\"\n" {
		t.Errorf("plain: %q", b.String())
	}
	for _, bad := range []string{"{{.Nope}}", "{{.ID", "{{nofunc .ID}}"} {
		if err := renderTemplate(&b, bad, nil, rows); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("template %q: %v", bad, err)
		}
	}
}

func TestKeyValuesAndEnvFile(t *testing.T) {
	m, err := keyValues("--label", []string{"a=b", "c", "d=e=f"})
	if err != nil || m["a"] != "b" || m["c"] != "" || m["d"] != "e=f" {
		t.Fatalf("keyValues: %v %v", m, err)
	}
	if _, err := keyValues("--label", []string{"=x"}); err == nil {
		t.Error("empty key accepted")
	}
	f := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(f, []byte("# comment\n\nA=1\n  B=two words\nC\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env, err := readEnvFiles([]string{f})
	if err != nil || strings.Join(env, "|") != "A=1|B=two words|C" {
		t.Fatalf("env file: %q %v", env, err)
	}
	if err := os.WriteFile(f, []byte("=oops\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readEnvFiles([]string{f}); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("bad env file: %v", err)
	}
	if _, err := readEnvFiles([]string{"/nonexistent/env"}); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("missing env file: %v", err)
	}
}

func FuzzEnvFile(f *testing.F) {
	f.Add([]byte("A=1\n#x\nB\n"))
	f.Add([]byte("=\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "env")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		env, err := readEnvFiles([]string{p})
		if err != nil {
			return
		}
		for _, e := range env {
			if e == "" || strings.HasPrefix(e, "=") || strings.HasPrefix(e, "#") {
				t.Fatalf("bad entry %q from %q", e, data)
			}
		}
	})
}

func TestJSONFormatAndNestedTable(t *testing.T) {
	for f, want := range map[string]bool{"json": true, " json ": true, "{{json .}}": true, "{{ json . }}": true,
		"{{json}}": true, "{{json .Names}}": false, "table json": false, "{{.ID}}": false} {
		if isJSONFormat(f) != want {
			t.Errorf("isJSONFormat(%q) = %v", f, !want)
		}
	}
	type state struct{ Status string }
	type obj struct {
		Name  string
		State state
	}
	var b bytes.Buffer
	if err := renderTemplate(&b, "table {{.Name}} {{.State.Status}}", nil, []any{obj{"down", state{"exited"}}}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "down        exited\n" {
		t.Errorf("nested table: %q", b.String())
	}
}

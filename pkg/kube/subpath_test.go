package kube

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExpandSubPathExpr(t *testing.T) {
	env := []string{"POD=web-1", "NS=default", "EMPTY="}
	for in, want := range map[string]string{
		"$(POD)":            "web-1",
		"logs/$(POD)/$(NS)": "logs/web-1/default",
		"$$(POD)":           "$(POD)",
		"$(UNSET)/x":        "$(UNSET)/x",
		"a$(EMPTY)b":        "ab",
		"$(POD":             "$(POD",
		"cost$":             "cost$",
		"$x":                "$x",
		"plain":             "plain",
	} {
		if got := ExpandSubPathExpr(in, env); got != want {
			t.Errorf("ExpandSubPathExpr(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolveSubPath(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "a/b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "esc")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc", filepath.Join(root, "abs")); err != nil {
		t.Fatal(err)
	}
	if p, err := ResolveSubPath(root, "a/b", false); err != nil || p != filepath.Join(root, "a/b") {
		t.Fatalf("a/b: %q %v", p, err)
	}
	for _, bad := range []string{"../x", "a/../../x", "/etc", ".."} {
		if _, err := ResolveSubPath(root, bad, true); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
	if _, err := ResolveSubPath(root, "missing", false); err == nil {
		t.Error("missing sub path accepted without create")
	}
	p, err := ResolveSubPath(root, "new/dir", true)
	if err != nil || p != filepath.Join(root, "new/dir") {
		t.Fatalf("new/dir: %q %v", p, err)
	}
	if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
		t.Fatalf("new/dir not created: %v", err)
	}
	// Links resolve inside the volume (or are refused): neither reaches
	// the host's paths.
	for _, l := range []string{"esc/made", "abs/passwd", "esc", "abs"} {
		p, err := ResolveSubPath(root, l, true)
		if err == nil && !strings.HasPrefix(p, root+"/") {
			t.Errorf("%s resolved outside the volume: %s", l, p)
		}
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Errorf("a link made %d entries outside the volume", len(ents))
	}
}

func FuzzSubPath(f *testing.F) {
	for _, s := range []string{"a", "../b", "a/$(X)/..", "/abs", "a//b/./c", "$$(X)", "\x00"} {
		f.Add(s)
	}
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, sub string) {
		sub = ExpandSubPathExpr(sub, []string{"X=.."})
		if CheckSubPath(sub) != nil || strings.ContainsRune(sub, 0) {
			return
		}
		p, err := ResolveSubPath(root, sub, false)
		if err == nil && p != root && !strings.HasPrefix(p, root+"/") {
			t.Fatalf("%q resolved outside the volume: %s", sub, p)
		}
	})
}

package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func FuzzParseCreds(f *testing.F) {
	for _, s := range []string{"u:p", ":p", "u:", "u:p:q", "üser:päss"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !strings.Contains(s, ":") {
			return // would prompt on a terminal
		}
		user, pass, err := parseCreds(s)
		if err != nil {
			if !errors.Is(err, errdefs.ErrInvalidArgument) {
				t.Fatalf("parseCreds(%q): %v", s, err)
			}
			return
		}
		if user == "" || user+":"+pass != s {
			t.Fatalf("parseCreds(%q) = %q, %q", s, user, pass)
		}
	})
}

func FuzzSplitRepoTag(f *testing.F) {
	for _, s := range []string{"localhost/bb:1", "<none>:<none>", "docker.io/library/busybox@sha256:" + strings.Repeat("a", 64), "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		repo, tag, err := splitRepoTag(s)
		if repo == "" || tag == "" {
			t.Fatalf("splitRepoTag(%q) = %q, %q, %v: empty part", s, repo, tag, err)
		}
		if err == nil && tag != "<none>" && !strings.HasSuffix(s, ":"+tag) {
			t.Fatalf("splitRepoTag(%q): tag %q not in input", s, tag)
		}
	})
}

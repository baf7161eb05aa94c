package libpod

import (
	"errors"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestCloneName(t *testing.T) {
	r := &Runtime{}
	for _, tc := range []struct {
		orig  string
		taken []string
		want  string
	}{
		{"p1", nil, "p1-clone"},
		{"p1", []string{"p1-clone"}, "p1-clone1"},
		{"p1", []string{"p1-clone", "p1-clone1"}, "p1-clone2"},
		{"p1-clone", []string{"p1-clone"}, "p1-clone1"},  // a clone's clone counts on
		{"p1-clone7", []string{"p1-clone"}, "p1-clone1"}, // from the original's name
		{"my-clone-x", nil, "my-clone-x-clone"},          // -clone inside the name is no suffix
		{"abc-infra", []string{"abc-infra-clone"}, "abc-infra-clone1"},
	} {
		taken := map[string]bool{}
		for _, n := range tc.taken {
			taken[n] = true
		}
		got, err := r.cloneName("", tc.orig, func(n string) (bool, error) { return taken[n], nil })
		if err != nil || got != tc.want {
			t.Errorf("%s (taken %v): %q %v, want %q", tc.orig, tc.taken, got, err, tc.want)
		}
	}
	if got, _ := r.cloneName("given", "p1", func(string) (bool, error) { return true, nil }); got != "given" {
		t.Errorf("a given name: %q", got)
	}
	_, err := r.cloneName("", "p", func(string) (bool, error) { return true, nil })
	if !errors.Is(err, errdefs.ErrAlreadyExists) || !strings.Contains(err.Error(), "--name") {
		t.Errorf("all taken: %v", err)
	}
	long := strings.Repeat("a", 250)
	if _, err := r.cloneName("", long, func(string) (bool, error) { return false, nil }); !errors.Is(err, errdefs.ErrAlreadyExists) {
		t.Errorf("a name too long for a suffix: %v", err)
	}
}

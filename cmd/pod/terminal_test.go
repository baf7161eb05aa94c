package main

import (
	"testing"

	"github.com/pod-engine/pod/pkg/conmon/client"
)

// Detach keys are for terminals: without one, stdin is data.
func TestSessionDetachKeysOnlyWithTerminal(t *testing.T) {
	for _, tc := range []struct {
		tty  bool
		keys string
		want string
	}{
		{tty: false, keys: "", want: ""},
		{tty: false, keys: "ctrl-a,x", want: ""},
		{tty: true, keys: "", want: client.DefaultDetachKeys},
		{tty: true, keys: "ctrl-a,x", want: "ctrl-a,x"},
	} {
		s, err := newSession(nil, true, tc.tty, tc.keys)
		if err != nil {
			t.Fatalf("newSession(tty=%v, %q): %v", tc.tty, tc.keys, err)
		}
		if got := s.attach.Options.DetachKeys; got != tc.want {
			t.Errorf("newSession(tty=%v, %q): detach keys %q, want %q", tc.tty, tc.keys, got, tc.want)
		}
	}
	if _, err := newSession(nil, true, false, "ctrl-xx"); err == nil {
		t.Error("an invalid sequence must be refused even without a terminal")
	}
}

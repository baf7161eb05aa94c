package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// TestManyCheck: Podman's refusals of selection flag combinations.
func TestManyCheck(t *testing.T) {
	cases := []struct {
		flags []string
		args  []string
		want  string
	}{
		{nil, nil, "you must provide at least one name or id"},
		{[]string{"--all"}, []string{"x"}, "no arguments are needed with --all"},
		{[]string{"--latest"}, []string{"x"}, "--latest and containers cannot be used together"},
		{[]string{"--all", "--latest"}, nil, "--all and --latest cannot be used together"},
		{[]string{"--cidfile", "f"}, []string{"x"}, "no arguments are needed with --latest or --cidfile"},
		{[]string{"--cidfile", "f", "--all"}, nil, "--all, --latest, and --cidfile cannot be used together"},
		{[]string{"--filter", "name=x"}, []string{"x"}, "--filter takes no arguments"},
		{[]string{"--filter", "name=x"}, nil, ""},
		{[]string{"--all"}, nil, ""},
		{[]string{"--cidfile", "f"}, nil, ""},
		{nil, []string{"x", "y"}, ""},
	}
	for _, c := range cases {
		var o manyOptions
		cmd := &cobra.Command{Use: "stop"}
		o.register(cmd, manyFlags{allShort: true, filterShort: true, ignore: true})
		if err := cmd.ParseFlags(c.flags); err != nil {
			t.Fatal(err)
		}
		err := o.check(cmd, c.args)
		got := ""
		if err != nil {
			got = err.Error()
			if errdefs.ExitCode(err) != errdefs.ExitEngine {
				t.Errorf("%v %v: exit code %d", c.flags, c.args, errdefs.ExitCode(err))
			}
		}
		if got != c.want {
			t.Errorf("%v %v: %q, want %q", c.flags, c.args, got, c.want)
		}
	}
}

// TestRmExitCodes: podman-rm(1)'s codes, also when several containers fail.
func TestRmExitCodes(t *testing.T) {
	missing := fmt.Errorf("no container with name or ID %q found: %w", "x", errdefs.ErrNoSuchContainer)
	running := fmt.Errorf("cannot remove container x as it is running: %w", errdefs.ErrConflict)
	other := fmt.Errorf("runtime failed: %w", errdefs.ErrRuntime)
	cases := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{missing, 1},
		{running, 2},
		{other, 125},
		{manyErrors{running, missing}, 1},
		{manyErrors{missing, running}, 1},
		{manyErrors{other, running}, 2},
		{manyErrors{running, other}, 2},
	}
	for _, c := range cases {
		if got := errdefs.ExitCode(rmExit(c.err)); got != c.want {
			t.Errorf("rmExit(%v) exits %d, want %d", c.err, got, c.want)
		}
	}
	// The text of several errors is the last one's (the others were printed).
	if got := (manyErrors{running, other}).Error(); got != other.Error() {
		t.Errorf("manyErrors text %q", got)
	}
	if !errors.Is(manyErrors{other, missing}, errdefs.ErrNotFound) {
		t.Error("manyErrors hides an error class")
	}
}

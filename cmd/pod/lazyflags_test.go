package main

import (
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func flagNames(c *cobra.Command) string {
	var names []string
	c.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name+"/"+f.Shorthand+"="+f.DefValue+":"+f.Usage) })
	sort.Strings(names)
	return strings.Join(names, "\n")
}

// rootCommandFor must pick the verb cobra's Traverse picks, and give that
// verb exactly the flags the eagerly built tree gives it.
func TestRootCommandForMatchesTraverse(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--rm", "--network", "none", "img", "true"},
		{"--root", "/x", "--runroot", "/y", "run", "-it", "img"},
		{"--log-level", "warn", "container", "cleanup", "--stopped-only", "--rm", "abc"},
		{"container", "run", "-d", "img"},
		{"container", "create", "--name", "run", "img"},
		{"create", "img", "run"},
		{"pod", "create", "--name", "p"},
		{"pod", "clone", "p", "q"},
		{"container", "clone", "a", "b"},
		{"clone", "a"},
		{"ps", "-a"},
		{"help", "run"},
		{},
		{"nosuch", "run"},
		{"--", "run"},
		{"--version"},
		{"completion", "bash"},
		{"run", "--help"},
		{"--storage-opt", "run", "ps"},
		{"update", "--cpus", "2", "--memory", "256m", "ctr"},
		{"container", "update", "--runtime", "runc", "ctr"},
	} {
		eager := rootCommand()
		want, _, err := eager.Traverse(args)
		if err != nil {
			t.Fatalf("%q: Traverse: %v", args, err)
		}
		lazy := rootCommandFor(args)
		got := verbOf(lazy, args)
		if got.CommandPath() != want.CommandPath() {
			t.Errorf("%q: verb %q, cobra's Traverse picks %q", args, got.CommandPath(), want.CommandPath())
			continue
		}
		if g, w := flagNames(got), flagNames(want); g != w {
			t.Errorf("%q: %s has other flags than when built eagerly:\n%s\nwant\n%s", args, got.CommandPath(), g, w)
		}
	}
}

// Help and completion see every flag of every command.
func TestRootCommandForRegistersAllForHelp(t *testing.T) {
	for _, args := range [][]string{{"help", "run"}, {"completion", "bash"}, {}, {"__complete", "run", "--"}} {
		lazy := rootCommandFor(args)
		for _, path := range [][]string{{"run"}, {"create"}, {"container", "run"}, {"pod", "create"}, {"pod", "clone"}, {"container", "clone"}} {
			c, _, err := lazy.Find(path)
			if err != nil {
				t.Fatal(err)
			}
			if c.Flags().Lookup("name") == nil {
				t.Errorf("%q: %s has no --name flag", args, c.CommandPath())
			}
		}
		for _, path := range [][]string{{"update"}, {"container", "update"}} {
			c, _, err := lazy.Find(path)
			if err != nil {
				t.Fatal(err)
			}
			if c.Flags().Lookup("memory") == nil || c.Flags().Lookup("runtime") == nil {
				t.Errorf("%q: %s lacks --memory or --runtime", args, c.CommandPath())
			}
		}
	}
	// A verb of its own leaves the big flag sets of the others out.
	lazy := rootCommandFor([]string{"container", "cleanup", "x"})
	c, _, _ := lazy.Find([]string{"run"})
	if c.Flags().Lookup("rm") != nil {
		t.Error("pod container cleanup registered run's flags")
	}
	c, _, _ = lazy.Find([]string{"update"})
	if c.Flags().Lookup("memory") != nil {
		t.Error("pod container cleanup registered update's flags")
	}
}

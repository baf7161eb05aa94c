package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/imagehelper"
)

func TestSplitGlobalFlags(t *testing.T) {
	pf := rootCommand().PersistentFlags()
	cases := []struct {
		args []string
		g    imagehelper.GlobalFlags
		rest []string
	}{
		{[]string{"-a", "--format", "{{.ID}}"}, imagehelper.GlobalFlags{}, []string{"-a", "--format", "{{.ID}}"}},
		{[]string{"--root", "/r", "--runroot=/rr", "-q"}, imagehelper.GlobalFlags{Root: "/r", RunRoot: "/rr"}, []string{"-q"}},
		{[]string{"--storage-opt", "a=1", "--storage-opt=b=2", "--storage-driver", "vfs", "x"},
			imagehelper.GlobalFlags{StorageDriver: "vfs", StorageOpts: []string{"a=1", "b=2"}}, []string{"x"}},
		{[]string{"--storage-opt="}, imagehelper.GlobalFlags{StorageOpts: []string{}}, nil},
		// pod-only globals are dropped, with their values.
		{[]string{"--runtime", "runc", "--cgroup-manager=cgroupfs", "--log-level", "debug", "--tmpdir", "/t", "img"},
			imagehelper.GlobalFlags{LogLevel: "debug", TmpDir: "/t"}, []string{"img"}},
		// After "--" nothing is a flag.
		{[]string{"--", "--root", "/r"}, imagehelper.GlobalFlags{}, []string{"--", "--root", "/r"}},
		// A trailing flag without its value is left for pod-image to report.
		{[]string{"--root"}, imagehelper.GlobalFlags{}, []string{"--root"}},
	}
	for _, c := range cases {
		g, rest := splitGlobalFlags(pf, c.args)
		if !reflect.DeepEqual(g, c.g) || !reflect.DeepEqual(rest, c.rest) {
			t.Errorf("splitGlobalFlags(%q) = %+v %q, want %+v %q", c.args, g, rest, c.g, c.rest)
		}
	}
}

func TestImageCommandsRegistered(t *testing.T) {
	root := rootCommand()
	for _, verb := range []string{"pull", "push", "images", "rmi", "tag", "untag", "load", "save", "import", "history", "login", "logout", "image"} {
		c, _, err := root.Find([]string{verb})
		if err != nil || c.Name() != verb || !c.DisableFlagParsing {
			t.Errorf("verb %s: %v %v", verb, c, err)
		}
	}
}

func FuzzSplitGlobalFlags(f *testing.F) {
	f.Add("--root /r images -a --storage-opt=x --")
	f.Add("--runtime=runc --root")
	f.Add("-- --root")
	pf := rootCommand().PersistentFlags()
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		g, rest := splitGlobalFlags(pf, args)
		// Nothing is invented: every kept argument and every value comes
		// from the input, and the input is never longer than the output
		// would need.
		if len(rest) > len(args) {
			t.Fatalf("rest %q longer than args %q", rest, args)
		}
		for _, v := range append([]string{g.Root, g.RunRoot, g.StorageDriver, g.LogLevel, g.TmpDir}, g.StorageOpts...) {
			if v != "" && !strings.Contains(line, v) {
				t.Fatalf("value %q not in input %q", v, line)
			}
		}
		_ = g.Args()
	})
}

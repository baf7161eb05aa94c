package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/imagehelper"
)

// The root parses flags given before the verb (TraverseChildren); an image
// verb must still forward them to pod-image.
func TestImageVerbGetsRootParsedFlags(t *testing.T) {
	globals = libpod.Options{}
	root := rootCommand()
	cmd, rest, err := root.Traverse([]string{"--root", "/r", "--storage-opt", "a=1", "--runtime", "runc", "images", "-q"})
	if err != nil || cmd.Name() != "images" {
		t.Fatalf("Traverse: %v %v", cmd, err)
	}
	g, args := splitGlobalFlags(root.PersistentFlags(), rest)
	want := imagehelper.GlobalFlags{Root: "/r", StorageOpts: []string{"a=1"}}
	if !reflect.DeepEqual(g, want) || !reflect.DeepEqual(args, []string{"-q"}) {
		t.Errorf("got %+v %q, want %+v [-q]", g, args, want)
	}
}

func TestRemoteFlagsAreRootOnly(t *testing.T) {
	root := rootCommand()
	for _, f := range append(remoteFlags, "context") {
		if root.LocalNonPersistentFlags().Lookup(f) == nil {
			t.Errorf("--%s is not a root-only flag", f)
		}
	}
	ps, _, _ := root.Find([]string{"ps"})
	if ps.Flags().Lookup("remote") != nil {
		t.Error("ps inherits --remote")
	}
}

func TestSortedYAML(t *testing.T) {
	v := struct {
		Zeta  []string          `json:"zeta"`
		Alpha map[string]string `json:"alpha"`
		Multi string            `json:"multi"`
		Empty map[string]any    `json:"empty"`
		Null  []int             `json:"null"`
		Big   int64             `json:"big"`
	}{
		Zeta:  []string{"b", "a"},
		Alpha: map[string]string{"Supports d_type": "true", "B": "12", "A": "x: y"},
		Multi: "line one\nline two",
		Empty: map[string]any{},
		Big:   25276157952,
	}
	got, err := sortedYAML(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `alpha:
  A: 'x: y'
  B: "12"
  Supports d_type: "true"
big: 25276157952
empty: {}
multi: |-
  line one
  line two
"null": null
zeta:
- b
- a
`
	if string(got) != want {
		t.Errorf("sortedYAML:\n%s\nwant:\n%s", got, want)
	}
}

func TestLogLevelsArePodmans(t *testing.T) {
	if got := strings.Join(logLevels, ", "); got != "trace, debug, info, warn, warning, error, fatal, panic" {
		t.Errorf("log levels %q", got)
	}
}

package build

import (
	"bytes"
	"errors"
	"runtime"
	"slices"
	"testing"

	"github.com/openshift/imagebuilder"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestParseOutput(t *testing.T) {
	for in, want := range map[string]Output{
		"type=local,dest=/x":  {"local", "/x"},
		"type=tar,dest=-":     {"tar", "-"},
		"dest=o.tar,type=tar": {"tar", "o.tar"},
		"some/dir":            {"local", "some/dir"},
		"-":                   {"tar", "-"},
	} {
		got, err := ParseOutput(in)
		if err != nil || *got != want {
			t.Errorf("ParseOutput(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "type=oci,dest=x", "type=local", "dest=x", "type=local,dest=-", "type=tar,dest=x,push=true"} {
		if _, err := ParseOutput(bad); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("ParseOutput(%q) = %v; want an invalid-argument error", bad, err)
		}
	}
}

func stagesOf(t *testing.T, cf string) imagebuilder.Stages {
	t.Helper()
	node, err := imagebuilder.ParseDockerfile(bytes.NewBufferString(cf))
	if err != nil {
		t.Fatal(err)
	}
	st, err := imagebuilder.NewStages(node, imagebuilder.NewBuilder(nil))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func names(st imagebuilder.Stages) []string {
	var out []string
	for _, s := range st {
		out = append(out, s.Name)
	}
	return out
}

func TestUsedStages(t *testing.T) {
	cf := `FROM a AS base
FROM b AS unused
RUN false
FROM base AS mid
RUN --mount=type=bind,from=tool,target=/t true
FROM c AS tool
FROM d AS final
COPY --from=mid /x /x
`
	// tool comes after mid, so mid's reference is not a stage (an image).
	if got := names(usedStages(stagesOf(t, cf))); !slices.Equal(got, []string{"base", "mid", "final"}) {
		t.Errorf("usedStages = %v", got)
	}
	cf2 := "FROM a AS one\nFROM b AS two\nCOPY --from=1 /x /x\nFROM c\nCOPY --from=two /y /y\n"
	if got := names(usedStages(stagesOf(t, cf2))); len(got) != 2 || got[0] != "two" {
		t.Errorf("usedStages by position = %v", got)
	}
	// An unexpanded ARG keeps every stage.
	cf3 := "FROM a AS one\nFROM b AS two\nARG S=one\nCOPY --from=$S /x /x\n"
	if got := usedStages(stagesOf(t, cf3)); len(got) != 2 {
		t.Errorf("usedStages with $ARG = %v", names(got))
	}
}

func TestOverrideFromAndEnv(t *testing.T) {
	node, err := imagebuilder.ParseDockerfile(bytes.NewBufferString("FROM a AS x\nFROM b\n"))
	if err != nil {
		t.Fatal(err)
	}
	overrideFrom(node, "other")
	st, err := imagebuilder.NewStages(node, imagebuilder.NewBuilder(nil))
	if err != nil || st[0].Name != "x" || node.Children[0].Next.Value != "other" || node.Children[1].Next.Value != "b" {
		t.Fatalf("overrideFrom: %v %v", err, node.Dump())
	}
	env := setEnv([]string{"A=1", "B=2"}, "A=3")
	if !slices.Equal(env, []string{"B=2", "A=3"}) {
		t.Errorf("setEnv = %v", env)
	}
	if env = unsetEnv(env, "B"); !slices.Equal(env, []string{"A=3"}) {
		t.Errorf("unsetEnv = %v", env)
	}
}

func TestCanRun(t *testing.T) {
	r := &run{o: Options{Arch: "arm64"}}
	if err := r.canRun(); err == nil && !sameArch("arm64", hostArchForTest()) {
		t.Error("a foreign arch RUN was allowed")
	}
	r.o.Arch = hostArchForTest()
	if err := r.canRun(); err != nil {
		t.Errorf("host arch refused: %v", err)
	}
}

func hostArchForTest() string { return runtime.GOARCH }

// FuzzParseOutput: any --output value is parsed or refused as invalid,
// never half-filled.
func FuzzParseOutput(f *testing.F) {
	for _, s := range []string{"type=local,dest=/x", "type=tar,dest=-", "dir", "-", "type=,dest=", "a=b=c,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOutput(s)
		if err != nil {
			if !errors.Is(err, errdefs.ErrInvalidArgument) {
				t.Fatalf("%q: %v is not an invalid-argument error", s, err)
			}
			return
		}
		if o.Dest == "" || (o.Type != "local" && o.Type != "tar") || (o.Type == "local" && o.Dest == "-") {
			t.Fatalf("%q: bad result %+v", s, o)
		}
	})
}

package build

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/openshift/imagebuilder"
	"github.com/openshift/imagebuilder/dockerfile/command"
	"github.com/openshift/imagebuilder/dockerfile/parser"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// overrideFrom replaces the image of the first FROM (pod build --from), as
// Buildah: the stage keeps its name.
func overrideFrom(node *parser.Node, from string) {
	for _, c := range node.Children {
		if strings.EqualFold(c.Value, command.From) && c.Next != nil {
			c.Next.Value = from
			return
		}
	}
}

// usedStages drops the stages the last one does not need
// (--skip-unused-stages, Podman's default): needed are the stages its
// FROM, COPY/ADD --from and RUN --mount from= name, transitively. A
// reference with an unexpanded $ARG keeps every stage.
func usedStages(stages imagebuilder.Stages) imagebuilder.Stages {
	if len(stages) < 2 {
		return stages
	}
	byName := map[string]int{}
	for i, st := range stages {
		byName[strconv.Itoa(st.Position)] = i
		if st.Name != "" {
			byName[st.Name] = i
		}
	}
	need := make([]bool, len(stages))
	var mark func(i int) bool
	mark = func(i int) bool {
		if need[i] {
			return true
		}
		need[i] = true
		for _, ref := range stageRefs(stages[i].Node) {
			if strings.Contains(ref, "$") {
				return false
			}
			if j, ok := byName[ref]; ok && j < i && !mark(j) {
				return false
			}
		}
		return true
	}
	if !mark(len(stages) - 1) {
		return stages
	}
	var out imagebuilder.Stages
	for i, st := range stages {
		if need[i] {
			out = append(out, st)
		}
	}
	return out
}

// stageRefs lists what a stage's instructions name as their source.
func stageRefs(n *parser.Node) []string {
	var refs []string
	for _, c := range n.Children {
		switch strings.ToLower(c.Value) {
		case command.From:
			if c.Next != nil {
				refs = append(refs, c.Next.Value)
			}
		case command.Copy, command.Add, command.Run:
			for _, f := range c.Flags {
				if v, ok := strings.CutPrefix(f, "--from="); ok {
					refs = append(refs, v)
				}
				if v, ok := strings.CutPrefix(f, "--mount="); ok {
					for _, kv := range strings.Split(v, ",") {
						if s, ok := strings.CutPrefix(kv, "from="); ok {
							refs = append(refs, s)
						}
					}
				}
			}
		}
	}
	return refs
}

// canRun refuses a RUN when the image's architecture is not one this
// machine runs (--arch/--platform for another one): there is no emulation.
func (r *run) canRun() error {
	if r.o.Arch == "" && (r.o.OS == "" || r.o.OS == runtime.GOOS) {
		return nil
	}
	if (r.o.OS == "" || r.o.OS == runtime.GOOS) && sameArch(r.o.Arch, runtime.GOARCH) {
		return nil
	}
	return fmt.Errorf("RUN cannot run an image for %s/%s on this %s/%s machine (no emulation): build without RUN, or on a %s/%s machine: %w",
		orDefault(r.o.OS, runtime.GOOS), orDefault(r.o.Arch, runtime.GOARCH), runtime.GOOS, runtime.GOARCH,
		orDefault(r.o.OS, runtime.GOOS), orDefault(r.o.Arch, runtime.GOARCH), errdefs.ErrInvalidArgument)
}

func sameArch(a, host string) bool {
	if a == "" || a == host {
		return true
	}
	alias := map[string]string{"x86_64": "amd64", "aarch64": "arm64", "i386": "386", "i686": "386"}
	if n, ok := alias[a]; ok {
		a = n
	}
	if host == "amd64" && a == "386" {
		return true
	}
	return a == host
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

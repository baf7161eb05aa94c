package shimv2

import specs "github.com/opencontainers/runtime-spec/specs-go"

type procSpec struct{ Process specs.Process }

// specsProcess is an exec process running args.
func specsProcess(args ...string) *procSpec {
	return &procSpec{Process: specs.Process{Args: args, Env: []string{"PATH=/bin"}, Cwd: "/"}}
}

package specgen

import (
	"errors"
	"fmt"
	"path"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ErrBadSpec marks a generated spec that breaks an invariant every runtime
// relies on: a bug of pod (an option or image value that slipped through
// parsing), reported instead of handing the spec to the runtime.
var ErrBadSpec = errors.New("internal error: the generated OCI spec is not valid")

// CheckSpec checks the invariants of a spec a runtime can take: arguments,
// absolute clean working directory, mount destinations and device paths,
// KEY=VALUE environment entries, soft limits not above hard ones, CAP_
// capability names, and no NUL byte in any string the runtime passes to the
// kernel or to exec. Generate runs it last.
func CheckSpec(s *specs.Spec) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrBadSpec, fmt.Sprintf(format, a...))
	}
	if s == nil || s.Process == nil || s.Root == nil || s.Linux == nil {
		return bad("process, root or linux section missing")
	}
	p := s.Process
	// An empty first word ("" from `run IMG ""` or an image's Cmd) is the
	// runtime's to refuse, as with Podman: "executable file `` not found", 127.
	if len(p.Args) == 0 {
		return bad("no command")
	}
	if !cleanAbs(p.Cwd) {
		return bad("working directory %q", p.Cwd)
	}
	for _, e := range p.Env {
		if k, _, ok := strings.Cut(e, "="); !ok || k == "" {
			return bad("environment entry %q", e)
		}
	}
	strs := append(append([]string{s.Hostname, s.Root.Path}, p.Args...), p.Env...)
	for _, m := range s.Mounts {
		if !path.IsAbs(m.Destination) {
			return bad("mount destination %q", m.Destination)
		}
		strs = append(append(strs, m.Destination, m.Source, m.Type), m.Options...)
	}
	for _, r := range p.Rlimits {
		if !strings.HasPrefix(r.Type, "RLIMIT_") || r.Soft > r.Hard {
			return bad("limit %s %d:%d", r.Type, r.Soft, r.Hard)
		}
	}
	if c := p.Capabilities; c != nil {
		for _, set := range [][]string{c.Bounding, c.Effective, c.Permitted, c.Inheritable, c.Ambient} {
			for _, n := range set {
				if !strings.HasPrefix(n, "CAP_") {
					return bad("capability %q", n)
				}
			}
		}
	}
	for _, d := range s.Linux.Devices {
		if !cleanAbs(d.Path) {
			return bad("device path %q", d.Path)
		}
	}
	for k, v := range s.Linux.Sysctl {
		if k == "" || strings.ContainsAny(k, "= ") {
			return bad("sysctl %q", k)
		}
		strs = append(strs, k, v)
	}
	for _, str := range strs {
		if strings.IndexByte(str, 0) >= 0 {
			return bad("NUL byte in %q", str)
		}
	}
	return nil
}

func cleanAbs(p string) bool { return path.IsAbs(p) && path.Clean(p) == p }

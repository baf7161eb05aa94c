package pods

import (
	"strings"
	"testing"
)

// FuzzMergeVolumes: the member's own values all come last and in order;
// every pod value kept is a bind at a destination the member does not use.
func FuzzMergeVolumes(f *testing.F) {
	f.Add("/a:/x\nnamed:/n\n/anon\n/b:/y:ro", "/c:/y/\nv:/z")
	f.Add("/a:/x/../x", "/x")
	f.Add(":\n::\n/:/", "")
	f.Fuzz(func(t *testing.T, pod, own string) {
		p := Binds(strings.Split(pod, "\n"))
		o := strings.Split(own, "\n")
		got := MergeVolumes(p, o)
		if len(got) < len(o) {
			t.Fatalf("lost the member's own values: %q", got)
		}
		kept := got[:len(got)-len(o)]
		for i, v := range o {
			if got[len(kept)+i] != v {
				t.Fatalf("member's values reordered: %q", got)
			}
		}
		used := map[string]bool{}
		for _, v := range o {
			used[volumeDest(v)] = true
		}
		for _, v := range kept {
			if !strings.HasPrefix(v, "/") || !strings.Contains(v, ":") {
				t.Fatalf("kept %q, not a bind", v)
			}
			if used[volumeDest(v)] {
				t.Fatalf("kept %q over the member's own mount at %s", v, volumeDest(v))
			}
		}
	})
}

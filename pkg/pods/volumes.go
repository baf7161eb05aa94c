package pods

import (
	"path"
	"strings"
)

// Binds returns the bind mounts (an absolute host source) among -v values:
// the ones a pod's members take over as they are; a pod's named and
// anonymous volumes reach them through the infra (the same volumes).
func Binds(volumes []string) []string {
	var out []string
	for _, v := range volumes {
		if src, _, ok := strings.Cut(v, ":"); ok && strings.HasPrefix(src, "/") {
			out = append(out, v)
		}
	}
	return out
}

// MergeVolumes returns the pod's -v values a member does not override (a
// value of its own at the same destination wins), then the member's own.
func MergeVolumes(pod, own []string) []string {
	if len(pod) == 0 {
		return own
	}
	used := map[string]bool{}
	for _, v := range own {
		used[volumeDest(v)] = true
	}
	var out []string
	for _, v := range pod {
		if !used[volumeDest(v)] {
			out = append(out, v)
		}
	}
	return append(out, own...)
}

// volumeDest is the destination of -v SRC:DST[:OPTS] or -v DST.
func volumeDest(v string) string {
	parts := strings.Split(v, ":")
	d := parts[0]
	if len(parts) > 1 {
		d = parts[1]
	}
	return path.Clean(d)
}

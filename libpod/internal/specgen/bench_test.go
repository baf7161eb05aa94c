package specgen

import (
	"encoding/json"
	"testing"
)

// BenchmarkGenerate measures the spec of a plain `pod run IMAGE true` (with
// the default seccomp profile) plus its JSON encoding: the per-run cost on the
// hot path.
func BenchmarkGenerate(b *testing.B) {
	rootfs := testRootfs(b)
	h := testHost()
	d := &Defaults{PidsLimit: 2048, Sysctls: []string{"net.ipv4.ping_group_range=0 0"}}
	o := &Options{Command: []string{"true"}}
	b.ReportAllocs()
	for b.Loop() {
		s, _, err := Generate(testID, o, &Image{Env: []string{"PATH=/bin"}}, d, h, rootfs)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(s); err != nil {
			b.Fatal(err)
		}
	}
}

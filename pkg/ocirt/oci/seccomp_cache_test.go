package oci

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// A cache that every crun upgrade adds an entry to stays bounded: the
// oldest entries go, the newest stay.
func TestSeccompCacheEvictsOldest(t *testing.T) {
	c := &seccompCache{dir: t.TempDir()}
	base := time.Now().Add(-time.Hour)
	for i := range 10 {
		p := filepath.Join(c.dir, fmt.Sprintf("k%02d", i))
		if err := os.WriteFile(p, []byte("bpf"), 0o600); err != nil {
			t.Fatal(err)
		}
		mt := base.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	c.evict(4)
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"k06", "k07", "k08", "k09"}; !slices.Equal(names, want) {
		t.Fatalf("after evict(4): %v, want %v", names, want)
	}
	c.evict(4) // at the bound: nothing goes
	if entries, _ := os.ReadDir(c.dir); len(entries) != 4 {
		t.Fatalf("evict at the bound removed entries: %d left", len(entries))
	}
}

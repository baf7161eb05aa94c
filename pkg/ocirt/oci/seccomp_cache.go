package oci

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// crun compiles the container's seccomp profile into BPF on every create,
// which is a third of the cost of creating a container (11-14 ms of 33 ms
// measured here). It also accepts an already compiled filter in the
// run.oci.seccomp_bpf_data annotation, and leaves the filter it compiled in
// <state root>/<id>/seccomp.bpf. pod keeps those filters, keyed by the
// profile, the crun binary and the kernel, and hands them back.
const seccompBPFAnnotation = "run.oci.seccomp_bpf_data"

// seccompCache is one crun's cache of compiled filters, in its state root.
type seccompCache struct {
	dir string // <state root>/.pod-seccomp
	key string // of this container's profile
}

// seccompCacheFor returns the cache entry for spec, or nil when the runtime
// is not crun, has no known state root, or the spec has no seccomp profile.
func (r *runtime) seccompCacheFor(spec *specs.Spec) *seccompCache {
	if !r.q.crun || spec == nil || spec.Linux == nil || spec.Linux.Seccomp == nil {
		return nil
	}
	if _, ok := spec.Annotations[seccompBPFAnnotation]; ok {
		return nil // the user brought their own filter
	}
	root := r.stateRoot()
	if root == "" {
		return nil
	}
	profile, err := json.Marshal(spec.Linux.Seccomp)
	if err != nil {
		return nil
	}
	fi, err := os.Stat(r.h.Path)
	if err != nil {
		return nil
	}
	var uts syscall.Utsname
	_ = syscall.Uname(&uts)
	h := sha256.New()
	h.Write(profile)
	for _, s := range []string{r.h.Path, fi.ModTime().String(), fi.Name(), strings.Join(r.h.Flags, " ")} {
		h.Write([]byte{0})
		h.Write([]byte(s))
	}
	h.Write([]byte{0})
	h.Write([]byte(charsToString(uts.Release[:]) + charsToString(uts.Machine[:])))
	h.Write([]byte{0, byte(fi.Size()), byte(fi.Size() >> 8), byte(fi.Size() >> 16), byte(fi.Size() >> 24)})
	return &seccompCache{dir: filepath.Join(root, ".pod-seccomp"), key: hex.EncodeToString(h.Sum(nil))}
}

// apply adds the cached filter to the spec's annotations; it reports
// whether there was one.
func (c *seccompCache) apply(spec *specs.Spec) bool {
	bpf, err := os.ReadFile(filepath.Join(c.dir, c.key))
	if err != nil || len(bpf) == 0 {
		return false
	}
	ann := make(map[string]string, len(spec.Annotations)+1)
	for k, v := range spec.Annotations {
		ann[k] = v
	}
	ann[seccompBPFAnnotation] = base64.StdEncoding.EncodeToString(bpf)
	spec.Annotations = ann
	return true
}

// store keeps the filter crun compiled for container id.
func (c *seccompCache) store(stateRoot, id string) {
	bpf, err := os.ReadFile(filepath.Join(stateRoot, id, "seccomp.bpf"))
	if err != nil || len(bpf) == 0 {
		return
	}
	if os.MkdirAll(c.dir, 0o700) != nil {
		return
	}
	tmp, err := os.CreateTemp(c.dir, ".tmp")
	if err != nil {
		return
	}
	_, werr := tmp.Write(bpf)
	if cerr := tmp.Close(); werr == nil && cerr == nil {
		_ = os.Rename(tmp.Name(), filepath.Join(c.dir, c.key))
	}
	os.Remove(tmp.Name())
	c.evict(maxSeccompCacheEntries)
}

// maxSeccompCacheEntries bounds the cache: each crun upgrade or new profile
// adds an entry and nothing else would ever remove the old ones.
const maxSeccompCacheEntries = 32

// evict removes the least recently written entries beyond limit. It runs only
// after a miss stored a new entry, never on the hot path of a hit.
func (c *seccompCache) evict(limit int) {
	entries, err := os.ReadDir(c.dir)
	if err != nil || len(entries) <= limit {
		return
	}
	type aged struct {
		name string
		mod  int64
	}
	var files []aged
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			files = append(files, aged{e.Name(), info.ModTime().UnixNano()})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].mod < files[j].mod })
	for _, f := range files[:max(0, len(files)-limit)] {
		os.Remove(filepath.Join(c.dir, f.name))
	}
}

// stateRoot is the runtime's --root, from its recorded flags.
func (r *runtime) stateRoot() string {
	flags := r.h.Flags
	for i, f := range flags {
		if v, ok := strings.CutPrefix(f, "--root="); ok {
			return v
		}
		if f == "--root" && i+1 < len(flags) {
			return flags[i+1]
		}
	}
	return ""
}

func charsToString(b []int8) string {
	var s strings.Builder
	for _, c := range b {
		if c == 0 {
			break
		}
		s.WriteByte(byte(c))
	}
	return s.String()
}

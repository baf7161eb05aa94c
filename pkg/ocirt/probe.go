package ocirt

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// probeEntry is one cached probe result, valid while the binary's path, size
// and mtime are unchanged.
type probeEntry struct {
	Size     int64           `json:"size"`
	MtimeNs  int64           `json:"mtimeNs"`
	Version  string          `json:"version,omitempty"`
	Features json.RawMessage `json:"features,omitempty"`
	Err      string          `json:"err,omitempty"`
}

// probeCache is a JSON file mapping binary path → probeEntry.
type probeCache struct {
	path    string
	mu      sync.Mutex
	entries map[string]probeEntry
	dirty   bool
}

func loadProbeCache(path string) *probeCache {
	c := &probeCache{path: path, entries: map[string]probeEntry{}}
	if path == "" {
		return c
	}
	if data, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(data, &c.entries)
	}
	return c
}

func (c *probeCache) get(bin string, fi os.FileInfo) (probeEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[bin]
	if !ok || e.Size != fi.Size() || e.MtimeNs != fi.ModTime().UnixNano() {
		return probeEntry{}, false
	}
	return e, true
}

func (c *probeCache) put(bin string, e probeEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[bin] = e
	c.dirty = true
}

func (c *probeCache) save() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.path == "" || !c.dirty {
		return
	}
	data, err := json.MarshalIndent(c.entries, "", "  ")
	if err != nil {
		return
	}
	if os.MkdirAll(filepath.Dir(c.path), 0o700) != nil {
		return
	}
	tmp := c.path + ".tmp" + time.Now().Format("150405.000000000")
	if os.WriteFile(tmp, data, 0o600) == nil {
		_ = os.Rename(tmp, c.path)
	}
	os.Remove(tmp)
}

// Probe returns the version and features of the binary at path for kind,
// from the cache when the binary did not change.
func (r *Registry) probe(ctx context.Context, cache *probeCache, kind Kind, path string) (string, json.RawMessage, string) {
	d, ok := r.drivers[kind]
	if !ok {
		return "", nil, "no driver for kind " + string(kind)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", nil, err.Error()
	}
	if e, ok := cache.get(path, fi); ok {
		return e.Version, e.Features, e.Err
	}
	version, features, err := d.Probe(ctx, path)
	e := probeEntry{Size: fi.Size(), MtimeNs: fi.ModTime().UnixNano(), Version: version, Features: features}
	if err != nil {
		e.Err = err.Error()
	}
	cache.put(path, e)
	return e.Version, e.Features, e.Err
}

// List probes and describes every runtime this host offers: all configured
// OCI runtimes (also those that are not installed, with the reason), the
// default when it is a path, configured shim aliases and shims found in the
// shim directories and on $PATH.
func (r *Registry) List(ctx context.Context) []Info {
	cache := loadProbeCache(r.cfg.CacheFile)
	defer cache.save()
	def := r.DefaultName()

	var out []Info
	var wg sync.WaitGroup
	var mu sync.Mutex
	add := func(info Info, kind Kind) {
		info.Kind = kind
		info.Default = info.Name == def
		if info.Available {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, f, perr := r.probe(ctx, cache, kind, info.Path)
				info.Version, info.Features = v, f
				if perr != "" {
					info.Available = false
					info.Reason = "probe failed: " + perr
				}
				mu.Lock()
				out = append(out, info)
				mu.Unlock()
			}()
			return
		}
		mu.Lock()
		out = append(out, info)
		mu.Unlock()
	}

	names := make([]string, 0, len(r.cfg.Runtimes))
	for n := range r.cfg.Runtimes {
		names = append(names, n)
	}
	if strings.HasPrefix(def, "/") {
		names = append(names, def)
	}
	for _, n := range names {
		h, err := r.Resolve(n)
		info := Info{Name: n, Path: h.Path, Flags: h.Flags, Tried: r.cfg.Runtimes[n], Available: err == nil}
		if err != nil {
			info.Reason = reason(err)
		}
		add(info, KindOCI)
	}
	seenShim := map[string]bool{}
	for n, a := range r.cfg.Aliases {
		a := a
		h, err := r.Resolve(n)
		info := Info{Name: n, Path: h.Path, Alias: &a, Available: err == nil}
		if err != nil {
			info.Reason = reason(err)
		}
		add(info, KindShimV2)
	}
	for _, t := range r.shimTypesOnPath() {
		if seenShim[t] {
			continue
		}
		seenShim[t] = true
		h, err := r.Resolve(t)
		info := Info{Name: t, Path: h.Path, Available: err == nil}
		if err != nil {
			info.Reason = reason(err)
		}
		add(info, KindShimV2)
	}
	wg.Wait()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// shimTypesOnPath lists runtime types of containerd-shim-<name>-<version>
// binaries in the shim directories and on $PATH, as io.containerd.<name>.<version>.
func (r *Registry) shimTypesOnPath() []string {
	dirs := append([]string{}, r.cfg.ShimDirs...)
	dirs = append(dirs, filepath.SplitList(os.Getenv("PATH"))...)
	seen := map[string]bool{}
	var types []string
	for _, d := range dirs {
		matches, _ := filepath.Glob(filepath.Join(d, "containerd-shim-*-v*"))
		for _, m := range matches {
			base := strings.TrimPrefix(filepath.Base(m), "containerd-shim-")
			i := strings.LastIndex(base, "-")
			if i <= 0 {
				continue
			}
			t := "io.containerd." + base[:i] + "." + base[i+1:]
			if !shimTypeRE.MatchString(t) || seen[t] || checkExecutable(m) != nil {
				continue
			}
			seen[t] = true
			types = append(types, t)
		}
	}
	sort.Strings(types)
	return types
}

// reason is an error's text without its trailing error-class word.
func reason(err error) string {
	msg := err.Error()
	for _, class := range []error{errdefs.ErrUnavailable, errdefs.ErrNotFound, errdefs.ErrInvalidArgument, errdefs.ErrPermission} {
		msg = strings.TrimSuffix(msg, ": "+class.Error())
	}
	return msg
}

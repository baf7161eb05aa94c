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
// and mtime are unchanged and it was made by this probeSchema.
type probeEntry struct {
	Schema   int             `json:"schema,omitempty"`
	Size     int64           `json:"size"`
	MtimeNs  int64           `json:"mtimeNs"`
	Version  string          `json:"version,omitempty"`
	Features json.RawMessage `json:"features,omitempty"`
	Err      string          `json:"err,omitempty"`
}

// probeSchema changes whenever a kind's probe learns more from the same
// binary (2: runsc's features derived from its release), so entries made by
// an older pod are probed again.
const probeSchema = 2

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
	if !ok || e.Schema != probeSchema || e.Size != fi.Size() || e.MtimeNs != fi.ModTime().UnixNano() {
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

// probe returns the version and features of the binary at path for its
// kind's driver d, from the cache when the binary did not change.
func probe(ctx context.Context, cache *probeCache, d Driver, path string) (string, json.RawMessage, string) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", nil, err.Error()
	}
	if e, ok := cache.get(path, fi); ok {
		return e.Version, e.Features, e.Err
	}
	version, features, err := d.Probe(ctx, path)
	e := probeEntry{Schema: probeSchema, Size: fi.Size(), MtimeNs: fi.ModTime().UnixNano(), Version: version, Features: features}
	if err != nil {
		e.Err = err.Error()
	}
	cache.put(path, e)
	return e.Version, e.Features, e.Err
}

// cachedFeatures returns the features of the binary at path, probing it
// when the cache has no entry for its current identity.
func (r *Registry) cachedFeatures(d Driver, path string) json.RawMessage {
	cache := loadProbeCache(r.cfg.CacheFile)
	defer cache.save()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, f, _ := probe(ctx, cache, d, path)
	return f
}

// List probes and describes every runtime this host offers, kind by kind in
// registration order: what each kind lists (also runtimes that are not
// installed, with the reason), with version, features and capabilities.
func (r *Registry) List(ctx context.Context) []Info {
	cache := loadProbeCache(r.cfg.CacheFile)
	defer cache.save()
	def := r.DefaultName()

	var out [][]Info
	var wg sync.WaitGroup
	for _, d := range r.drivers {
		infos := d.List(&r.cfg)
		sort.Slice(infos, func(i, j int) bool { return infos[i].Name < infos[j].Name })
		for i := range infos {
			info := &infos[i]
			info.Kind = d.Kind()
			info.Default = info.Name == def
			if !info.Available {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, f, perr := probe(ctx, cache, d, info.Path)
				info.Version, info.Features = v, f
				if perr != "" {
					info.Available = false
					info.Reason = "probe failed: " + perr
				}
				if info.Handle != nil {
					info.Capabilities = r.capsOf(d, *info.Handle, f)
				}
			}()
		}
		out = append(out, infos)
	}
	wg.Wait()
	var all []Info
	for _, infos := range out {
		all = append(all, infos...)
	}
	return all
}

// Reason is an error's text without its trailing error-class word, for
// Info.Reason.
func Reason(err error) string {
	msg := err.Error()
	for _, class := range []error{errdefs.ErrUnavailable, errdefs.ErrNotFound, errdefs.ErrInvalidArgument, errdefs.ErrPermission} {
		msg = strings.TrimSuffix(msg, ": "+class.Error())
	}
	return msg
}

// Inspect describes one runtime as a new container asking for name (empty:
// the default) would get it: resolved by its kind, probed (cached), with
// its capabilities. An unknown or uninstalled runtime is an error.
func (r *Registry) Inspect(ctx context.Context, name string) (Info, error) {
	if name == "" {
		name = r.DefaultName()
	}
	h, err := r.Resolve(name)
	if err != nil {
		return Info{}, err
	}
	d, _ := r.driver(h.Kind)
	cache := loadProbeCache(r.cfg.CacheFile)
	defer cache.save()
	v, f, perr := probe(ctx, cache, d, h.Path)
	info := Info{Name: name, Kind: h.Kind, Path: h.Path, Flags: h.Flags, Version: v, Features: f,
		Capabilities: r.capsOf(d, h, f), Default: name == r.DefaultName(), Available: perr == "", Handle: &h}
	if perr != "" {
		info.Reason = "probe failed: " + perr
	}
	if len(h.Options) > 0 {
		var a Alias
		if json.Unmarshal(h.Options, &a) == nil && a.Type != "" {
			info.Alias = &a
		}
	}
	return info, nil
}

package build

import (
	"encoding/json"
	"fmt"

	"go.podman.io/image/v5/docker/reference"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// The remote layer cache (pod build --cache-from, --cache-to), as Buildah
// 1.28: with --layers, a step missing from the local cache is pulled from
// CACHE-FROM:KEY (KEY = the step's cache key, cacheKey) and used when
// there; a step that was built (not taken from a cache) is pushed to
// CACHE-TO:KEY. A failed pull is no error (the step is built); a failed
// push fails the build.

// CacheRepo checks a --cache-from/--cache-to value: a repository without
// tag or digest, returned in its full form (docker.io/library/… for a
// short name), as Buildah's RepoNameToNamedReference.
func CacheRepo(flag, v string) (string, error) {
	named, err := reference.ParseNormalizedNamed(v)
	if err != nil {
		return "", fmt.Errorf("unable to parse value provided `%s` to %s: invalid repo %q: must contain registry and repository: %w: %w", v, flag, v, err, errdefs.ErrInvalidArgument)
	}
	if !reference.IsNameOnly(named) {
		return "", fmt.Errorf("unable to parse value provided `%s` to %s: repository must contain neither a tag nor digest: %v: %w", v, flag, named, errdefs.ErrInvalidArgument)
	}
	return named.String(), nil
}

// pullCache looks for the step (parent, key) in --cache-from. The pulled
// image gets the step's cache record, so the local cache finds it next
// time; "" when there is none.
func (r *run) pullCache(parent, key string) string {
	if r.o.CacheFrom == "" {
		return ""
	}
	ref := r.o.CacheFrom + ":" + key
	id, err := r.eng.PullCache(r.ctx, ref)
	if err != nil || id == "" {
		return "" // not there (or unreachable): the step is built
	}
	if !r.extends(id, parent) {
		return ""
	}
	raw, _ := json.Marshal(cacheMeta{Parent: parent, Key: key})
	if err := r.store.SetMetadata(id, string(raw)); err != nil {
		return ""
	}
	fmt.Fprintf(r.o.Out, "--> Cache pulled from remote %s\n", ref)
	return id
}

// extends reports whether image id is parent plus at most one layer: what
// a step of a build on parent commits.
func (r *run) extends(id, parent string) bool {
	img, err := r.store.Image(id)
	if err != nil {
		return false
	}
	if parent == "" {
		return true
	}
	p, err := r.store.Image(parent)
	if err != nil {
		return false
	}
	if img.TopLayer == p.TopLayer {
		return true
	}
	l, err := r.store.Layer(img.TopLayer)
	return err == nil && l.Parent == p.TopLayer
}

// pushCache pushes a step built on a miss to --cache-to.
func (r *run) pushCache(id, key string) error {
	if r.o.CacheTo == "" {
		return nil
	}
	ref := r.o.CacheTo + ":" + key
	fmt.Fprintf(r.o.Out, "--> Pushing cache %s\n", ref)
	if err := r.eng.PushCache(r.ctx, id, ref); err != nil {
		return fmt.Errorf("failed pushing cache to %q: %w", ref, err)
	}
	return nil
}

package imagestore

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/opencontainers/go-digest"
	"github.com/pod-engine/pod/pkg/errdefs"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/pkg/shortnames"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage"
)

// LookupImage resolves name to a local image the way Podman does for local
// lookups (libimage's Runtime.LookupImage), without touching the network:
//
//  1. "sha256:<64 hex>" or a full 64-hex ID: that image only;
//  2. the candidates of short-name resolution: for a fully qualified name,
//     the name itself (":latest" added); for a short name, its alias from
//     registries.conf / shortnames.conf, "localhost/<name>" and
//     "<registry>/<name>" for each unqualified-search registry, then the
//     Docker Hub normalisation ("docker.io/library/<name>") for compatibility;
//  3. a unique image ID prefix or an exact stored name;
//  4. for short names, a stored name whose repository ends with "/<name>"
//     and has the same tag (or digest).
//
// An unknown image is errdefs.ErrNotFound with the name in the message
// ("<name>: image not known", Podman's text).
func (s *Store) LookupImage(name string) (*Image, error) {
	img, resolved, err := s.lookup(name)
	if err != nil {
		return nil, err
	}
	return s.loadImage(img, resolved)
}

// ImageExists reports whether LookupImage would find name.
func (s *Store) ImageExists(name string) (bool, error) {
	_, _, err := s.lookup(name)
	if errors.Is(err, errdefs.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// ImageNotKnownError is the error for an image that is not in the store. Its
// text is Podman's ("NAME: image not known"); it matches errdefs.ErrNotFound.
type ImageNotKnownError struct{ Name string }

func (e *ImageNotKnownError) Error() string { return e.Name + ": image not known" }

// Unwrap makes errors.Is(err, errdefs.ErrNotFound) true.
func (e *ImageNotKnownError) Unwrap() error { return errdefs.ErrNotFound }

func notFound(name string) error { return &ImageNotKnownError{Name: name} }

func (s *Store) lookup(name string) (*storage.Image, string, error) {
	if name == "" {
		return nil, "", fmt.Errorf("empty image name: %w", errdefs.ErrInvalidArgument)
	}
	name = strings.TrimPrefix(name, "containers-storage:")
	normalized, named, err := normalizeTaggedDigested(name)
	if err != nil {
		return nil, "", fmt.Errorf("parsing reference %q: %w: %w", name, errdefs.ErrInvalidArgument, err)
	}
	name = normalized

	original := name
	byDigest := strings.HasPrefix(name, "sha256:")
	id := strings.TrimPrefix(name, "sha256:")
	if byDigest || isFullID(id) {
		if !isFullID(id) {
			return nil, "", fmt.Errorf("%s: invalid format: no 64-byte hexadecimal value: %w", original, errdefs.ErrInvalidArgument)
		}
		img, err := s.store.Image(id)
		if err != nil {
			if errors.Is(err, storage.ErrImageUnknown) {
				return nil, "", notFound(original)
			}
			return nil, "", fmt.Errorf("looking up image %s: %w", original, err)
		}
		return img, "", nil
	}

	sys := &types.SystemContext{SystemRegistriesConfPath: s.registriesConf, SystemRegistriesConfDirPath: s.registriesConfDir}
	candidates, err := shortnames.ResolveLocally(sys, name)
	if err != nil {
		// Podman reports a broken registries.conf as "image not known" here;
		// keep the cause visible.
		return nil, "", fmt.Errorf("%s: image not known (resolving short name: %v): %w", name, err, errdefs.ErrNotFound)
	}
	if dockerNamed, err := reference.ParseDockerRef(name); err == nil {
		candidates = append(candidates, dockerNamed)
	}
	for _, c := range candidates {
		if img := s.byNamed(c); img != nil {
			return img, c.String(), nil
		}
	}

	// A short ID (unique prefix) or any exact name storage knows.
	if img, err := s.store.Image(name); err == nil {
		resolved := name
		if strings.HasPrefix(img.ID, name) {
			resolved = ""
		}
		return img, resolved, nil
	} else if !errors.Is(err, storage.ErrImageUnknown) {
		return nil, "", fmt.Errorf("looking up image %s: %w", name, err)
	}

	if img, resolved, err := s.fuzzyRepoTag(name, named); err != nil || img != nil {
		return img, resolved, err
	}
	return nil, "", notFound(original)
}

// byNamed finds the image stored under a fully qualified reference: by exact
// name, or for a digested reference an image of the same repository with
// that manifest digest.
func (s *Store) byNamed(named reference.Named) *storage.Image {
	named = reference.TagNameOnly(named)
	if img, err := s.store.Image(named.String()); err == nil {
		return img
	}
	digested, ok := named.(reference.Digested)
	if !ok {
		return nil
	}
	imgs, err := s.store.ImagesByDigest(digested.Digest())
	if err != nil {
		return nil
	}
	for _, img := range imgs {
		if imageMatchesRepo(img, named.Name()) {
			return img
		}
	}
	return nil
}

func imageMatchesRepo(img *storage.Image, repo string) bool {
	for _, n := range img.Names {
		if named, err := reference.ParseNormalizedNamed(n); err == nil && named.Name() == repo {
			return true
		}
	}
	return false
}

// fuzzyRepoTag implements Podman's last resort for short names: any image
// with a name whose repository ends in "/<short repo>" (or equals it) and
// whose tag matches (":latest" by default); for a digested short name, the
// image must also carry that digest.
func (s *Store) fuzzyRepoTag(name string, named reference.Named) (*storage.Image, string, error) {
	if named == nil || !shortnames.IsShortName(name) {
		return nil, "", nil
	}
	named = reference.TagNameOnly(named)
	var wantTag string
	var wantDigest digest.Digest
	if d, ok := named.(reference.Digested); ok {
		wantDigest = d.Digest()
	} else if t, ok := named.(reference.NamedTagged); ok {
		wantTag = t.Tag()
	}
	repo := named.Name()
	imgs, err := s.store.Images()
	if err != nil {
		return nil, "", fmt.Errorf("listing images: %w", err)
	}
	// Newest first, so the choice does not depend on storage's order.
	sort.SliceStable(imgs, func(i, j int) bool { return imgs[i].Created.After(imgs[j].Created) })
	for i := range imgs {
		img := &imgs[i]
		if wantDigest != "" && !hasDigest(img, wantDigest) {
			continue
		}
		for _, n := range img.Names {
			r, err := reference.ParseNormalizedNamed(n)
			if err != nil {
				continue
			}
			if wantTag != "" {
				t, ok := r.(reference.NamedTagged)
				if !ok || t.Tag() != wantTag {
					continue
				}
			}
			rn := r.Name()
			if rn == repo || (strings.HasSuffix(rn, repo) && rn[len(rn)-len(repo)-1] == '/') {
				if wantDigest != "" {
					c, err := reference.WithDigest(reference.TrimNamed(r), wantDigest)
					if err == nil {
						return img, c.String(), nil
					}
				}
				return img, r.String(), nil
			}
		}
	}
	return nil, "", nil
}

func hasDigest(img *storage.Image, d digest.Digest) bool {
	if img.Digest == d {
		return true
	}
	for _, x := range img.Digests {
		if x == d {
			return true
		}
	}
	return false
}

// normalizeTaggedDigested drops the tag of a "name:tag@digest" reference
// (Docker ignores it; the digest decides). It returns the input unchanged
// when it is not a named reference.
func normalizeTaggedDigested(s string) (string, reference.Named, error) {
	ref, err := reference.Parse(s)
	if err != nil {
		return "", nil, err
	}
	named, ok := ref.(reference.Named)
	if !ok {
		return s, nil, nil
	}
	if _, tagged := named.(reference.NamedTagged); tagged {
		if d, digested := named.(reference.Digested); digested {
			n, err := reference.WithDigest(reference.TrimNamed(named), d.Digest())
			if err != nil {
				return "", nil, err
			}
			named = n
		}
	}
	return named.String(), named, nil
}

// isFullID reports whether s is a 64-character lowercase hex ID.
func isFullID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func parseDigest(s string) (digest.Digest, error) {
	return digest.Parse(s)
}

func sortStrings(s []string) { sort.Strings(s) }

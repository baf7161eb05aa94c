package imagestore

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/healthcheck"
	"go.podman.io/storage"
)

// Image is a local image as the container lifecycle sees it.
type Image struct {
	ID     string   // storage image ID (for pulled images: the config digest's hex)
	Digest string   // manifest digest, "sha256:…"; "" when unknown
	Names  []string // names as stored, e.g. "docker.io/library/busybox:latest"
	// ResolvedName is the reference the lookup matched (for a short name the
	// fully qualified candidate; for an ID the first name, else the ID).
	ResolvedName string
	TopLayer     string
	Created      time.Time
	OS           string
	Architecture string
	Variant      string // the config's "variant" (arm/v7…); "" for most images
	Config       Config
	// Annotations are the OCI manifest's (a checkpoint image's
	// io.podman.annotations.checkpoint.*); nil when it has none.
	Annotations map[string]string
}

// Config is the part of the OCI image config a container is created from
// (specgen.Image holds the same fields).
type Config struct {
	Entrypoint   []string
	Cmd          []string
	Env          []string
	WorkingDir   string
	User         string
	StopSignal   string
	Labels       map[string]string
	ExposedPorts []string // "80/tcp"
	Volumes      []string
	Healthcheck  *healthcheck.Config // HEALTHCHECK (Docker image configs)
}

// ociManifest covers OCI image manifests, Docker schema 2 manifests, OCI
// indexes and Docker manifest lists: only the fields needed to find the
// config blob or the platform instance.
type ociManifest struct {
	SchemaVersion int               `json:"schemaVersion"`
	MediaType     string            `json:"mediaType"`
	Annotations   map[string]string `json:"annotations"`
	Config        struct {
		Digest string `json:"digest"`
	} `json:"config"`
	Manifests []struct {
		Digest   string `json:"digest"`
		Platform *struct {
			OS           string `json:"os"`
			Architecture string `json:"architecture"`
			Variant      string `json:"variant"`
		} `json:"platform"`
	} `json:"manifests"`
	// Docker schema 1 keeps the config in the first history entry.
	History []struct {
		V1Compatibility string `json:"v1Compatibility"`
	} `json:"history"`
}

// imageConfig is the OCI image config (docker's image JSON is a superset).
type imageConfig struct {
	Created      *time.Time `json:"created"`
	OS           string     `json:"os"`
	Architecture string     `json:"architecture"`
	Variant      string     `json:"variant"`
	Config       struct {
		User         string              `json:"User"`
		ExposedPorts map[string]struct{} `json:"ExposedPorts"`
		Env          []string            `json:"Env"`
		Entrypoint   []string            `json:"Entrypoint"`
		Cmd          []string            `json:"Cmd"`
		Volumes      map[string]struct{} `json:"Volumes"`
		WorkingDir   string              `json:"WorkingDir"`
		Labels       map[string]string   `json:"Labels"`
		StopSignal   string              `json:"StopSignal"`
		Healthcheck  *healthcheck.Config `json:"Healthcheck"`
	} `json:"config"`
}

// errNoConfig says an image has no readable config; callers treat the image
// as having an empty config, as Podman does for some imported images.
var errNoConfig = errors.New("image has no config")

// loadImage builds an Image from a storage image, reading its manifest and
// config big data. A manifest list resolves to its instance for this
// platform when that instance is in the store.
func (s *Store) loadImage(img *storage.Image, resolved string) (*Image, error) {
	img, m, err := s.manifestOf(img)
	if err != nil {
		return nil, err
	}
	out := &Image{
		ID:       img.ID,
		Digest:   img.Digest.String(),
		Names:    append([]string(nil), img.Names...),
		TopLayer: img.TopLayer,
		Created:  img.Created,
	}
	if m != nil {
		out.Annotations = m.Annotations
	}
	if resolved == "" {
		resolved = img.ID
		if len(img.Names) > 0 {
			resolved = img.Names[0]
		}
	}
	out.ResolvedName = resolved
	cfg, err := s.readConfig(img, m)
	switch {
	case errors.Is(err, errNoConfig):
		return out, nil
	case err != nil:
		return nil, err
	}
	if cfg.Created != nil && !cfg.Created.IsZero() {
		out.Created = *cfg.Created
	}
	out.OS, out.Architecture, out.Variant = cfg.OS, cfg.Architecture, cfg.Variant
	out.Config = cfg.containerConfig()
	return out, nil
}

// containerConfig is the part of the image config a container is made from.
func (cfg *imageConfig) containerConfig() Config {
	c := cfg.Config
	return Config{
		Entrypoint: c.Entrypoint, Cmd: c.Cmd, Env: c.Env, WorkingDir: c.WorkingDir,
		User: c.User, StopSignal: c.StopSignal, Labels: c.Labels,
		ExposedPorts: sortedKeys(c.ExposedPorts), Volumes: sortedKeys(c.Volumes),
		Healthcheck: c.Healthcheck,
	}
}

// ParseConfig decodes an image config blob (as a loaded or imported archive
// carries it, untrusted) into what a container is made from, as loading the
// image from the store does. A blob that is not a config is an
// ErrInvalidArgument.
func ParseConfig(raw []byte) (Config, error) {
	cfg, err := parseConfig(raw)
	if err != nil {
		return Config{}, err
	}
	return cfg.containerConfig(), nil
}

// manifestOf returns the image's parsed manifest (nil when it has none). For
// a manifest list it returns this platform's instance and its manifest.
func (s *Store) manifestOf(img *storage.Image) (*storage.Image, *ociManifest, error) {
	for depth := 0; ; depth++ {
		raw, err := s.store.ImageBigData(img.ID, storage.ImageDigestBigDataKey)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return img, nil, nil
			}
			return nil, nil, fmt.Errorf("reading manifest of image %s: %w", img.ID, err)
		}
		m, err := parseManifest(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("parsing manifest of image %s: %w", img.ID, err)
		}
		if len(m.Manifests) == 0 {
			return img, m, nil
		}
		if depth > 0 {
			return nil, nil, fmt.Errorf("image %s: nested manifest lists: %w", img.ID, errdefs.ErrInvalidArgument)
		}
		img, err = s.platformInstance(img, m)
		if err != nil {
			return nil, nil, err
		}
	}
}

// readConfig reads and parses the config blob that manifest m names.
func (s *Store) readConfig(img *storage.Image, m *ociManifest) (*imageConfig, error) {
	switch {
	case m == nil:
	case m.Config.Digest != "":
		return s.readConfigByKey(img, m.Config.Digest)
	case m.SchemaVersion == 1 && len(m.History) > 0:
		cfg, err := parseConfig([]byte(m.History[0].V1Compatibility))
		if err != nil {
			return nil, fmt.Errorf("parsing schema 1 config of image %s: %w", img.ID, err)
		}
		return cfg, nil
	}
	return s.readConfigByKey(img, "sha256:"+img.ID)
}

func (s *Store) readConfigByKey(img *storage.Image, key string) (*imageConfig, error) {
	raw, err := s.store.ImageBigData(img.ID, key)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errNoConfig
		}
		return nil, fmt.Errorf("reading config %s of image %s: %w", key, img.ID, err)
	}
	cfg, err := parseConfig(raw)
	if err != nil {
		return nil, fmt.Errorf("parsing config of image %s: %w", img.ID, err)
	}
	return cfg, nil
}

// parseManifest decodes a manifest or manifest list.
func parseManifest(raw []byte) (*ociManifest, error) {
	var m ociManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%w: %w", errdefs.ErrInvalidArgument, err)
	}
	return &m, nil
}

// parseConfig decodes an image config blob.
func parseConfig(raw []byte) (*imageConfig, error) {
	var cfg imageConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("%w: %w", errdefs.ErrInvalidArgument, err)
	}
	return &cfg, nil
}

// platformInstance finds the local image for this host's platform among the
// instances of a manifest list.
func (s *Store) platformInstance(list *storage.Image, m *ociManifest) (*storage.Image, error) {
	for _, d := range m.Manifests {
		if d.Platform == nil || d.Platform.OS != runtime.GOOS || d.Platform.Architecture != runtime.GOARCH {
			continue
		}
		dg, err := parseDigest(d.Digest)
		if err != nil {
			continue
		}
		imgs, err := s.store.ImagesByDigest(dg)
		if err == nil && len(imgs) > 0 {
			return imgs[0], nil
		}
	}
	return nil, fmt.Errorf("image %s is a manifest list without a local instance for %s/%s: %w; pull the image for this platform",
		list.ID, runtime.GOOS, runtime.GOARCH, errdefs.ErrNotFound)
}

func sortedKeys(m map[string]struct{}) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

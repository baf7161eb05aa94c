package imagestore

import (
	"errors"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"busybox", "docker.io/library/busybox:latest", "a:b@sha256:" + strings.Repeat("a", 64),
		"sha256:" + strings.Repeat("0", 64), "localhost:5000/x/y:z", "UPPER", "", ":", "@", "a//b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, named, err := normalizeTaggedDigested(s)
		if err != nil {
			return
		}
		again, _, err := normalizeTaggedDigested(out)
		if err != nil || again != out {
			t.Fatalf("normalize(%q) = %q, not a fixed point (%q, %v)", s, out, again, err)
		}
		if named != nil && named.String() != out {
			t.Fatalf("normalize(%q): %q vs named %q", s, out, named)
		}
		_ = isFullID(s)
	})
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"schemaVersion":2,"config":{"digest":"sha256:00"}}`))
	f.Add([]byte(`{"schemaVersion":1,"history":[{"v1Compatibility":"{\"config\":{\"Cmd\":[\"sh\"]}}"}]}`))
	f.Add([]byte(`{"manifests":[{"digest":"sha256:1","platform":{"os":"linux","architecture":"amd64"}}]}`))
	f.Add([]byte(`{"config":{"Cmd":["a"],"ExposedPorts":{"80/tcp":{}}},"created":"2024-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if m, err := parseManifest(raw); err == nil {
			for _, d := range m.Manifests {
				_, _ = parseDigest(d.Digest)
			}
			if len(m.History) > 0 {
				_, _ = parseConfig([]byte(m.History[0].V1Compatibility))
			}
		} else if !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Fatalf("parseManifest error class: %v", err)
		}
		if cfg, err := parseConfig(raw); err == nil {
			_ = sortedKeys(cfg.Config.ExposedPorts)
		} else if !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Fatalf("parseConfig error class: %v", err)
		}
	})
}

// FuzzLookupImage: any name either finds an image or fails as NotFound or
// InvalidArgument; nothing else, no panic.
func FuzzLookupImage(f *testing.F) {
	for _, s := range []string{"busybox", "localhost/busybox", "sha256:abc", "b", "docker.io/library/busybox:latest@sha256:" + strings.Repeat("a", 64), "UPPER", "x:y:z"} {
		f.Add(s)
	}
	st := openTestStore(f)
	id := makeImage(f, st, testImage{names: []string{"localhost/busybox:latest"}, layers: [][]byte{busyboxTar(f, nil)}})
	f.Fuzz(func(t *testing.T, name string) {
		img, err := st.LookupImage(name)
		switch {
		case err == nil:
			if img.ID != id {
				t.Fatalf("LookupImage(%q) found unknown image %s", name, img.ID)
			}
		case errors.Is(err, errdefs.ErrNotFound), errors.Is(err, errdefs.ErrInvalidArgument):
		default:
			t.Fatalf("LookupImage(%q): unexpected error class: %v", name, err)
		}
	})
}

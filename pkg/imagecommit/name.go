package imagecommit

import (
	"fmt"
	"strings"

	"go.podman.io/image/v5/docker/reference"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// NormalizeName turns a name given to commit, build -t or tag into the
// stored full name as Podman does (libimage.NormalizeName): a name without
// a registry gets "localhost/", a name without tag or digest ":latest".
func NormalizeName(name string) (string, error) {
	ref, err := reference.Parse(name)
	if err != nil {
		return "", fmt.Errorf("invalid image name %q: %w: %w", name, err, errdefs.ErrInvalidArgument)
	}
	named, ok := ref.(reference.Named)
	if !ok {
		return "", fmt.Errorf("invalid image name %q: not a named reference: %w", name, errdefs.ErrInvalidArgument)
	}
	if d := reference.Domain(named); !strings.ContainsAny(d, ".:") && d != "localhost" {
		name = "localhost/" + strings.TrimLeft(ref.String(), "/")
	}
	named, err = reference.ParseNormalizedNamed(name)
	if err != nil {
		return "", fmt.Errorf("invalid image name %q: %w: %w", name, err, errdefs.ErrInvalidArgument)
	}
	return reference.TagNameOnly(named).String(), nil
}

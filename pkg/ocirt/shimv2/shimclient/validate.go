package shimclient

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// binaryRE is what a shim binary's base name must look like (CRI-O enforces
// the same for runtime_type "vm").
var binaryRE = regexp.MustCompile(`^containerd-shim-[a-zA-Z0-9\-\+]+$`)

// idRE is containerd's identifier rule (alphanumerics separated by single
// '.', '_' or '-'); ids become path components and shim arguments.
var idRE = regexp.MustCompile(`^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$`)

// maxIDLen is containerd's identifier limit.
const maxIDLen = 76

// ValidateBinary checks that path is an absolute, clean path whose base name
// is a containerd shim binary name.
func ValidateBinary(path string) error {
	if !filepath.IsAbs(path) || filepath.Clean(path) != path {
		return fmt.Errorf("shim binary %q is not a clean absolute path: %w", path, errdefs.ErrInvalidArgument)
	}
	if !binaryRE.MatchString(filepath.Base(path)) {
		return fmt.Errorf("shim binary %q: its name must match %s: %w", path, binaryRE, errdefs.ErrInvalidArgument)
	}
	return nil
}

// ValidateID checks a task, exec or namespace identifier.
func ValidateID(kind, id string) error {
	if len(id) == 0 || len(id) > maxIDLen || !idRE.MatchString(id) {
		return fmt.Errorf("invalid shim %s %q: use 1 to %d letters and digits separated by single '.', '_' or '-': %w",
			kind, id, maxIDLen, errdefs.ErrInvalidArgument)
	}
	return nil
}

// typeRE matches containerd runtime types such as io.containerd.runc.v2.
var typeRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]*(\.[a-zA-Z0-9][a-zA-Z0-9_+-]*)+\.v[0-9]+$`)

// IsType reports whether name looks like a shim runtime type.
func IsType(name string) bool { return typeRE.MatchString(name) }

// BinaryName returns the binary name for a shim runtime type:
// io.containerd.runc.v2 → containerd-shim-runc-v2.
func BinaryName(shimType string) (string, error) {
	if !typeRE.MatchString(shimType) {
		return "", fmt.Errorf("invalid shim runtime type %q: expected a dotted name ending in a version, such as io.containerd.runc.v2: %w", shimType, errdefs.ErrInvalidArgument)
	}
	parts := strings.Split(shimType, ".")
	bin := "containerd-shim-" + parts[len(parts)-2] + "-" + parts[len(parts)-1]
	if !binaryRE.MatchString(bin) {
		return "", fmt.Errorf("invalid shim runtime type %q: binary name %q must match %s: %w", shimType, bin, binaryRE, errdefs.ErrInvalidArgument)
	}
	return bin, nil
}

// TypeOf returns the runtime type of a shim binary name
// (containerd-shim-runc-v2 → io.containerd.runc.v2), or "".
func TypeOf(binary string) string {
	base, ok := strings.CutPrefix(binary, "containerd-shim-")
	i := strings.LastIndex(base, "-")
	if !ok || i <= 0 {
		return ""
	}
	t := "io.containerd." + base[:i] + "." + base[i+1:]
	if !typeRE.MatchString(t) {
		return ""
	}
	return t
}

package shimclient

import (
	"fmt"
	"path/filepath"
	"regexp"

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

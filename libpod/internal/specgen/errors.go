package specgen

import (
	"fmt"
	"path"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// flagError is the one shape of every option error: it names the flag and
// the value as the user wrote them, says what is wrong, and is of class
// errdefs.ErrInvalidArgument (pod exits 125).
func flagError(flag, value, format string, a ...any) error {
	return fmt.Errorf("%s %q: %s: %w", flag, value, fmt.Sprintf(format, a...), errdefs.ErrInvalidArgument)
}

// checkContainerPath validates a path inside the container: absolute, no NUL,
// and cleaned. It returns the cleaned path.
func checkContainerPath(p string) (string, error) {
	switch {
	case p == "":
		return "", fmt.Errorf("empty container path")
	case strings.IndexByte(p, 0) >= 0:
		return "", fmt.Errorf("container path contains a NUL byte")
	case !strings.HasPrefix(p, "/"):
		return "", fmt.Errorf("container path %q is not absolute", p)
	}
	return path.Clean(p), nil
}

// checkHostPath validates a host path: absolute (relative paths are refused
// because the record outlives the caller's working directory), no NUL.
func checkHostPath(p string) (string, error) {
	switch {
	case p == "":
		return "", fmt.Errorf("empty host path")
	case strings.IndexByte(p, 0) >= 0:
		return "", fmt.Errorf("host path contains a NUL byte")
	case !strings.HasPrefix(p, "/"):
		return "", fmt.Errorf("host path %q is relative; use an absolute path", p)
	}
	return path.Clean(p), nil
}

// pathDepth is the number of components of a clean absolute path ("/" = 0).
func pathDepth(p string) int {
	if p == "/" {
		return 0
	}
	return strings.Count(p, "/")
}

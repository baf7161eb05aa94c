package ocirt

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
)

var (
	permissionRE = regexp.MustCompile(`(?i)permission denied|operation not permitted`)
	notFoundRE   = regexp.MustCompile(`(?i)executable file not found in|no such file or directory|open executable`)
	// execRE tells a missing command (exit 127) from another missing file
	// (a cgroup, a mount source: exit 125): the runtimes' wording for the
	// former always mentions the exec or the process they failed to start.
	// crun's chdir to the process's working directory counts too (exit
	// 127 as Podman: `exec -w /missing`).
	execRE = regexp.MustCompile(`(?i)exec|failed to load|container process|in \$PATH|chdir`)
)

// RuntimeError turns a runtime's error message into a classified error:
// "<runtime>: <message>" wrapping errdefs.ErrPermission (exit 126) when the
// command could not be invoked, errdefs.ErrCommandNotFound (exit 127) when it
// does not exist, and errdefs.ErrRuntime otherwise.
func RuntimeError(runtime, msg string) error {
	msg = strings.TrimSpace(msg)
	class := errdefs.ErrRuntime
	switch {
	case permissionRE.MatchString(msg):
		class = errdefs.ErrPermission
	case notFoundRE.MatchString(msg) && execRE.MatchString(msg):
		class = errdefs.ErrCommandNotFound
	}
	if msg == "" {
		msg = "failed without a message"
	}
	return fmt.Errorf("%s: %s: %w", runtime, msg, class)
}

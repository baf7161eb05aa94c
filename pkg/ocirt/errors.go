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
	case notFoundRE.MatchString(msg):
		class = errdefs.ErrCommandNotFound
	}
	if msg == "" {
		msg = "failed without a message"
	}
	return fmt.Errorf("%s: %s: %w", runtime, msg, class)
}

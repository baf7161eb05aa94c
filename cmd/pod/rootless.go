package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/rootless"
)

// noUserNS are the verbs an ordinary user runs outside the user namespace:
// they touch no container, image or storage. system migrate joins it, as
// Podman's, to stop the containers running there, and stays outside only
// when the namespace cannot be joined (migrateRootless then stops the pause
// process so that the next command builds a new one).
var noUserNS = map[string]bool{
	"pod version":    true,
	"pod help":       true,
	"pod __complete": true,
	"pod completion": true,
}

// unshareRequired are the verbs an ordinary user runs only inside `pod
// unshare`, as Podman's UnshareNSRequired: their result (a mount point) exists
// only in the user namespace's mount table, not where the caller looks.
var unshareRequired = map[string]bool{
	"pod mount":           true,
	"pod container mount": true,
	"pod image mount":     true,
}

// verbPath is cmd's path; for a command cobra does not parse (pod image,
// forwarded to pod-image) with the sub-verb its first argument names.
func verbPath(cmd *cobra.Command, args []string) string {
	if cmd.DisableFlagParsing && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return cmd.CommandPath() + " " + args[0]
	}
	return cmd.CommandPath()
}

// enterUserNS re-executes pod inside the user's namespace when it runs as
// an ordinary user (see package rootless); root returns at once.
func enterUserNS(cmd *cobra.Command, args []string) error {
	if rootless.InNamespace() {
		o, err := libpod.RootlessOptions(globals)
		if err != nil {
			return err
		}
		return rootless.AfterJoin(o)
	}
	if !rootless.Needed() || noUserNS[cmd.CommandPath()] || cmd.Name() == "help" {
		return nil
	}
	if p := verbPath(cmd, args); unshareRequired[p] {
		// Podman's words, exit 125.
		return fmt.Errorf("cannot run command %q in rootless mode, must execute `pod unshare` first: %w", p, errdefs.ErrInvalidArgument)
	}
	if err := rootless.CheckRuntimeDir(); err != nil {
		return err
	}
	if cmd.CommandPath() == "pod system migrate" && rootless.JoinFailed() {
		return nil
	}
	o, err := libpod.RootlessOptions(globals)
	if err != nil {
		return err
	}
	// The CPU profiler's interval timer survives execve: its SIGPROF would
	// kill the re-executed pod before Go's handler exists.
	stopProfiles()
	return rootless.Enter(o)
}

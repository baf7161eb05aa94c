package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/rootless"
)

// noUserNS are the verbs an ordinary user runs outside the user namespace:
// they touch no container, image or storage (system migrate stops the
// namespace itself).
var noUserNS = map[string]bool{
	"pod version":        true,
	"pod help":           true,
	"pod system migrate": true,
	"pod __complete":     true,
	"pod completion":     true,
}

// unshareRequired are the verbs an ordinary user runs only inside `pod
// unshare`, as Podman's UnshareNSRequired: their result (a mount point) exists
// only in the user namespace's mount table, not where the caller looks.
var unshareRequired = map[string]bool{
	"pod mount":           true,
	"pod container mount": true,
}

// enterUserNS re-executes pod inside the user's namespace when it runs as
// an ordinary user (see package rootless); root returns at once.
func enterUserNS(cmd *cobra.Command) error {
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
	if unshareRequired[cmd.CommandPath()] {
		// Podman's words, exit 125.
		return fmt.Errorf("cannot run command %q in rootless mode, must execute `pod unshare` first: %w", cmd.CommandPath(), errdefs.ErrInvalidArgument)
	}
	if err := rootless.CheckRuntimeDir(); err != nil {
		return err
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

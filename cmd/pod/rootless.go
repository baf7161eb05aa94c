package main

import (
	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
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
	if err := rootless.CheckRuntimeDir(); err != nil {
		return err
	}
	o, err := libpod.RootlessOptions(globals)
	if err != nil {
		return err
	}
	return rootless.Enter(o)
}

package main

import (
	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/network/rootlessnet"
	"github.com/pod-engine/pod/pkg/rootless"
)

// migrateRootless is `system migrate`'s rootless part (kept apart from the
// rest of migrate): stop the user's pause process, so that the next pod
// command builds a new user namespace from the current /etc/subuid and
// /etc/subgid, as Podman does. It runs inside the namespace after the
// containers there were stopped, or outside it when it cannot be joined.
// Root has no pause process: nothing to do.
func migrateRootless() error {
	if !rootless.Needed() && !rootless.InNamespace() {
		return nil
	}
	if err := rootless.CheckRuntimeDir(); err != nil {
		return err
	}
	o, err := libpod.RootlessOptions(globals)
	if err != nil {
		return err
	}
	_, err = rootless.StopPause(o.Dir)
	// The shared network namespace (unshare --rootless-netns) lived in the
	// pause process's mount namespace: its slirp4netns goes too.
	rootlessnet.StopSharedHelper(o.Dir)
	return err
}

// migrateUnjoined reports whether migrate runs as an ordinary user outside
// the namespace, because it could not be joined (enterUserNS): the
// containers there are out of reach, only the pause process goes.
func migrateUnjoined() bool {
	return rootless.Needed()
}

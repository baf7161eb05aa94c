package libpod

import (
	"fmt"
	"os"
	"path/filepath"

	"go.podman.io/storage/pkg/unshare"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/network/rootlessnet"
)

// RootlessNetNS returns the user's shared rootless network namespace
// (`unshare --rootless-netns`), creating it with its slirp4netns when it
// does not exist: $XDG_RUNTIME_DIR/netns/rootless-netns-<hash of the
// store>, Podman's place and name, its helper's record in tmp_dir.
func (r *Runtime) RootlessNetNS() (*rootlessnet.Shared, error) {
	if !unshare.IsRootless() {
		return nil, fmt.Errorf("the rootless network namespace is for an ordinary user: %w", errdefs.ErrInvalidArgument)
	}
	nsDir, dir, name := r.rootlessNetNSPlaces()
	return rootlessnet.EnsureShared(r.cfg, nsDir, dir, name)
}

func (r *Runtime) rootlessNetNSPlaces() (nsDir, dir, name string) {
	base := os.Getenv("XDG_RUNTIME_DIR")
	if base == "" {
		base = r.paths.RunRoot
	}
	// dir must be where rootlessnet.StopSharedHelper(tmp_dir) looks.
	return filepath.Join(base, "netns"), filepath.Join(r.paths.TmpDir, "rootless-netns"),
		rootlessnet.SharedName(filepath.Join(r.paths.GraphRoot, "libpod"))
}

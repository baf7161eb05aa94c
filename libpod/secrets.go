package libpod

import "github.com/pod-engine/pod/pkg/secret"

// Secrets opens the secrets of this runtime's storage root (package
// secret), where Podman keeps them too.
func (r *Runtime) Secrets() (*secret.Store, error) {
	return secret.Open(r.paths.GraphRoot)
}

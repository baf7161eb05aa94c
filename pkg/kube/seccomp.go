package kube

import (
	"path/filepath"
	"strings"
)

// Kubernetes' (alpha) seccomp annotations, which Podman 4.3's kube play reads.
const (
	seccompPodKey       = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainerKey = "container.seccomp.security.alpha.kubernetes.io/"
	// DefaultSeccompRoot is --seccomp-profile-root's default, as Podman's.
	DefaultSeccompRoot = "/var/lib/kubelet/seccomp"
)

// Seccomp is the seccomp profile a pod's annotations give one container,
// as a --security-opt seccomp= value: "" for the default profile
// (runtime/default, docker/default or no annotation), "unconfined", or
// root/PATH for localhost/PATH. The container's own annotation wins over
// the pod's.
func Seccomp(annotations map[string]string, container, root string) (string, error) {
	for k := range annotations {
		if strings.HasPrefix(k, strings.TrimSuffix(seccompContainerKey, "/")) {
			if name := strings.TrimPrefix(k, seccompContainerKey); name == k || name == "" || strings.Contains(name, "/") {
				return "", invalid("annotation %s: invalid seccomp annotation: use %sCONTAINER", k, seccompContainerKey)
			}
		}
	}
	v, ok := annotations[seccompContainerKey+container]
	if !ok {
		if v, ok = annotations[seccompPodKey]; !ok {
			return "", nil
		}
	}
	switch v {
	case "runtime/default", "docker/default":
		return "", nil
	case "unconfined":
		return v, nil
	}
	rel, ok := strings.CutPrefix(v, "localhost/")
	if !ok || !safeRelPath(rel) {
		return "", invalid("invalid seccomp path: %s: use runtime/default, unconfined or localhost/FILE (FILE under --seccomp-profile-root)", v)
	}
	if root == "" {
		root = DefaultSeccompRoot
	}
	return filepath.Join(root, rel), nil
}

// Package kube reads and writes Kubernetes YAML for pods: `pod kube play`
// turns Pod and Deployment objects (with ConfigMaps for their environment
// and configMap volumes, PersistentVolumeClaims for named volumes, Secrets
// for secretKeyRef values) into Plans, pod-neutral descriptions of pods and containers that the CLI
// creates through libpod; `pod kube generate` turns a Plan built from a
// running pod back into a v1.Pod. Decoding and encoding go through the
// Kubernetes API types (k8s.io/api) and sigs.k8s.io/yaml, strictly, so
// what pod writes is what kubectl reads; nothing here touches libpod.
package kube

// Plan is one pod to create.
type Plan struct {
	Name         string
	Labels       map[string]string
	Annotations  map[string]string
	Hostname     string
	RuntimeClass string // spec.runtimeClassName: the pod's runtime
	HostNetwork  bool
	ShareProcess bool     // spec.shareProcessNamespace
	EmptyDirs    []string // names of emptyDir volumes: a directory of the pod each
	// ConfigMapVolumes are the named volumes to fill with ConfigMaps' files
	// before the containers are created (Podman: a volume per ConfigMap).
	ConfigMapVolumes []ConfigMapVolume
	Containers       []Container
	InitCount        int // how many of Containers are init containers (first)
	// RestartPolicy is spec.restartPolicy as the containers' --restart:
	// always (Always, and Podman's default), on-failure (OnFailure), no (Never).
	RestartPolicy string
	// Skipped are the kinds of the stream's documents that were ignored
	// (Podman plays what it knows and ignores the rest, e.g. a Service).
	Skipped []string
}

// Restart policies, as --restart values.
const (
	RestartAlways    = "always"
	RestartOnFailure = "on-failure"
	RestartNever     = "no"
)

// Container is one container of a Plan.
type Container struct {
	Name       string
	Image      string
	Entrypoint []string // command: (nil = the image's)
	Command    []string // args:
	Env        []string // KEY=VALUE, ConfigMap references resolved
	// SecretEnv are env valueFrom.secretKeyRef entries, resolved at play
	// time from pod's secrets (SecretValue).
	SecretEnv  []SecretEnv
	WorkDir    string
	TTY, Stdin bool
	Privileged bool
	ReadOnly   bool // readOnlyRootFilesystem
	User       string
	CapAdd     []string
	CapDrop    []string
	Mounts     []Mount
	Ports      []Port
	Memory     string // resources.limits.memory, as a --memory value
	CPUs       string // resources.limits.cpu, as a --cpus value
	Init       bool   // an init container: runs to completion before the others
}

// Mount is a volume mounted into a container.
type Mount struct {
	Source      string // host path; for an emptyDir, the volume's name
	Destination string
	ReadOnly    bool
	EmptyDir    bool // Source names an emptyDir volume of the pod
	Named       bool // Source names a named volume (a persistentVolumeClaim's claimName)
	ConfigMap   bool // Source names a ConfigMap whose named volume holds its files
	SubPath     string
}

// Port is a container port; HostPort 0 = not published.
type Port struct {
	Name          string
	ContainerPort int32
	HostPort      int32
	Protocol      string
	HostIP        string
}

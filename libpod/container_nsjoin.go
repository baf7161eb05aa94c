package libpod

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// nsJoin is one namespace flag that takes container:NAME (--network has
// its own path through pkg/network, container_network.go).
type nsJoin struct {
	flag, ns string  // --ipc, ipc (the /proc/PID/ns/ entry)
	val      *string // the option's value in the spec
}

func nsJoins(s *specgen.Options) []nsJoin {
	return []nsJoin{
		{"--pid", "pid", &s.PID},
		{"--ipc", "ipc", &s.IPC},
		{"--uts", "uts", &s.UTS},
	}
}

// resolveNSJoins turns container:NAME of --pid/--ipc/--uts into
// container:ID when the container is created (the name may change or be
// reused later) and makes that container a requirement, so that starting
// this one starts it first, as in Podman. A container with --ipc private
// cannot be joined, as in Podman.
func (r *Runtime) resolveNSJoins(cfg *ContainerConfig) error {
	for _, j := range nsJoins(&cfg.Spec) {
		name, ok := strings.CutPrefix(*j.val, "container:")
		if !ok {
			continue
		}
		other, err := r.LookupContainer(name)
		if err != nil {
			// Podman's words.
			return fmt.Errorf("looking up container to share %s namespace with: %w", j.ns, err)
		}
		if j.ns == "ipc" && specgen.PrivateIPC(&other.config.Spec, r.specDefaults()) {
			// Podman's words and class: nothing is created.
			return fmt.Errorf("joining IPC of container %s is not allowed: %w", other.ID(), errdefs.ErrNoShareableIPC)
		}
		*j.val = "container:" + other.ID()
		if !slices.Contains(cfg.Requires, other.ID()) {
			cfg.Requires = append(cfg.Requires, other.ID())
		}
	}
	return nil
}

// joinNamespaces turns container:ID into the namespace path of that
// container's running process, looked up at each start (it may have been
// restarted with another pid). Joining its IPC namespace shares SysV IPC,
// POSIX message queues and its /dev/shm (container_shm.go).
func (c *Container) joinNamespaces(o *specgen.Options) error {
	for _, j := range nsJoins(o) {
		id, ok := strings.CutPrefix(*j.val, "container:")
		if !ok {
			continue
		}
		other, err := c.rt.LookupContainer(id)
		if err != nil {
			return fmt.Errorf("container %s: %s %s: %w", c.config.Name, j.flag, *j.val, err)
		}
		if other.state.Status != StatusRunning || other.state.Task.Pid <= 0 {
			return fmt.Errorf("container %s: %s container:%s: container %s is %s, not running: start it first: %w",
				c.config.Name, j.flag, other.Name(), other.Name(), other.state.Status, errdefs.ErrConflict)
		}
		proc := "/proc/" + strconv.Itoa(other.state.Task.Pid)
		*j.val = "ns:" + proc + "/ns/" + j.ns
		if j.ns == "ipc" {
			o.ShmDir = c.sharedShm(other)
		}
	}
	return nil
}

// joinsContainerNS reports whether --pid, --ipc or --uts names a container.
func joinsContainerNS(s *specgen.Options) bool {
	for _, j := range nsJoins(s) {
		if strings.HasPrefix(*j.val, "container:") {
			return true
		}
	}
	return false
}

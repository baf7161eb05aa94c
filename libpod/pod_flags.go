package libpod

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"go.podman.io/storage/pkg/unshare"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/idmap"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/pods"
)

// The container flags of `pod pod create` (PodCreateOptions.Spec), as
// Podman 4.3 applies them: resource flags limit the pod cgroup; --device,
// --security-opt, --shm-size, -v and --volumes-from go on the infra and on
// every member (Podman's InfraInherit); --sysctl, --pid and --uts only on
// the infra (members see its net/ipc sysctls and its pid and uts namespaces
// through the namespaces they share); --userns and the id-map flags give
// the infra a user namespace that every member joins.

// PodInherit are the pod create flags every member of the pod gets.
type PodInherit struct {
	// Binds are the pod's -v bind mounts; its named and anonymous volumes
	// (and those of --volumes-from) members take from the infra
	// (InfraVolumes: --volumes-from INFRA), so they share the very volumes.
	Binds        []string `json:"binds,omitempty"`
	InfraVolumes bool     `json:"infraVolumes,omitempty"`
	Devices      []string `json:"devices,omitempty"`
	SecurityOpt  []string `json:"securityOpt,omitempty"`
	ShmSize      string   `json:"shmSize,omitempty"`
	UserNS       bool     `json:"userns,omitempty"` // members join the infra's user namespace
}

func podInherit(o *PodCreateOptions) PodInherit {
	s := &o.Spec
	return PodInherit{
		Binds: pods.Binds(s.Volumes), InfraVolumes: len(s.Volumes)+len(o.VolumesFrom) > 0, Devices: s.Devices, SecurityOpt: s.SecurityOpt,
		ShmSize: s.ShmSize,
	}
}

// infraUserNS finishes an infra container made with a user namespace
// (--userns, --uidmap… on pod create): its members join that namespace,
// and the built-in infra's root filesystem (pod's own directory, no image
// layer that storage would chown) is given to the namespace's root.
func (r *Runtime) infraUserNS(p *Pod, infra *Container) error {
	m := infra.config.Spec.IDMappings
	if m == nil {
		return nil
	}
	p.config.Inherit.UserNS = true
	if infra.config.Storage {
		return nil
	}
	uid, gid, ok := idmap.RootIDs(m.UIDs, m.GIDs)
	if !ok {
		return fmt.Errorf("pod %s: the user namespace maps no root (container uid/gid 0): add it to --uidmap/--gidmap: %w", p.config.Name, errdefs.ErrInvalidArgument)
	}
	root := infra.config.Spec.Rootfs
	err := filepath.WalkDir(root, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
	if err == nil {
		err = idmap.MakeAccessible(root, uid, gid)
	}
	if err != nil {
		return fmt.Errorf("pod %s: giving the infra's root filesystem to its user namespace: %w", p.config.Name, err)
	}
	return nil
}

// infraSpec copies the infra's share of the pod create flags.
func infraSpec(s *specgen.Options, o *PodCreateOptions) {
	f := &o.Spec
	s.Volumes, s.Devices, s.SecurityOpt, s.ShmSize, s.Sysctls = f.Volumes, f.Devices, f.SecurityOpt, f.ShmSize, f.Sysctls
	s.UserNS, s.UIDMap, s.GIDMap, s.SubUIDName, s.SubGIDName = f.UserNS, f.UIDMap, f.GIDMap, f.SubUIDName, f.SubGIDName
	s.PID, s.UTS = f.PID, f.UTS
}

// infraFlag names the first pod create flag that configures the infra
// container ("" if none).
func infraFlag(o *PodCreateOptions) string {
	s := &o.Spec
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"--volume", len(s.Volumes) > 0}, {"--volumes-from", len(o.VolumesFrom) > 0}, {"--device", len(s.Devices) > 0},
		{"--security-opt", len(s.SecurityOpt) > 0}, {"--shm-size", s.ShmSize != ""}, {"--sysctl", len(s.Sysctls) > 0},
		{"--userns", s.UserNS != ""}, {"--uidmap", len(s.UIDMap) > 0}, {"--gidmap", len(s.GIDMap) > 0},
		{"--subuidname", s.SubUIDName != ""}, {"--subgidname", s.SubGIDName != ""}, {"--pid", s.PID != ""}, {"--uts", s.UTS != ""},
	} {
		if f.set {
			return f.name
		}
	}
	return ""
}

// resourceOptions are the pod's resource flags as a container's options.
func resourceOptions(o *PodCreateOptions) specgen.Options {
	s := &o.Spec
	return specgen.Options{
		CPUs: o.CPUs, Memory: o.Memory, MemorySwap: s.MemorySwap, CPUShares: s.CPUShares,
		CPUSetCPUs: s.CPUSetCPUs, CPUSetMems: s.CPUSetMems, BlkioWeight: s.BlkioWeight,
		BlkioWeightDevice: s.BlkioWeightDevice, DeviceReadBps: s.DeviceReadBps, DeviceWriteBps: s.DeviceWriteBps,
	}
}

// checkPodFlags refuses combinations of the container flags of pod create
// before anything is made.
func checkPodFlags(o *PodCreateOptions, share []string) error {
	if !o.Infra {
		if f := infraFlag(o); f != "" {
			return fmt.Errorf("%s configures the infra container, which --infra=false does without: drop one of them: %w", f, errdefs.ErrInvalidArgument)
		}
	}
	res := resourceOptions(o)
	if f := specgen.PodResourceFlag(&res); f != "" && o.NoShareParent {
		return fmt.Errorf("%s limits the pod cgroup, which --share-parent=false does without: set it on the containers: %w", f, errdefs.ErrInvalidArgument)
	}
	if o.Hostname != "" && o.Spec.UTS == "host" {
		return fmt.Errorf("--hostname %s: the pod uses the host's uts namespace (--uts host), whose hostname it cannot set: %w", o.Hostname, errdefs.ErrInvalidArgument)
	}
	if o.InfraImage == "" && (strings.HasPrefix(o.Spec.UserNS, "auto") || o.Spec.UserNS == "private") {
		return fmt.Errorf("--userns %s: the built-in infra container has no image layer for storage to pick the range with: give the ids with --uidmap/--gidmap, or an --infra-image: %w", o.Spec.UserNS, errdefs.ErrNotImplemented)
	}
	for _, f := range []struct{ flag, val string }{{"--pid", o.Spec.PID}, {"--uts", o.Spec.UTS}} {
		if strings.HasPrefix(f.val, "container:") {
			return fmt.Errorf("%s %s: a pod's infra container cannot join another container's namespace: use host, private or ns:PATH: %w", f.flag, f.val, errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

// requirePodUserNS: members join a pod's user namespace by path with the
// network namespace pod makes for the pod (not none or host, as root); the
// runtime must be able to (capability pod-userns), else a refusal now.
func (r *Runtime) requirePodUserNS(o *PodCreateOptions, handle ocirt.Handle) error {
	s := &o.Spec
	ids := idmap.Flags{UIDMap: s.UIDMap, GIDMap: s.GIDMap, SubUIDName: s.SubUIDName, SubGIDName: s.SubGIDName}
	if !ids.Given() && (s.UserNS == "" || s.UserNS == "host") {
		return nil
	}
	if o.Network == "none" || o.Network == "host" || unshare.IsRootless() {
		return nil
	}
	return r.registry.Require(handle, ocirt.CapPodUserNS)
}

// podResources parses the pod's resource flags into the pod cgroup's limits
// (nil when none is set); pod writes them itself only under cgroupfs.
func (r *Runtime) podResources(o *PodCreateOptions, handle ocirt.Handle) (*specs.LinuxResources, error) {
	s := resourceOptions(o)
	flag := specgen.PodResourceFlag(&s)
	if flag == "" {
		return nil, nil
	}
	if r.cfg.Engine.CgroupManager == "systemd" {
		return nil, fmt.Errorf("%s on a pod needs the cgroupfs cgroup manager (pod sets it on the pod cgroup; the systemd slice properties are not set yet): set it on the containers: %w", flag, errdefs.ErrNotImplemented)
	}
	h, err := r.hostInfo(&Container{config: ContainerConfig{Runtime: handle}})
	if err != nil {
		return nil, err
	}
	res, warnings, err := specgen.PodResources(&s, h)
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		r.warnf("pod %s: %s", o.Name, w)
	}
	return res, nil
}

// inheritPod gives a new member what the pod's create flags give every
// member: the infra's volumes, devices, security options and /dev/shm size
// (the member's own flags come after, so they win), and the infra's user
// namespace mappings (joined by path at each start, podSpec).
func (r *Runtime) inheritPod(o *CreateOptions, p *Pod) error {
	in := &p.config.Inherit
	s := &o.Spec
	s.Volumes = pods.MergeVolumes(in.Binds, s.Volumes)
	if in.InfraVolumes && p.config.InfraID != "" {
		o.VolumesFrom = append([]string{p.config.InfraID}, o.VolumesFrom...)
	}
	s.Devices = append(append([]string(nil), in.Devices...), s.Devices...)
	s.SecurityOpt = append(append([]string(nil), in.SecurityOpt...), s.SecurityOpt...)
	if s.ShmSize == "" {
		s.ShmSize = in.ShmSize
	}
	if !in.UserNS {
		return nil
	}
	if s.UserNS != "" || s.IDMappings != nil {
		return fmt.Errorf("invalid config provided: --userns: the container joins the user namespace of pod %s, so it cannot choose its own: %w", p.config.Name, errdefs.ErrInvalidArgument)
	}
	infra, err := r.LookupContainer(p.config.InfraID)
	if err != nil {
		return fmt.Errorf("the infra container of pod %s: %w", p.config.Name, err)
	}
	s.IDMappings = infra.config.Spec.IDMappings
	return nil
}

// InspectPodFlags are the container flags of pod create in `pod pod
// inspect` (Podman 4.3's keys).
type InspectPodFlags struct {
	CPUShares    uint64   `json:"cpu_shares,omitempty"`
	CPUSetCPUs   string   `json:"cpuset_cpus,omitempty"`
	CPUSetMems   string   `json:"cpuset_mems,omitempty"`
	MemorySwap   int64    `json:"memory_swap,omitempty"`
	BlkioWeight  uint16   `json:"blkio_weight,omitempty"`
	Devices      []string `json:"devices,omitempty"`
	SecurityOpts []string `json:"security_opt,omitempty"`
}

func podInspectFlags(cfg *PodConfig) InspectPodFlags {
	f := InspectPodFlags{Devices: cfg.Inherit.Devices, SecurityOpts: cfg.Inherit.SecurityOpt}
	if res := cfg.Resources; res != nil {
		if c := res.CPU; c != nil {
			if c.Shares != nil {
				f.CPUShares = *c.Shares
			}
			f.CPUSetCPUs, f.CPUSetMems = c.Cpus, c.Mems
		}
		if m := res.Memory; m != nil && m.Swap != nil {
			f.MemorySwap = *m.Swap
		}
		if b := res.BlockIO; b != nil && b.Weight != nil {
			f.BlkioWeight = *b.Weight
		}
	}
	return f
}

// usernsMode is the infra's user namespace mode in pod inspect.
func usernsMode(s *specgen.Options) string {
	switch {
	case s.UserNS != "":
		return s.UserNS
	case s.IDMappings != nil:
		return "private"
	}
	return "host"
}

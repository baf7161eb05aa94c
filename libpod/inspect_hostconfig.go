package libpod

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The keys of Podman 4.3.1's container inspect that come from the OCI spec
// pod writes at init (resources, rlimits, umask), from the container's
// options where there is no spec yet, from the storage layer (GraphDriver)
// and from the running process (State.CgroupPath).

// InspectGraphDriver is GraphDriver: the storage driver and its data of the
// container's layer.
type InspectGraphDriver struct {
	Name string            `json:"Name"`
	Data map[string]string `json:"Data"`
}

// InspectLogConfig is HostConfig.LogConfig (Config: log options, which
// Podman 4.3.1 never fills).
type InspectLogConfig struct {
	Type   string            `json:"Type"`
	Config map[string]string `json:"Config"`
	Path   string            `json:"Path"`
	Tag    string            `json:"Tag"`
	Size   string            `json:"Size"`
}

// InspectUlimit is one entry of HostConfig.Ulimits.
type InspectUlimit struct {
	Name string `json:"Name"`
	Soft int64  `json:"Soft"`
	Hard int64  `json:"Hard"`
}

// InspectBlkioWeightDevice is one entry of HostConfig.BlkioWeightDevice.
type InspectBlkioWeightDevice struct {
	Path   string `json:"Path"`
	Weight uint16 `json:"Weight"`
}

// InspectBlkioThrottleDevice is one entry of HostConfig.BlkioDevice*.
type InspectBlkioThrottleDevice struct {
	Path string `json:"Path"`
	Rate uint64 `json:"Rate"`
}

// inspectGraphDriver fills GraphDriver from the storage layer (nothing for
// a --rootfs container, as Podman).
func (c *Container) inspectGraphDriver(i *InspectContainer) {
	if !c.config.Storage {
		return
	}
	store, err := c.rt.images()
	if err != nil {
		return
	}
	name, data, err := store.ContainerDriverData(c.config.ID)
	if err != nil {
		return
	}
	i.GraphDriver = &InspectGraphDriver{Name: name, Data: data}
	i.Driver = name
}

// cgroupPathOf is the cgroup of process pid as Podman's State.CgroupPath
// shows it: the unified hierarchy's path, else the memory controller's.
func cgroupPathOf(pid int) string {
	if pid <= 0 {
		return ""
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		return ""
	}
	defer f.Close()
	var mem string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			return parts[2]
		}
		for _, ctl := range strings.Split(parts[1], ",") {
			if ctl == "memory" {
				mem = parts[2]
			}
		}
	}
	return mem
}

// inspectUmask is the umask the process runs with: the spec's, else the
// --umask flag, else containers.conf's default.
func (c *Container) inspectUmask(spec *specs.Spec) string {
	if spec != nil && spec.Process != nil && spec.Process.User.Umask != nil {
		return fmt.Sprintf("%04o", *spec.Process.User.Umask)
	}
	u := firstNonEmpty(c.config.Spec.Umask, c.rt.cfg.Containers.Umask, "0022")
	if n, err := strconv.ParseUint(u, 8, 32); err == nil {
		return fmt.Sprintf("%04o", n)
	}
	return u
}

// podmanAnnotations are the annotations Podman 4.3.1 puts in every spec,
// from the container's options; the ones already set are kept.
func (c *Container) podmanAnnotations(a map[string]string, spec *specs.Spec) map[string]string {
	if a == nil {
		a = map[string]string{}
	}
	tf := func(b bool) string {
		if b {
			return "TRUE"
		}
		return "FALSE"
	}
	s := &c.config.Spec
	add := map[string]string{
		"io.kubernetes.cri-o.TTY":           strconv.FormatBool(s.Terminal),
		"io.podman.annotations.autoremove":  tf(c.config.Remove),
		"io.podman.annotations.init":        tf(s.Init),
		"io.podman.annotations.privileged":  tf(s.Privileged),
		"io.podman.annotations.publish-all": tf(c.config.Net != nil && c.config.Net.PublishAll),
	}
	if spec != nil {
		// When the spec was generated (init), as Podman stamps it.
		if fi, err := os.Stat(filepath.Join(c.staticDir(), "config.json")); err == nil {
			add["io.kubernetes.cri-o.Created"] = fi.ModTime().UTC().Format(time.RFC3339Nano)
		}
	}
	for k, v := range add {
		if _, ok := a[k]; !ok {
			a[k] = v
		}
	}
	return a
}

// inspectHostConfigMore fills the HostConfig keys read back from the spec
// (the values the runtime got), or from the options before init.
func (c *Container) inspectHostConfigMore(h *InspectHostConfig, spec *specs.Spec) {
	s := &c.config.Spec
	h.Dns, h.DnsOptions, h.DnsSearch = nonNil(s.DNS), nonNil(s.DNSOptions), nonNil(s.DNSSearch)
	h.ExtraHosts, h.GroupAdd = nonNil(s.AddHosts), nonNil(s.GroupAdd)
	h.ContainerIDFile = c.config.CIDFile
	h.ConsoleSize = []uint{0, 0}
	h.PortBindings = map[string]any{}
	c.portBindings(h.PortBindings)
	h.PublishAllPorts = c.config.Net != nil && c.config.Net.PublishAll
	if len(s.CgroupConf) > 0 {
		h.CgroupConf = map[string]string{}
		for _, kv := range s.CgroupConf {
			k, v, _ := strings.Cut(kv, "=")
			h.CgroupConf[k] = v
		}
	}
	h.CgroupMode = cgroupNSMode(s.CgroupNS, spec)
	h.Ulimits = []InspectUlimit{}
	// The CPU, memory and blkio weight limits are InspectResources (from
	// the options, which `pod update` changes); the rest: the options
	// before init, the spec after.
	h.OomKillDisable = s.OOMKillDisable
	if s.OOMScoreAdj != nil {
		h.OomScoreAdj = *s.OOMScoreAdj
	}
	if spec == nil {
		return
	}
	if p := spec.Process; p != nil {
		if p.OOMScoreAdj != nil {
			h.OomScoreAdj = *p.OOMScoreAdj
		}
		if p.ConsoleSize != nil {
			h.ConsoleSize = []uint{p.ConsoleSize.Height, p.ConsoleSize.Width}
		}
		for _, r := range p.Rlimits {
			h.Ulimits = append(h.Ulimits, InspectUlimit{Name: r.Type, Soft: int64(r.Soft), Hard: int64(r.Hard)})
		}
	}
	if spec.Linux == nil || spec.Linux.Resources == nil {
		return
	}
	r := spec.Linux.Resources
	if m := r.Memory; m != nil {
		h.OomKillDisable = m.DisableOOMKiller != nil && *m.DisableOOMKiller
	}
	if r.Pids != nil {
		h.PidsLimit = r.Pids.Limit
	}
	if b := r.BlockIO; b != nil {
		for _, d := range b.WeightDevice {
			h.BlkioWeightDevice = append(h.BlkioWeightDevice, InspectBlkioWeightDevice{Path: devicePath(d.Major, d.Minor), Weight: deref(d.Weight)})
		}
		h.BlkioDeviceReadBps = throttles(b.ThrottleReadBpsDevice)
		h.BlkioDeviceWriteBps = throttles(b.ThrottleWriteBpsDevice)
		h.BlkioDeviceReadIOps = throttles(b.ThrottleReadIOPSDevice)
		h.BlkioDeviceWriteIOps = throttles(b.ThrottleWriteIOPSDevice)
	}
}

// cgroupNSMode is Podman's HostConfig.CgroupMode: the cgroup namespace.
func cgroupNSMode(flag string, spec *specs.Spec) string {
	if spec != nil && spec.Linux != nil {
		for _, ns := range spec.Linux.Namespaces {
			if ns.Type == specs.CgroupNamespace {
				if ns.Path != "" {
					return "ns:" + ns.Path
				}
				return "private"
			}
		}
		return "host"
	}
	switch {
	case flag != "":
		return flag
	case cgroupV2():
		return "private"
	}
	return "host"
}

func throttles(ds []specs.LinuxThrottleDevice) []InspectBlkioThrottleDevice {
	var out []InspectBlkioThrottleDevice
	for _, d := range ds {
		out = append(out, InspectBlkioThrottleDevice{Path: devicePath(d.Major, d.Minor), Rate: d.Rate})
	}
	return out
}

// devicePath finds the block device node of major:minor under /dev (the
// spec has only the numbers), as Podman shows the path.
func devicePath(major, minor int64) string {
	for _, dir := range []string{"/dev", "/dev/mapper"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			var st syscall.Stat_t
			if syscall.Stat(p, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFBLK && st.Mode&syscall.S_IFMT != syscall.S_IFCHR {
				continue
			}
			if int64(unixMajor(st.Rdev)) == major && int64(unixMinor(st.Rdev)) == minor {
				return p
			}
		}
	}
	return fmt.Sprintf("%d:%d", major, minor)
}

func unixMajor(dev uint64) uint64 { return (dev >> 8) & 0xfff }
func unixMinor(dev uint64) uint64 { return (dev & 0xff) | ((dev >> 12) & 0xfff00) }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

package libpod

import (
	"path/filepath"
	"sort"
	"strings"

	units "github.com/docker/go-units"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/libpod/internal/specgen"
)

// runtimeSeccompAnnotation carries the compiled seccomp filter a runtime kind
// may add to the spec it writes for the runtime (crun's precompiled filter):
// not the user's, so inspect leaves it out as Podman has none.
const runtimeSeccompAnnotation = "run.oci.seccomp_bpf_data"

// InspectDevice is one entry of HostConfig.Devices (--device).
type InspectDevice struct {
	PathOnHost        string `json:"PathOnHost"`
	PathInContainer   string `json:"PathInContainer"`
	CgroupPermissions string `json:"CgroupPermissions"`
}

// inspectDevices shows --device HOST[:CONTAINER[:PERMS]] values as Podman.
func inspectDevices(devs []string) []InspectDevice {
	out := []InspectDevice{}
	for _, d := range devs {
		parts := strings.SplitN(d, ":", 3)
		dev := InspectDevice{PathOnHost: parts[0], PathInContainer: parts[0]}
		if len(parts) > 1 && parts[1] != "" {
			dev.PathInContainer = parts[1]
		}
		if len(parts) > 2 {
			dev.CgroupPermissions = parts[2]
		}
		out = append(out, dev)
	}
	return out
}

// tmpfsDefaultOptions are the options Podman shows for a --tmpfs without any.
const tmpfsDefaultOptions = "rw,rprivate,nosuid,nodev,tmpcopyup"

// inspectTmpfs shows --tmpfs DST[:OPTS] values as Podman: destination →
// options.
func inspectTmpfs(tmpfs []string) map[string]string {
	out := map[string]string{}
	for _, t := range tmpfs {
		dst, opts, _ := strings.Cut(t, ":")
		out[dst] = firstNonEmpty(opts, tmpfsDefaultOptions)
	}
	return out
}

// inspectBaseCaps is the bounding set Podman 4.3.1 compares a container's
// with to show CapAdd and CapDrop (runtime-tools' default set).
var inspectBaseCaps = []string{
	"CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_MKNOD",
	"CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT",
}

// capAddDrop are HostConfig.CapAdd and CapDrop as Podman shows them: the
// capabilities of the spec's bounding set beyond the base set (every
// capability the kernel knows when privileged), and those of the base set
// it lacks, sorted.
func capAddDrop(spec *specs.Spec, privileged bool) (add, drop []string) {
	add, drop = []string{}, []string{}
	if spec == nil || spec.Process == nil || spec.Process.Capabilities == nil {
		return add, drop
	}
	base := inspectBaseCaps
	if privileged {
		base = specgen.KernelCaps()
	}
	left := make(map[string]bool, len(base))
	for _, c := range base {
		left[c] = true
	}
	for _, c := range spec.Process.Capabilities.Bounding {
		if left[c] {
			delete(left, c)
		} else {
			add = append(add, c)
		}
	}
	for c := range left {
		drop = append(drop, c)
	}
	sort.Strings(drop)
	return add, drop
}

// ownFileDests are where pod binds the files it manages in a container.
var ownFileDests = map[string]bool{"/etc/hosts": true, "/etc/hostname": true, "/etc/resolv.conf": true, "/run/.containerenv": true, "/dev/shm": true}

// ownFile reports whether m binds one of the files pod manages for the
// container (from its own directories): Podman's Mounts lists only the
// user's mounts.
func (c *Container) ownFile(m specs.Mount) bool {
	if !ownFileDests[m.Destination] {
		return false
	}
	for _, d := range []string{c.runDir(), c.staticDir(), c.persistDir()} {
		if rel, err := filepath.Rel(d, m.Source); err == nil && !strings.HasPrefix(rel, "..") {
			return true
		}
	}
	return false
}

// logSizeText is HostConfig.LogConfig.Size as Podman 4.3.1 writes it, in
// decimal units (units.HumanSize): "10kB", "1.5kB", "1MB"; "0B" when there
// is no limit.
func logSizeText(n int64) string {
	if n <= 0 {
		return "0B"
	}
	return units.HumanSize(float64(n))
}

// specMounts are the user's bind and overlay mounts of spec (volumes are
// listed from the container's records). b.initialized: spec is the
// runtime spec (else a preview of it, whose overlay mounts Podman does not
// list yet).
func (c *Container) specMounts(spec *specs.Spec, b inspectBindList) []InspectMount {
	vols := map[string]bool{}
	for _, m := range c.config.Volumes {
		vols[m.Destination] = true
	}
	for _, d := range inspectDevices(c.config.Spec.Devices) {
		vols[d.PathInContainer] = true // a rootless --device is a bind: still a device
	}
	out := []InspectMount{}
	for _, m := range spec.Mounts {
		if c.ownFile(m) || vols[m.Destination] {
			continue // pod's files (/etc/hosts, /dev/shm…): Podman lists only the user's mounts
		}
		switch m.Type {
		case "bind":
			opts := m.Options
			if v, ok := b.byDest[m.Destination]; ok && v.Type == "bind" {
				opts = v.Options // Podman's options, as given
			}
			out = append(out, inspectMountOf("bind", m.Source, m.Destination, opts))
		case "overlay":
			if b.initialized {
				out = append(out, overlayInspectMount(m))
			}
		}
	}
	return out
}

package libpod

import (
	"os"
	"path/filepath"

	"github.com/pod-engine/pod/libpod/internal/specgen"
)

// hostInfo describes the caller and host for spec generation.
func (r *Runtime) hostInfo(c *Container) (*specgen.Host, error) {
	h, err := specgen.ProbeHost()
	if err != nil {
		return nil, err
	}
	h.Env = os.Environ()
	h.CgroupManager = r.cfg.Engine.CgroupManager
	h.RuntimeName = filepath.Base(c.config.Runtime.Path)
	return h, nil
}

// specDefaults maps containers.conf [containers] onto specgen's defaults.
func (r *Runtime) specDefaults() *specgen.Defaults {
	cc := &r.cfg.Containers
	return &specgen.Defaults{
		Capabilities:   cc.DefaultCapabilities.Get(),
		Ulimits:        cc.DefaultUlimits.Get(),
		Env:            cc.Env.Get(),
		PidsLimit:      cc.PidsLimit,
		ShmSize:        cc.ShmSize,
		SeccompProfile: cc.SeccompProfile,
		InitPath:       r.initPath(),
		ReadOnly:       cc.ReadOnly,
		Umask:          cc.Umask,
		Sysctls:        cc.DefaultSysctls.Get(),
		Devices:        cc.Devices.Get(),
		Annotations:    cc.Annotations.Get(),
		Cgroups:        cc.Cgroups,
		CgroupNS:       cc.CgroupNS,
		IPCNS:          cc.IPCNS,
		UTSNS:          cc.UTSNS,
		PIDNS:          cc.PidNS,
		NetNS:          cc.NetNS,
		Mounts:         cc.Mounts.Get(),
		Tz:             cc.TZ,
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// initPath is containers.conf's init binary (catatonit), if one is found.
func (r *Runtime) initPath() string {
	p, err := r.cfg.FindInitBinary()
	if err != nil {
		return ""
	}
	return p
}

package specgen

// TEMPORARY: replaced by the real generator on merge of the specgen branch.

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func Validate(o *Options) error { return nil }

func Generate(id string, o *Options, img *Image, d *Defaults, h *Host, rootfs string) (*specs.Spec, *Result, error) {
	args := o.Command
	if len(args) == 0 {
		args = img.Cmd
	}
	s := &specs.Spec{
		Version: "1.0.2-dev",
		Root:    &specs.Root{Path: rootfs},
		Process: &specs.Process{
			Args: args, Cwd: "/", Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
			Terminal: o.Terminal,
			Capabilities: &specs.LinuxCapabilities{
				Bounding:  []string{"CAP_KILL", "CAP_SETUID", "CAP_SETGID"},
				Effective: []string{"CAP_KILL", "CAP_SETUID", "CAP_SETGID"},
				Permitted: []string{"CAP_KILL", "CAP_SETUID", "CAP_SETGID"},
			},
		},
		Hostname: id[:12],
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc"},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
			{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
		},
		Linux: &specs.Linux{
			CgroupsPath: "/pod/" + id,
			Namespaces: []specs.LinuxNamespace{
				{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace}, {Type: specs.IPCNamespace},
				{Type: specs.UTSNamespace}, {Type: specs.MountNamespace},
			},
		},
	}
	return s, &Result{StopSignal: 15}, nil
}

func CurrentHost() (*Host, error) { return &Host{}, nil }

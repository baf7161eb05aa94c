package oci

import specs "github.com/opencontainers/runtime-spec/specs-go"

// linuxCaps37 are the capabilities up to CAP_AUDIT_READ (37). runsc releases
// of 2022 refuse any other name ("unknown capability CAP_PERFMON"), which a
// --privileged container on a newer kernel asks for.
var linuxCaps37 = map[string]bool{}

func init() {
	for _, c := range []string{
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
		"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
		"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
		"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
		"CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
		"CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
		"CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
		"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	} {
		linuxCaps37[c] = true
	}
}

// adaptProcess removes what the runtime cannot take from a process spec.
func (q quirks) adaptProcess(p *specs.Process) {
	if !q.runsc || p == nil || p.Capabilities == nil {
		return
	}
	keep := func(caps []string) []string {
		var out []string
		for _, c := range caps {
			if linuxCaps37[c] {
				out = append(out, c)
			}
		}
		return out
	}
	c := p.Capabilities
	c.Bounding, c.Effective, c.Permitted = keep(c.Bounding), keep(c.Effective), keep(c.Permitted)
	c.Inheritable, c.Ambient = keep(c.Inheritable), keep(c.Ambient)
}

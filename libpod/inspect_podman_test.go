package libpod

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// CapAdd/CapDrop, Devices and a created container's Env as Podman 4.3.1
// shows them (values seen from podman inspect here).
func TestInspectPodmanShapes(t *testing.T) {
	spec := func(bounding ...string) *specs.Spec {
		return &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{Bounding: bounding}}}
	}
	def := []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE",
		"CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT"}
	cases := []struct {
		spec      *specs.Spec
		add, drop []string
	}{
		{spec(def...), []string{}, []string{"CAP_AUDIT_WRITE", "CAP_MKNOD", "CAP_NET_RAW"}},
		{spec(append(def[1:], "CAP_NET_ADMIN", "CAP_SYS_ADMIN")...), []string{"CAP_NET_ADMIN", "CAP_SYS_ADMIN"},
			[]string{"CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_MKNOD", "CAP_NET_RAW"}},
		{spec(), []string{}, inspectBaseCaps},
		{nil, []string{}, []string{}},
	}
	for _, c := range cases {
		add, drop := capAddDrop(c.spec, false)
		if !reflect.DeepEqual(add, c.add) || !reflect.DeepEqual(drop, c.drop) {
			t.Errorf("capAddDrop: %v %v, want %v %v", add, drop, c.add, c.drop)
		}
	}
	devs := inspectDevices([]string{"/dev/null:/dev/xnull", "/dev/zero", "/dev/fuse:/dev/fuse:rw"})
	want := []InspectDevice{{"/dev/null", "/dev/xnull", ""}, {"/dev/zero", "/dev/zero", ""}, {"/dev/fuse", "/dev/fuse", "rw"}}
	if !reflect.DeepEqual(devs, want) {
		t.Errorf("inspectDevices: %+v", devs)
	}
	env := withoutStartEnv([]string{"PATH=/bin", "HOME=/", "HOSTNAME=abc", "A=1"}, []string{"HOSTNAME=mine"}, nil)
	if !reflect.DeepEqual(env, []string{"PATH=/bin", "HOSTNAME=abc", "A=1"}) {
		t.Errorf("withoutStartEnv: %v", env)
	}
}

package specgen

import (
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// An ordinary user's --device is a bind of the host's node at the
// container's path: a renamed device, a device of a directory, and the
// permissions decide ro or rw.
func TestDeviceBind(t *testing.T) {
	for _, c := range []struct {
		r         deviceReq
		d         specs.LinuxDevice
		src, perm string
	}{
		{deviceReq{Host: "/dev/null", Ctr: "/dev/xnull", Perms: "rwm"}, specs.LinuxDevice{Path: "/dev/xnull"}, "/dev/null", "rw"},
		{deviceReq{Host: "/dev/snd", Ctr: "/dev/snd", Perms: "r"}, specs.LinuxDevice{Path: "/dev/snd/timer"}, "/dev/snd/timer", "ro"},
		{deviceReq{Host: "/dev/dri", Ctr: "/dev/gpu", Perms: "rw"}, specs.LinuxDevice{Path: "/dev/gpu/card0"}, "/dev/dri/card0", "rw"},
	} {
		m := deviceBind(c.r, c.d)
		if m.Type != "bind" || m.Source != c.src || m.Destination != c.d.Path || !slices.Contains(m.Options, c.perm) || !slices.Contains(m.Options, "rbind") {
			t.Errorf("deviceBind(%+v, %s) = %+v, want a bind of %s at %s, %s", c.r, c.d.Path, m, c.src, c.d.Path, c.perm)
		}
	}
}

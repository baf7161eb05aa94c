package libpod

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// A rootless namespace's identity keeps its extents apart: one extent
// across the user's own id and its subordinate range is refused by the
// kernel (EPERM writing gid_map).
func TestSameIDsKeepsExtents(t *testing.T) {
	ns := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1001, Size: 1}, {ContainerID: 1, HostID: 100000, Size: 65536}}
	want := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: 1, HostID: 1, Size: 65536}}
	if got := sameIDs(ns); !reflect.DeepEqual(got, want) {
		t.Fatalf("sameIDs(%v) = %v, want %v", ns, got, want)
	}
	if !isIdentity(sameIDs(ns)) {
		t.Fatal("sameIDs is not an identity")
	}
}

func TestIdentityAsRoot(t *testing.T) {
	u, g, err := identity(false)
	if err != nil || len(u) != 1 || u[0] != (specs.LinuxIDMapping{Size: 4294967295}) || !reflect.DeepEqual(u, g) {
		t.Fatalf("identity(false) = %v %v %v", u, g, err)
	}
}

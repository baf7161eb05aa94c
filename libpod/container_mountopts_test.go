package libpod

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestOverlayInspectMount(t *testing.T) {
	got := overlayInspectMount(specs.Mount{Destination: "/d", Type: "overlay", Source: "overlay",
		Options: []string{"lowerdir=/src", "upperdir=/u", "workdir=/w", "private"}})
	want := InspectMount{Type: "bind", Source: "/src", Destination: "/d", Options: []string{"lowerdir=/src", "upperdir=/u", "workdir=/w"}, RW: true, Propagation: "private"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

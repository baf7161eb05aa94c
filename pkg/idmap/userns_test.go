package idmap

import (
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"go.podman.io/storage/pkg/unshare"
)

func TestOfUserNSOwnNamespace(t *testing.T) {
	want, wantG, err := unshare.GetHostIDMappings("")
	if err != nil {
		t.Skip(err)
	}
	for _, p := range []string{"/proc/self/ns/user", "/proc/" + strconv.Itoa(os.Getpid()) + "/ns/user"} {
		uids, gids, err := OfUserNS(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if !reflect.DeepEqual(uids, want) || !reflect.DeepEqual(gids, wantG) {
			t.Fatalf("%s: got %v %v, want %v %v", p, uids, gids, want, wantG)
		}
	}
}

func TestOfUserNSBadPaths(t *testing.T) {
	for p, msg := range map[string]string{
		"/proc/self/ns/net": "is not a user namespace",
		"/etc/hostname":     "is not a user namespace",
		"/no/such/ns":       "no such file or directory",
	} {
		_, _, err := OfUserNS(p)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: got %v, want an error with %q", p, err, msg)
		}
	}
}

func TestNSCandidatesPidFirst(t *testing.T) {
	c := nsCandidates("/proc/42/ns/user")
	if len(c) == 0 || c[0] != "42" {
		t.Fatalf("candidates of /proc/42/ns/user start with %v", c[:min(len(c), 3)])
	}
	if c := nsCandidates("/proc/self/ns/user"); len(c) > 0 && c[0] == "self" {
		t.Fatalf("self is not a pid: %v", c[:1])
	}
}

package ocirt

import (
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestRuntimeErrorClasses(t *testing.T) {
	cases := map[string]int{
		// Missing commands, as runc, crun and runsc word them: 127.
		`runc create failed: unable to start container process: exec: "/x": stat /x: no such file or directory`:              127,
		"executable file `/x` not found in $PATH: No such file or directory":                                                 127,
		`executing processes for container: executing command "/x" in sandbox: failed to load /x: no such file or directory`: 127,
		// Cannot invoke: 126.
		"setrlimit `RLIMIT_NOFILE`: Operation not permitted": 126,
		`exec: "/etc": permission denied`:                    126,
		// Other missing files are pod-level failures: 125.
		"creating cgroup directory `/sys/fs/cgroup/hugetlb/pod/x`: No such file or directory": 125,
		"mount `/src` to `/dst`: No such file or directory":                                   125,
		"unknown version specified":                                                           125,
	}
	for msg, want := range cases {
		if got := errdefs.ExitCode(RuntimeError("crun", msg)); got != want {
			t.Errorf("%q: exit code %d, want %d", msg, got, want)
		}
	}
}

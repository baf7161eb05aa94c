package main

import (
	"math/rand"
	"syscall"
)

// runrootReadOnly makes the runroot (a tmpfs of its own, as /run is)
// read-only while a container runs: reads (ps, inspect, logs) must still
// work and show the true states, writes must fail with exit 125 and a
// message naming the read-only mount and the fix, and nothing half-made may
// stay; once it is writable again everything works and rm -fa cleans up.
func runrootReadOnly(c *config, churn *podEnv, _ *rand.Rand, f *faultResult) {
	remount := func(e *podEnv, flags uintptr) error {
		return syscall.Mount("", e.runroot, "", syscall.MS_REMOUNT|flags, "")
	}
	mountFault(c, churn, f, mountFaultSpec{
		name: "runroot-ro", when: "runroot read-only", size: "64m",
		dir:    func(e *podEnv) string { return e.runroot },
		inject: func(e *podEnv) error { return remount(e, syscall.MS_RDONLY) },
		writes: func(e *podEnv, running, exited string) [][]string {
			return [][]string{
				append(append([]string{"run", "--rm"}, e.ctrArgs()...), image, "true"),
				append(append([]string{"create", "--name", "ro-new"}, e.ctrArgs()...), image, "true"),
				{"stop", "-t", "0", running},
				{"rm", exited},
			}
		},
		wantErr: func(dir string) string { return "the file system under " + dir + " is mounted read-only" },
		recover: func(e *podEnv) error { return remount(e, 0) },
	})
}

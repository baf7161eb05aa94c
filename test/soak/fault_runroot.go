package main

import (
	"math/rand"
	"strings"
	"syscall"
	"time"
)

// runrootReadOnly makes the runroot (a tmpfs of its own, as /run is)
// read-only while a container runs: reads (ps, inspect, logs) must still
// work and show the true states, writes must fail with exit 125 and a
// message naming the read-only mount and the fix, and nothing half-made may
// stay; once it is writable again everything works and rm -fa cleans up.
func runrootReadOnly(c *config, churn *podEnv, _ *rand.Rand, f *faultResult) {
	var runroot string
	e, baseline := freshEnv(c, churn, f, "runroot-ro", func(e *podEnv) error {
		runroot = e.runroot
		return syscall.Mount("tmpfs", e.runroot, "tmpfs", 0, "size=64m,mode=0700")
	})
	if runroot != "" {
		defer func() {
			if err := syscall.Unmount(runroot, syscall.MNT_DETACH); err != nil {
				f.problem("unmounting the tmpfs %s: %v", runroot, err)
			}
		}()
	}
	if e == nil {
		return
	}
	f.Rounds = 1
	running, exited := "ro-running", "ro-exited"
	e.runD(f, running, "sleep", "1000")
	if r := e.run(append(append([]string{"run", "--name", exited}, e.ctrArgs()...), image, "sh", "-c", "echo hello; exit 3")...); r.code != 3 {
		f.problem("run %s: %s", exited, r)
	}
	time.Sleep(1500 * time.Millisecond)
	remount := func(flags uintptr) bool {
		if err := syscall.Mount("", runroot, "", syscall.MS_REMOUNT|flags, ""); err != nil {
			f.problem("remounting %s: %v", runroot, err)
			return false
		}
		return true
	}
	if !remount(syscall.MS_RDONLY) {
		return
	}

	// Reads work.
	if names := e.psAnswers(f, "runroot read-only"); !contains(names, running) || !contains(names, exited) {
		f.problem("runroot read-only: ps -a lists %q, want %s and %s", names, running, exited)
	}
	if st, err := e.inspect(running, exited); err != nil {
		f.problem("runroot read-only: inspect: %v", err)
	} else if st[0].status != "running" || st[1].status != "exited" || st[1].exitCode != 3 {
		f.problem("runroot read-only: inspect says %+v", st)
	}
	if r := e.run("logs", exited); r.code != 0 || strings.TrimSpace(r.stdout) != "hello" {
		f.problem("runroot read-only: logs: %s", r)
	}
	// Writes fail, and say why.
	for _, args := range [][]string{
		append(append([]string{"run", "--rm"}, e.ctrArgs()...), image, "true"),
		append(append([]string{"create", "--name", "ro-new"}, e.ctrArgs()...), image, "true"),
		{"stop", "-t", "0", running},
		{"rm", exited},
	} {
		r := e.run(args...)
		if want := "the file system under " + runroot + " is mounted read-only"; r.code != 125 || !strings.Contains(r.stderr, want) {
			f.problem("runroot read-only: want exit 125 and %q: %s", want, r)
		} else {
			f.note("runroot read-only: %s", r)
		}
	}
	e.trueStates(f, "runroot read-only", 2*time.Second)

	// Writable again: everything works, the failed commands left nothing.
	if !remount(0) {
		return
	}
	if names := e.psAnswers(f, "runroot writable"); len(names) != 2 {
		f.problem("runroot writable again: ps -a lists %q, want only %s and %s", names, running, exited)
	}
	if r := e.run(append(append([]string{"run", "--rm"}, e.ctrArgs()...), image, "sh", "-c", "exit 6")...); r.code != 6 {
		f.problem("writable again: run --rm: %s", r)
	}
	e.trueStates(f, "runroot writable", 5*time.Second)
	e.finish(f, baseline, runroot)
}

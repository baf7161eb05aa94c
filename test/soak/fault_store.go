package main

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// freshEnv makes a new store for one fault, with the image and one finished
// container in it, and returns it with its file baseline.
func freshEnv(c *config, churn *podEnv, f *faultResult, name string, setup func(e *podEnv) error) (*podEnv, map[string]bool) {
	e := subEnv(c, churn, f, name)
	if e == nil {
		return nil, nil
	}
	if setup != nil {
		if err := setup(e); err != nil {
			f.problem("setting up: %v", err)
			return nil, nil
		}
	}
	if err := e.importImage(c.tarball()); err != nil {
		f.problem("%v", err)
		return nil, nil
	}
	baseline, err := e.prime()
	if err != nil {
		f.problem("%v", err)
		return nil, nil
	}
	return e, baseline
}

// reboot simulates a reboot: every process of the env dies, its mounts go,
// and the runroot and tmp dir (tmpfs on a real host) are wiped while the
// store stays. The next command must reset the states (no container stays
// running), the containers must start again, and rm -fa must clean up.
func reboot(c *config, churn *podEnv, _ *rand.Rand, f *faultResult) {
	e, baseline := freshEnv(c, churn, f, "reboot", nil)
	if e == nil {
		return
	}
	f.Rounds = 1
	run, created, exited := "rb-running", "rb-created", "rb-exited"
	e.runD(f, run, "sleep", "1000")
	if r := e.run(append(append([]string{"create", "--name", created}, e.ctrArgs()...), image, "true")...); r.code != 0 {
		f.problem("create: %s", r)
	}
	if r := e.run(append(append([]string{"run", "--name", exited}, e.ctrArgs()...), image, "sh", "-c", "exit 4")...); r.code != 4 {
		f.problem("run %s: %s", exited, r)
	}
	time.Sleep(1500 * time.Millisecond)
	ids := e.run("ps", "-a", "--no-trunc", "--format", "{{.ID}}")

	// The reboot.
	for _, p := range e.procs() {
		_ = syscall.Kill(p.pid, syscall.SIGKILL)
	}
	for deadline := time.Now().Add(10 * time.Second); len(e.procs()) > 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	mounts := e.mounts()
	for i := len(mounts) - 1; i >= 0; i-- {
		if err := syscall.Unmount(mounts[i], syscall.MNT_DETACH); err != nil {
			f.note("unmounting %s: %v", mounts[i], err)
		}
	}
	wipe := []string{e.runroot, e.tmpdir}
	// A reboot also empties what the runc shim keeps in /run (its runc
	// state, under the shims' namespace "pod"), for these containers only.
	for _, id := range strings.Fields(ids.stdout) {
		wipe = append(wipe, filepath.Join("/run/containerd/runc/pod", id))
	}
	for _, d := range wipe {
		if err := os.RemoveAll(d); err != nil {
			f.problem("wiping %s: %v", d, err)
		}
	}

	e.trueStates(f, "after the reboot", 5*time.Second)
	states, err := e.inspect(run, created, exited)
	if err != nil {
		f.problem("inspect after the reboot: %v", err)
	} else {
		for _, s := range states {
			f.note("after the reboot: %s is %s (exit code %d, error %q)", s.name, s.status, s.exitCode, s.err)
			switch {
			case s.name == run && (s.status != "exited" || s.pid != 0):
				f.problem("%s ran before the reboot and is now %+v, want exited", s.name, s)
			case s.name == exited && (s.status != "exited" || s.exitCode != 4):
				f.problem("%s exited 4 before the reboot and is now %+v", s.name, s)
			case s.name == created && s.status != "created" && s.status != "configured":
				f.problem("%s was created before the reboot and is now %+v", s.name, s)
			}
		}
	}
	// Everything works again: start the old containers, run a new one.
	for _, n := range []string{run, created} {
		if r := e.run("start", n); r.code != 0 {
			f.problem("start %s after the reboot: %s", n, r)
		}
	}
	if r := e.run("wait", created); r.code != 0 || strings.TrimSpace(r.stdout) != "0" {
		f.problem("wait %s after the reboot: %s", created, r)
	}
	if r := e.run(append(append([]string{"run", "--rm"}, e.ctrArgs()...), image, "sh", "-c", "exit 5")...); r.code != 5 {
		f.problem("run --rm after the reboot: %s", r)
	}
	e.trueStates(f, "after restarting", 5*time.Second)
	e.finish(f, baseline)
}

// diskFull fills the disk under the store (a small tmpfs as --root): reads
// (ps, inspect, logs) must still work, writes must fail with exit 125 and a
// message saying the disk is full; once space is freed, everything works and
// rm -fa cleans up.
func diskFull(c *config, churn *podEnv, _ *rand.Rand, f *faultResult) {
	var root string
	e, baseline := freshEnv(c, churn, f, "diskfull", func(e *podEnv) error {
		root = e.root
		return syscall.Mount("tmpfs", e.root, "tmpfs", 0, "size=48m,mode=0700")
	})
	if root != "" {
		defer func() {
			if err := syscall.Unmount(root, syscall.MNT_DETACH); err != nil {
				f.problem("unmounting the tmpfs %s: %v", root, err)
			}
		}()
	}
	if e == nil {
		return
	}
	f.Rounds = 1
	runName, exited := "df-running", "df-exited"
	e.runD(f, runName, "sleep", "1000")
	if r := e.run(append(append([]string{"run", "--name", exited}, e.ctrArgs()...), image, "sh", "-c", "echo hello; exit 3")...); r.code != 3 {
		f.problem("run %s: %s", exited, r)
	}
	time.Sleep(1500 * time.Millisecond)

	filler := filepath.Join(e.root, "filler")
	if err := fill(filler); err != nil {
		f.problem("filling the disk: %v", err)
		return
	}
	var fs syscall.Statfs_t
	if syscall.Statfs(e.root, &fs) == nil {
		f.note("disk full: %d bytes free", fs.Bavail*uint64(fs.Bsize))
	}

	// Reads work.
	if names := e.psAnswers(f, "disk full"); !contains(names, runName) || !contains(names, exited) {
		f.problem("disk full: ps -a lists %q, want %s and %s", names, runName, exited)
	}
	if st, err := e.inspect(runName, exited); err != nil {
		f.problem("disk full: inspect: %v", err)
	} else if st[0].status != "running" || st[1].status != "exited" || st[1].exitCode != 3 {
		f.problem("disk full: inspect says %+v", st)
	}
	if r := e.run("logs", exited); r.code != 0 || strings.TrimSpace(r.stdout) != "hello" {
		f.problem("disk full: logs: %s", r)
	}
	// Writes fail, and say why.
	for _, args := range [][]string{
		append(append([]string{"run", "--rm"}, e.ctrArgs()...), image, "true"),
		append(append([]string{"create", "--name", "df-new"}, e.ctrArgs()...), image, "true"),
		{"rename", exited, "df-renamed"}, // the state database alone
	} {
		r := e.run(args...)
		if r.code != 125 || !strings.Contains(r.stderr, "no space left on device") {
			f.problem("disk full: want exit 125 and 'no space left on device': %s", r)
		} else {
			f.note("disk full: %s", r)
		}
	}
	e.trueStates(f, "disk full", 2*time.Second)

	// Space again: everything works.
	if err := os.Remove(filler); err != nil {
		f.problem("removing the filler: %v", err)
	}
	if r := e.run(append(append([]string{"run", "--rm"}, e.ctrArgs()...), image, "sh", "-c", "exit 6")...); r.code != 6 {
		f.problem("space again: run --rm: %s", r)
	}
	e.trueStates(f, "space again", 5*time.Second)
	e.finish(f, baseline, root)
}

// fill writes path until the file system is full.
func fill(path string) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	for _, size := range []int{1 << 20, 4096, 1} {
		buf := make([]byte, size)
		for {
			if _, err := fh.Write(buf); err != nil {
				if errors.Is(err, syscall.ENOSPC) {
					break
				}
				return fmt.Errorf("writing %s: %w", path, err)
			}
		}
	}
	return nil
}

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
	var filler string
	mountFault(c, churn, f, mountFaultSpec{
		name: "diskfull", when: "disk full", size: "48m",
		dir: func(e *podEnv) string { return e.root },
		inject: func(e *podEnv) error {
			filler = filepath.Join(e.root, "filler")
			if err := fill(filler); err != nil {
				return fmt.Errorf("filling the disk: %w", err)
			}
			var fs syscall.Statfs_t
			if syscall.Statfs(e.root, &fs) == nil {
				f.note("disk full: %d bytes free", fs.Bavail*uint64(fs.Bsize))
			}
			return nil
		},
		writes: func(e *podEnv, _, exited string) [][]string {
			return [][]string{
				append(append([]string{"run", "--rm"}, e.ctrArgs()...), image, "true"),
				append(append([]string{"create", "--name", "df-new"}, e.ctrArgs()...), image, "true"),
				{"rename", exited, "df-renamed"}, // the state database alone
			}
		},
		wantErr: func(string) string { return "no space left on device" },
		recover: func(*podEnv) error { return os.Remove(filler) },
	})
}

// mountFaultSpec is a fault of the file system under one of the env's
// directories, made a tmpfs of its own (mountFault).
type mountFaultSpec struct {
	name, when, size string
	dir              func(e *podEnv) string // the directory to mount over
	inject           func(e *podEnv) error  // the fault, once two containers exist
	// writes are commands that must now fail (given the running and the
	// exited container's names) with exit 125 and wantErr(dir) in stderr.
	writes  func(e *podEnv, running, exited string) [][]string
	wantErr func(dir string) string
	recover func(e *podEnv) error // undo the fault
}

// mountFault runs a file-system fault: with a running and an exited
// container, after inject reads (ps, inspect, logs) must still work and
// show the true states, the writes must fail saying why and leave nothing
// half-made, and after recover everything works and rm -fa cleans up.
func mountFault(c *config, churn *podEnv, f *faultResult, s mountFaultSpec) {
	var dir string
	e, baseline := freshEnv(c, churn, f, s.name, func(e *podEnv) error {
		dir = s.dir(e)
		return syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+s.size+",mode=0700")
	})
	if dir != "" {
		defer func() {
			if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
				f.problem("unmounting the tmpfs %s: %v", dir, err)
			}
		}()
	}
	if e == nil {
		return
	}
	f.Rounds = 1
	running, exited := s.name+"-running", s.name+"-exited"
	e.runD(f, running, "sleep", "1000")
	if r := e.run(append(append([]string{"run", "--name", exited}, e.ctrArgs()...), image, "sh", "-c", "echo hello; exit 3")...); r.code != 3 {
		f.problem("run %s: %s", exited, r)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := s.inject(e); err != nil {
		if errors.Is(err, syscall.EBUSY) {
			// A file open for writing there (a shim keeps its logs open)
			// keeps the kernel from remounting: the fault cannot be made.
			f.note("%s: not injected with runtime %s: %v", s.when, e.runtime, err)
		} else {
			f.problem("%s: %v", s.when, err)
		}
		e.finish(f, baseline, dir)
		return
	}

	// Reads work.
	if names := e.psAnswers(f, s.when); !contains(names, running) || !contains(names, exited) {
		f.problem("%s: ps -a lists %q, want %s and %s", s.when, names, running, exited)
	}
	if st, err := e.inspect(running, exited); err != nil {
		f.problem("%s: inspect: %v", s.when, err)
	} else if st[0].status != "running" || st[1].status != "exited" || st[1].exitCode != 3 {
		f.problem("%s: inspect says %+v", s.when, st)
	}
	if r := e.run("logs", exited); r.code != 0 || strings.TrimSpace(r.stdout) != "hello" {
		f.problem("%s: logs: %s", s.when, r)
	}
	// Writes fail, and say why.
	want := s.wantErr(dir)
	for _, args := range s.writes(e, running, exited) {
		r := e.run(args...)
		if r.code != 125 || !strings.Contains(r.stderr, want) {
			f.problem("%s: want exit 125 and %q: %s", s.when, want, r)
		} else {
			f.note("%s: %s", s.when, r)
		}
	}
	e.trueStates(f, s.when, 2*time.Second)

	// Recovered: the failed commands left nothing, everything works.
	if err := s.recover(e); err != nil {
		f.problem("%s: recovering: %v", s.when, err)
		return
	}
	if names := e.psAnswers(f, "recovered"); len(names) != 2 {
		f.problem("%s, recovered: ps -a lists %q, want only %s and %s", s.when, names, running, exited)
	}
	if r := e.run(append(append([]string{"run", "--rm"}, e.ctrArgs()...), image, "sh", "-c", "exit 6")...); r.code != 6 {
		f.problem("%s, recovered: run --rm: %s", s.when, r)
	}
	e.trueStates(f, "recovered", 5*time.Second)
	e.finish(f, baseline, dir)
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

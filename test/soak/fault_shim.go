package main

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// killShim SIGKILLs the containerd shim (containerd-shim-*, not pod-shim)
// of a running container, on shim runtimes only. `ps -a` must answer at once
// (pod must not wait on the dead shim's socket) with a true state, the
// bystander (its own shim) must be untouched, the container's process must
// end either by itself or by a kill or `rm -f`, and rm -fa must leave nothing,
// the runc state outside the runroot included.
func killShim(c *config, e *podEnv, rng *rand.Rand, f *faultResult) {
	if !strings.HasPrefix(e.runtime, "io.containerd.") {
		f.note("runtime %s has no containerd shim: nothing to kill", e.runtime)
		return
	}
	baseline := e.files()
	b := e.startBystander(f)
	for i := 0; i < c.rounds; i++ {
		f.Rounds++
		name := fmt.Sprintf("kill-shim_%d_%s", i, e.token[:6])
		if !e.runD(f, name, "sleep", "1000") {
			continue
		}
		r := e.run("inspect", "--format", "{{.ID}}", name)
		id := strings.TrimSpace(r.stdout)
		st, err := e.inspect(name)
		shim := shimOf(id)
		if r.code != 0 || err != nil || shim <= 0 {
			f.problem("%s: no shim process for %q (%v %s)", name, id, err, r)
			continue
		}
		before := e.run("ps", "-a").dur
		time.Sleep(time.Duration(rng.Int63n(int64(300 * time.Millisecond))))
		_ = syscall.Kill(shim, syscall.SIGKILL)
		when := name + " after its shim's SIGKILL"
		e.psPrompt(f, when, before)
		e.trueStates(f, when, 10*time.Second)
		b.check(e, f, when)
		e.endAfterFault(f, name, "shim", st[0].pid, i%2 == 0, func(int) bool { return true })
	}
	e.finish(f, baseline)
}

// psPrompt runs `ps -a` right after a fault: it must answer within a second
// (or three times what it took just before, on a loaded machine).
func (e *podEnv) psPrompt(f *faultResult, when string, before time.Duration) {
	r := e.run("ps", "-a")
	f.MaxPsMs = max(f.MaxPsMs, ms(r.dur))
	if r.code != 0 || r.dur > max(time.Second, 3*before) {
		f.problem("%s: ps -a does not answer promptly (%s before the fault): %s", when, before.Round(time.Millisecond), r)
	}
}

// shimOf returns the pid of the containerd shim serving container id (its
// command line names the id after -id), or 0.
func shimOf(id string) int {
	if id == "" {
		return 0
	}
	cmds, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range cmds {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
		if !strings.HasPrefix(filepath.Base(args[0]), "containerd-shim") {
			continue
		}
		for j := 0; j+1 < len(args); j++ {
			if args[j] == "-id" && args[j+1] == id {
				var pid int
				_, _ = fmt.Sscanf(filepath.Base(filepath.Dir(p)), "%d", &pid)
				return pid
			}
		}
	}
	return 0
}

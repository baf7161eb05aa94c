package main

import (
	"fmt"
	"math/rand"
	"os"
	"strings"
	"syscall"
	"time"
)

// runtimeRemoved removes the runtime binary (as uninstalling its package
// does) while containers of it run, are created and have exited. `ps -a`
// must answer at once with true states; the running container keeps
// running and its exit is still seen when its process dies; stop and rm -f
// end a running one by signals; exec, run and start fail with exit 125
// naming the missing runtime and make nothing; a bystander of another
// runtime binary (the host's) keeps running with its data and answers exec;
// rm -fa (the binary still gone) leaves nothing, runtime state included.
// Each round puts a fresh copy back first. The host's binary is never
// touched; shims have no private copy: the fault says so.
func runtimeRemoved(c *config, churn *podEnv, rng *rand.Rand, f *faultResult) {
	e, baseline, src, bin := privateRuntimeEnv(c, churn, f, "rtremove")
	if e == nil {
		return
	}
	host := *e // the same store, the host's binary
	host.runtime = src
	b := &bystander{name: "bystander_" + e.token[:6]}
	if r := host.run(append(append([]string{"run", "-d", "--name", b.name}, e.ctrArgs()...), image, "sh", "-c", "echo kept >/data; exec sleep 100000")...); r.code != 0 {
		f.problem("starting the bystander: %s", r)
		b = nil
	} else if st, err := host.inspect(b.name); err == nil {
		b.pid = st[0].pid
	}
	for i := 0; i < c.rounds; i++ {
		f.Rounds++
		if err := copyExecutable(src, bin); err != nil {
			f.problem("putting the runtime back: %v", err)
			return
		}
		live, dies := fmt.Sprintf("rtrm-live_%d", i), fmt.Sprintf("rtrm-dies_%d", i)
		created, exited := fmt.Sprintf("rtrm-created_%d", i), fmt.Sprintf("rtrm-exited_%d", i)
		if !e.runD(f, live, "sleep", "100000") || !e.runD(f, dies, "sleep", "100000") {
			continue
		}
		if r := e.run(append(append([]string{"create", "--name", created}, e.ctrArgs()...), image, "true")...); r.code != 0 {
			f.problem("create %s: %s", created, r)
		}
		if r := e.run(append(append([]string{"run", "--name", exited}, e.ctrArgs()...), image, "sh", "-c", "exit 3")...); r.code != 3 {
			f.problem("run %s: %s", exited, r)
		}
		st, err := e.inspect(live, dies)
		if err != nil {
			f.problem("inspect: %v", err)
			continue
		}
		before := e.run("ps", "-a").dur
		time.Sleep(time.Duration(rng.Int63n(int64(200 * time.Millisecond))))
		if err := os.Remove(bin); err != nil {
			f.problem("removing the runtime: %v", err)
			return
		}
		when := fmt.Sprintf("round %d, the runtime removed", i)
		e.psPrompt(f, when, before)
		e.trueStates(f, when, 5*time.Second)
		if now, err := e.inspect(live); err != nil || now[0].status != "running" || now[0].pid != st[0].pid {
			f.problem("%s: %s changed: %+v %v", when, live, now, err)
		}
		e.refused(f, when, "exec", live, "true")
		e.refused(f, when, append(append([]string{"run", "--rm", "--name", fmt.Sprintf("rtrm-new_%d", i)}, e.ctrArgs()...), image, "true")...)
		e.refused(f, when, "start", created)
		// The monitor still sees the exit of a process it watches.
		_ = syscall.Kill(st[1].pid, syscall.SIGKILL)
		if got, ok := e.waitStatus(dies, "exited", 10*time.Second); !ok || got.exitCode != 137 {
			f.problem("%s: %s killed: %+v, want exited 137", when, dies, got)
		}
		if i%2 == 0 {
			if r := e.run("stop", "-t", "1", live); r.code != 0 {
				f.problem("%s: stop %s: %s", when, live, r)
			} else if pidAlive(st[0].pid) {
				f.problem("%s: stop %s left its process %d", when, live, st[0].pid)
			}
		}
		if r := e.run("rm", "-f", "-t", "0", dies, exited); r.code != 0 {
			f.problem("%s: rm -f: %s", when, r)
		}
		e.trueStates(f, when, 5*time.Second)
		checkKept(&host, f, b, when)
	}
	f.note("rm -fa runs with the runtime binary removed")
	e.finish(f, baseline)
}

// refused checks that pod args fails with exit 125 naming the missing
// runtime binary, and that no container was left half made.
func (e *podEnv) refused(f *faultResult, when string, args ...string) {
	n := len(e.psAnswers(f, when))
	r := e.run(args...)
	if r.code != 125 || !strings.Contains(r.stderr, e.runtime) {
		f.problem("%s: want exit 125 naming the missing runtime %s: %s", when, e.runtime, r)
	}
	if m := len(e.psAnswers(f, when)); m != n {
		f.problem("%s: %d containers before, %d after the refused %s", when, n, m, args[0])
	}
}

// checkKept checks that the bystander still runs the same process, answers
// exec and still has the file it wrote.
func checkKept(e *podEnv, f *faultResult, b *bystander, when string) {
	if b == nil {
		return
	}
	st, err := e.inspect(b.name)
	if err != nil || st[0].status != "running" || st[0].pid != b.pid || !pidAlive(b.pid) {
		f.problem("%s: the bystander changed: %+v %v, was pid %d", when, st, err, b.pid)
		return
	}
	if r := e.run("exec", b.name, "cat", "/data"); r.code != 0 || strings.TrimSpace(r.stdout) != "kept" {
		f.problem("%s: the bystander's data: %s", when, r)
	}
}

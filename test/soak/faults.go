package main

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// faultResult is what one fault found. Every problem is a count that must
// be 0; notes are for the reader.
type faultResult struct {
	Name      string   `json:"name"`
	Rounds    int      `json:"rounds"`
	Problems  []string `json:"problems,omitempty"`
	Notes     []string `json:"notes,omitempty"`
	Leaks     *leaks   `json:"leaks,omitempty"`
	MaxPsMs   float64  `json:"max_ps_ms"`
	DurationS float64  `json:"duration_s"`
}

func (f *faultResult) problem(format string, args ...any) {
	f.Problems = append(f.Problems, fmt.Sprintf(format, args...))
}

func (f *faultResult) note(format string, args ...any) {
	if len(f.Notes) < 30 {
		f.Notes = append(f.Notes, fmt.Sprintf(format, args...))
	}
}

// faultFunc injects one fault; churn is the churn env (faults that need a
// fresh store make their own under c.base).
type faultFunc func(c *config, churn *podEnv, rng *rand.Rand, f *faultResult)

var faultTable = map[string]faultFunc{
	"kill-cli-run":     killCLIRun,
	"kill-cli-stop":    killCLIStop,
	"kill-cli-rm":      killCLIRm,
	"kill-cli-create":  killCLICreate,
	"kill-cli-start":   killCLIStart,
	"kill-cli-exec":    killCLIExec,
	"kill-monitor":     killMonitor,
	"kill-container":   killContainer,
	"disk-full":        diskFull,
	"runroot-ro":       runrootReadOnly,
	"reboot":           reboot,
	"runtime-replaced": runtimeReplaced,
	"runtime-removed":  runtimeRemoved,
	"kill-shim":        killShim,
	"netns":            netnsFault,
}

// faultOrder is the order of -faults all.
var faultOrder = []string{"kill-cli-run", "kill-cli-create", "kill-cli-start", "kill-cli-exec", "kill-cli-stop", "kill-cli-rm", "kill-monitor", "kill-shim", "kill-container", "reboot", "disk-full", "runroot-ro", "runtime-replaced", "runtime-removed", "netns"}

func faultNames() string { return strings.Join(faultOrder, ",") }

func parseFaults(s string) ([]string, error) {
	switch s {
	case "all":
		return faultOrder, nil
	case "none", "":
		return nil, nil
	}
	var out []string
	for _, n := range strings.Split(s, ",") {
		if _, ok := faultTable[n]; !ok {
			return nil, fmt.Errorf("unknown fault %q: choose from %s", n, faultNames())
		}
		out = append(out, n)
	}
	return out, nil
}

func runFault(name string, c *config, e *podEnv, rng *rand.Rand) faultResult {
	f := faultResult{Name: name}
	start := time.Now()
	fmt.Fprintf(os.Stderr, "soak: fault %s\n", name)
	faultTable[name](c, e, rng, &f)
	f.DurationS = time.Since(start).Seconds()
	return f
}

// ctrState is what inspect says about a container.
type ctrState struct {
	name, status string
	pid, monPid  int
	exitCode     int
	err          string
}

func (e *podEnv) inspect(names ...string) ([]ctrState, error) {
	r := e.run(append([]string{"inspect", "--format", "{{.Name}}|{{.State.Status}}|{{.State.Pid}}|{{.State.ConmonPid}}|{{.State.ExitCode}}|{{.State.Error}}"}, names...)...)
	if r.code != 0 {
		return nil, fmt.Errorf("%s", r)
	}
	var out []ctrState
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		p := strings.SplitN(line, "|", 6)
		if len(p) < 6 {
			return nil, fmt.Errorf("inspect printed %q", line)
		}
		s := ctrState{name: p[0], status: p[1], err: p[5]}
		s.pid, _ = strconv.Atoi(p[2])
		s.monPid, _ = strconv.Atoi(p[3])
		s.exitCode, _ = strconv.Atoi(p[4])
		out = append(out, s)
	}
	return out, nil
}

// pidAlive reports whether pid runs and is not a zombie.
func pidAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i > 0 && i+2 < len(stat) && stat[i+2] != 'Z' && stat[i+2] != 'X'
}

// psAnswers runs `ps -a` and records its latency; it must succeed.
func (e *podEnv) psAnswers(f *faultResult, when string) []string {
	r := e.run("ps", "-a", "--format", "{{.Names}}")
	f.MaxPsMs = max(f.MaxPsMs, ms(r.dur))
	if r.code != 0 || r.hung {
		f.problem("%s: ps -a does not answer: %s", when, r)
		return nil
	}
	if r.dur > 5*time.Second {
		f.problem("%s: ps -a took %s", when, r.dur)
	}
	if s := strings.TrimSpace(r.stderr); s != "" {
		f.note("%s: ps -a stderr: %s", when, excerpt(s))
	}
	if out := strings.TrimSpace(r.stdout); out != "" {
		return strings.Split(out, "\n")
	}
	return nil
}

// trueStates checks, for up to settle, that every container's state is true:
// a running or paused container has a live process, and none stays in a
// transient state (stopping, removing). It reports what is still false then.
func (e *podEnv) trueStates(f *faultResult, when string, settle time.Duration) {
	deadline := time.Now().Add(settle)
	for {
		names := e.psAnswers(f, when)
		var bad []string
		if len(names) > 0 {
			states, err := e.inspect(names...)
			if err != nil {
				// A container removed between ps and inspect (an exit command): retry.
				bad = append(bad, "inspect: "+err.Error())
			}
			for _, s := range states {
				switch s.status {
				case "running", "paused":
					if !pidAlive(s.pid) {
						bad = append(bad, fmt.Sprintf("%s is %s but its process %d is gone (monitor %d alive: %v; error %q)",
							s.name, s.status, s.pid, s.monPid, pidAlive(s.monPid), s.err))
					}
				case "stopping", "removing":
					bad = append(bad, fmt.Sprintf("%s stays %s (process %d alive: %v, monitor %d alive: %v)",
						s.name, s.status, s.pid, pidAlive(s.pid), s.monPid, pidAlive(s.monPid)))
				}
			}
		}
		if len(bad) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, b := range bad {
				f.problem("%s: %s", when, b)
			}
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// bystander is a container that runs through a fault and must be untouched.
type bystander struct {
	name string
	pid  int
}

func (e *podEnv) startBystander(f *faultResult) *bystander {
	b := &bystander{name: "bystander_" + e.token[:6]}
	r := e.run(append(append([]string{"run", "-d", "--name", b.name}, e.ctrArgs()...), image, "sleep", "100000")...)
	if r.code != 0 {
		f.problem("starting the bystander: %s", r)
		return nil
	}
	if st, err := e.inspect(b.name); err == nil {
		b.pid = st[0].pid
	}
	return b
}

// check verifies that the bystander still runs the same process and answers exec.
func (b *bystander) check(e *podEnv, f *faultResult, when string) {
	if b == nil {
		return
	}
	st, err := e.inspect(b.name)
	switch {
	case err != nil:
		f.problem("%s: the bystander is gone: %v", when, err)
		return
	case st[0].status != "running" || st[0].pid != b.pid || !pidAlive(b.pid):
		f.problem("%s: the bystander changed: %+v, was pid %d", when, st[0], b.pid)
		return
	}
	if r := e.run("exec", b.name, "true"); r.code != 0 {
		f.problem("%s: exec in the bystander: %s", when, r)
	}
}

// finish removes everything with rm -fa and counts what is left against
// the store's baseline.
func (e *podEnv) finish(f *faultResult, baseline map[string]bool, ownMounts ...string) {
	if r := e.run("rm", "-fa", "-t", "0"); r.code != 0 {
		f.problem("rm -fa: %s", r)
	}
	f.Leaks = e.checkLeaks(baseline, 15*time.Second, strings.HasPrefix(f.Name, "kill-cli") || f.Name == "reboot", ownMounts...)
	if f.Leaks.total() > 0 {
		e.purge(ownMounts...)
	}
	for _, ex := range f.Leaks.Examples {
		f.note("%s", ex)
	}
}

// killAt starts pod args and SIGKILLs it after delay (when it still runs).
// It reports whether the kill landed.
func (e *podEnv) killAt(delay time.Duration, args ...string) (bool, error) {
	cmd := e.command(context.Background(), args...)
	if err := cmd.Start(); err != nil {
		return false, err
	}
	done := make(chan int, 1) // its exit code
	go func() { done <- exitCode(cmd.Wait()) }()
	select {
	case <-done:
		return false, nil // finished before the kill
	case <-time.After(delay):
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	return <-done == -1, nil
}

// killCLIRounds runs rounds of: prepare a container, SIGKILL a pod command
// on it at a random point in [0, window), then check ps, the states and the
// bystander, and remove the container.
func killCLIRounds(c *config, e *podEnv, rng *rand.Rand, f *faultResult, window time.Duration,
	prepare func(name string) bool, verb func(name string) []string) {
	baseline := e.files()
	b := e.startBystander(f)
	landed := 0
	for i := 0; i < c.rounds; i++ {
		f.Rounds++
		name := fmt.Sprintf("%s_%d_%s", f.Name, i, e.token[:6])
		if !prepare(name) {
			continue
		}
		delay := time.Duration(rng.Int63n(int64(window)))
		killed, err := e.killAt(delay, verb(name)...)
		if err != nil {
			f.problem("starting pod: %v", err)
			continue
		}
		if killed {
			landed++
		}
		when := fmt.Sprintf("round %d (SIGKILL after %s, landed %v)", i, delay.Round(time.Millisecond), killed)
		e.trueStates(f, when, 10*time.Second)
		b.check(e, f, when)
		if r := e.run("rm", "-f", "-i", "-t", "0", name); r.code != 0 {
			f.problem("%s: rm -f %s: %s", when, name, r)
		}
	}
	f.note("%d of %d kills landed while pod ran", landed, f.Rounds)
	e.finish(f, baseline)
}

func (e *podEnv) runD(f *faultResult, name string, cmd ...string) bool {
	r := e.run(append(append([]string{"run", "-d", "--name", name}, e.ctrArgs()...), append([]string{image}, cmd...)...)...)
	if r.code != 0 {
		f.problem("run -d %s: %s", name, r)
		return false
	}
	return true
}

// killCLIRun kills `run` (foreground --rm and detached) at random points.
func killCLIRun(c *config, e *podEnv, rng *rand.Rand, f *faultResult) {
	n := 0
	killCLIRounds(c, e, rng, f, 600*time.Millisecond,
		func(string) bool { return true },
		func(name string) []string {
			n++
			if n%2 == 0 {
				return append(append([]string{"run", "-d", "--name", name}, e.ctrArgs()...), image, "sleep", "1000")
			}
			return append(append([]string{"run", "--rm", "--name", name}, e.ctrArgs()...), image, "sh", "-c", "sleep 0.2; exit 3")
		})
}

// killCLIStop kills `stop` while it waits for a container that ignores SIGTERM.
func killCLIStop(c *config, e *podEnv, rng *rand.Rand, f *faultResult) {
	killCLIRounds(c, e, rng, f, 1500*time.Millisecond,
		func(name string) bool { return e.runD(f, name, "sleep", "1000") },
		func(name string) []string { return []string{"stop", "-t", "1", name} })
}

// killCLIRm kills `rm -f` at random points.
func killCLIRm(c *config, e *podEnv, rng *rand.Rand, f *faultResult) {
	killCLIRounds(c, e, rng, f, 1500*time.Millisecond,
		func(name string) bool { return e.runD(f, name, "sleep", "1000") },
		func(name string) []string { return []string{"rm", "-f", "-t", "1", name} })
}

// killCLICreate kills `create` at random points: the container is either
// not there or created, never half made.
func killCLICreate(c *config, e *podEnv, rng *rand.Rand, f *faultResult) {
	killCLIRounds(c, e, rng, f, 300*time.Millisecond,
		func(string) bool { return true },
		func(name string) []string {
			return append(append([]string{"create", "--name", name}, e.ctrArgs()...), image, "sleep", "1000")
		})
}

// killCLIStart kills `start` of a created container at random points.
func killCLIStart(c *config, e *podEnv, rng *rand.Rand, f *faultResult) {
	killCLIRounds(c, e, rng, f, 300*time.Millisecond,
		func(name string) bool {
			r := e.run(append(append([]string{"create", "--name", name}, e.ctrArgs()...), image, "sleep", "1000")...)
			if r.code != 0 {
				f.problem("create %s: %s", name, r)
			}
			return r.code == 0
		},
		func(name string) []string { return []string{"start", name} })
}

// killCLIExec kills `exec` at random points; the container keeps running
// and takes new exec sessions (checked by the bystander and the next round).
func killCLIExec(c *config, e *podEnv, rng *rand.Rand, f *faultResult) {
	killCLIRounds(c, e, rng, f, 400*time.Millisecond,
		func(name string) bool { return e.runD(f, name, "sleep", "1000") },
		func(name string) []string { return []string{"exec", name, "sh", "-c", "sleep 0.2; exit 4"} })
}

// waitStatus polls inspect until the container has status want (statuses
// separated by |).
func (e *podEnv) waitStatus(name, want string, d time.Duration) (ctrState, bool) {
	deadline := time.Now().Add(d)
	var last ctrState
	for time.Now().Before(deadline) {
		if st, err := e.inspect(name); err == nil {
			last = st[0]
			if contains(strings.Split(want, "|"), last.status) {
				return last, true
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return last, false
}

// killMonitor SIGKILLs the monitor of a running container: the container
// keeps running (true, and said in its error), then its process is killed:
// it must show exited; and a second one is removed with rm -f.
func killMonitor(c *config, e *podEnv, rng *rand.Rand, f *faultResult) {
	baseline := e.files()
	b := e.startBystander(f)
	for i := 0; i < c.rounds; i++ {
		f.Rounds++
		name := fmt.Sprintf("kill-monitor_%d_%s", i, e.token[:6])
		if !e.runD(f, name, "sleep", "1000") {
			continue
		}
		st, err := e.inspect(name)
		if err != nil || st[0].monPid <= 0 {
			f.problem("%s: no monitor pid: %v %+v", name, err, st)
			continue
		}
		time.Sleep(time.Duration(rng.Int63n(int64(300 * time.Millisecond))))
		_ = syscall.Kill(st[0].monPid, syscall.SIGKILL)
		when := name + " after its monitor's SIGKILL"
		e.trueStates(f, when, 10*time.Second)
		b.check(e, f, when)
		e.endAfterFault(f, name, "monitor", st[0].pid, i%2 == 0, func(code int) bool { return code == -1 })
	}
	e.finish(f, baseline)
}

// endAfterFault ends a container whose monitor or shim (what) was killed.
// With killProcess its process is killed too: it must not stay running
// ("stopped" and "exited" both say the process is gone; Podman shows both as
// Exited), its exit code must pass codeOK, and rm removes it. Else rm -f
// must end the process.
func (e *podEnv) endAfterFault(f *faultResult, name, what string, pid int, killProcess bool, codeOK func(int) bool) {
	if !killProcess {
		if r := e.run("rm", "-f", "-t", "0", name); r.code != 0 {
			f.problem("%s: rm -f: %s", name, r)
		} else if pidAlive(pid) {
			f.problem("%s: rm -f left its process %d running", name, pid)
		}
		return
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	if got, ok := e.waitStatus(name, "exited|stopped", 10*time.Second); !ok || !codeOK(got.exitCode) {
		f.problem("%s: %s and process killed, still %+v after 10s", name, what, got)
	}
	if r := e.run("rm", name); r.code != 0 {
		f.problem("%s: rm: %s", name, r)
	}
}

// killContainer SIGKILLs a container's process: it must show exited 137,
// wait must say 137, and rm must clean up.
func killContainer(c *config, e *podEnv, rng *rand.Rand, f *faultResult) {
	baseline := e.files()
	b := e.startBystander(f)
	for i := 0; i < c.rounds; i++ {
		f.Rounds++
		name := fmt.Sprintf("kill-ctr_%d_%s", i, e.token[:6])
		if !e.runD(f, name, "sleep", "1000") {
			continue
		}
		st, err := e.inspect(name)
		if err != nil || st[0].pid <= 0 {
			f.problem("%s: no pid: %v", name, err)
			continue
		}
		_ = syscall.Kill(st[0].pid, syscall.SIGKILL)
		got, ok := e.waitStatus(name, "exited", 10*time.Second)
		if !ok || got.exitCode != 137 {
			f.problem("%s: after SIGKILL of its process: %+v, want exited 137", name, got)
		}
		if r := e.run("wait", name); r.code != 0 || strings.TrimSpace(r.stdout) != "137" {
			f.problem("%s: wait: %s", name, r)
		}
		b.check(e, f, name)
		if r := e.run("rm", name); r.code != 0 {
			f.problem("%s: rm: %s", name, r)
		}
	}
	e.finish(f, baseline)
}

// subEnv makes a fresh env with its own store for one fault.
func subEnv(c *config, churn *podEnv, f *faultResult, name string) *podEnv {
	e, err := newPodEnv(churn.pod, churn.runtime, filepath.Join(c.base, name), churn.token[:8]+name)
	if err != nil {
		f.problem("%v", err)
		return nil
	}
	return e
}

package main

import (
	"fmt"
	"math/rand"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// dbLockRe matches stderr about the state database or locks: under churn
// pod must never print it (Podman's "database is locked").
var dbLockRe = regexp.MustCompile(`(?i)database|sqlite|\block`)

// tally collects what the clients saw. Safe for concurrent use.
type tally struct {
	mu             sync.Mutex
	Lifecycles     int            `json:"lifecycles"`
	ByKind         map[string]int `json:"by_kind"`
	Commands       int            `json:"commands"`
	WrongExitCodes int            `json:"wrong_exit_codes"`
	WrongOutput    int            `json:"wrong_output"`
	FailedCommands int            `json:"failed_commands"`
	HungCommands   int            `json:"hung_commands"`
	DBLockStderr   int            `json:"db_or_lock_stderr"`
	OtherStderr    int            `json:"other_stderr"` // reported, not a failure
	Failures       []string       `json:"failures,omitempty"`
	StderrSamples  []string       `json:"stderr_samples,omitempty"`
	runRm          []time.Duration
}

func newTally() *tally { return &tally{ByKind: map[string]int{}} }

func (t *tally) fail(format string, args ...any) {
	if len(t.Failures) < 50 {
		t.Failures = append(t.Failures, fmt.Sprintf(format, args...))
	}
}

// check records one command: its exit code must be want, its stdout (when
// wantOut is not nil) must be *wantOut, trimmed. An unexpected exit code 125
// (pod's own error) counts as a failed command, any other as a wrong exit code.
func (t *tally) check(r *result, want int, wantOut *string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.Commands++
	ok := true
	switch {
	case r.hung:
		t.HungCommands++
		t.fail("hung: %s", r)
		ok = false
	case r.code != want && (r.code == 125 || r.code < 0):
		t.FailedCommands++
		t.fail("failed (want exit %d): %s", want, r)
		ok = false
	case r.code != want:
		t.WrongExitCodes++
		t.fail("wrong exit code (want %d): %s", want, r)
		ok = false
	case wantOut != nil && strings.TrimSpace(r.stdout) != *wantOut:
		t.WrongOutput++
		t.fail("wrong output (want %q): %s", *wantOut, r)
		ok = false
	}
	if s := strings.TrimSpace(r.stderr); s != "" {
		if dbLockRe.MatchString(s) {
			t.DBLockStderr++
			t.fail("stderr about the database or locks: %s", r)
		} else {
			t.OtherStderr++
			if len(t.StderrSamples) < 20 {
				t.StderrSamples = append(t.StderrSamples, r.String())
			}
		}
	}
	return ok
}

func (t *tally) done(kind string, runRm time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.Lifecycles++
	t.ByKind[kind]++
	if runRm > 0 {
		t.runRm = append(t.runRm, runRm)
	}
}

// percentile returns the p-th percentile (0..100) of ds, nearest rank.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// trapSleep is a container that exits 7 on SIGTERM: stop must report 7.
// It prints "ready" once the trap is set (a SIGTERM before that is ignored,
// as PID 1 has no handler yet, and stop would end in SIGKILL: 137).
const trapSleep = `trap "exit 7" TERM; echo ready; sleep 1000 & wait`

// waitOutput polls `pod logs` until the container printed want.
func (e *podEnv) waitOutput(name, want string, d time.Duration) *result {
	var r *result
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if r = e.run("logs", name); r.code == 0 && strings.Contains(r.stdout, want) {
			return nil
		}
	}
	return r
}

func strp(s string) *string { return &s }

// lifecycle runs one randomly chosen lifecycle as client c, iteration i.
func (e *podEnv) lifecycle(t *tally, rng *rand.Rand, c, i int) {
	name := fmt.Sprintf("soak-c%d.i%d_%s", c, i, e.token[:6])
	base := append([]string{"--name", name}, e.ctrArgs()...)
	switch n := rng.Intn(100); {
	case n < 40: // run --rm with a varying exit code and output
		code := rng.Intn(6)
		if rng.Intn(4) == 0 {
			code = 1 + rng.Intn(120)
		}
		args := append(append([]string{"run", "--rm"}, base...), image, "sh", "-c", fmt.Sprintf("echo out-%d; exit %d", code, code))
		r := e.run(args...)
		t.check(r, code, strp(fmt.Sprintf("out-%d", code)))
		t.done("run_rm", r.dur)
	case n < 65: // run -d, stop, wait, rm
		if r := e.run(append(append([]string{"run", "-d"}, base...), image, "sh", "-c", trapSleep)...); !t.check(r, 0, nil) {
			e.run("rm", "-f", "-t", "0", name)
			return
		}
		if r := e.waitOutput(name, "ready", time.Minute); r != nil {
			t.check(r, 0, strp("ready"))
		}
		t.check(e.run("stop", "-t", "20", name), 0, strp(name))
		t.check(e.run("wait", name), 0, strp("7"))
		t.check(e.run("rm", name), 0, strp(name))
		t.done("run_d_stop_wait_rm", 0)
	case n < 85: // exec into a running container, then rm -f
		if r := e.run(append(append([]string{"run", "-d"}, base...), image, "sleep", "1000")...); !t.check(r, 0, nil) {
			e.run("rm", "-f", "-t", "0", name)
			return
		}
		code := rng.Intn(4)
		t.check(e.run("exec", name, "sh", "-c", fmt.Sprintf("echo exec-%d; exit %d", code, code)), code, strp("exec-"+strconv.Itoa(code)))
		t.check(e.run("rm", "-f", "-t", "0", name), 0, strp(name))
		t.done("exec_rm_f", 0)
	case n < 93: // restart policy and monitor-scheduled healthcheck: 3 runs, then exited
		args := append(append([]string{"run", "-d", "--restart", "on-failure:2", "--health-cmd", "true", "--health-interval", "1s"}, base...),
			image, "sh", "-c", "sleep 1.2; exit 5")
		if r := e.run(args...); !t.check(r, 0, nil) {
			e.run("rm", "-f", "-t", "0", name)
			return
		}
		deadline := time.Now().Add(2 * time.Minute)
		var r *result
		for time.Now().Before(deadline) {
			r = e.run("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}", name)
			if strings.TrimSpace(r.stdout) == "exited 5 2" {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.check(r, 0, strp("exited 5 2"))
		t.check(e.run("rm", "-f", "-t", "0", name), 0, strp(name))
		t.done("restart_health", 0)
	default: // rm -f of a running container keeps its exit code for wait
		if r := e.run(append(append([]string{"run", "-d"}, base...), image, "sleep", "1000")...); !t.check(r, 0, nil) {
			e.run("rm", "-f", "-t", "0", name)
			return
		}
		t.check(e.run("rm", "-f", "-t", "0", name), 0, strp(name))
		t.check(e.run("wait", name), 0, strp("137"))
		t.done("rm_f_running", 0)
	}
}

// churn runs clients goroutines doing perClient lifecycles each.
func (e *podEnv) churn(t *tally, clients, perClient int, seed int64) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed + int64(c)))
			for i := 0; i < perClient; i++ {
				e.lifecycle(t, rng, c, i)
			}
		}(c)
	}
	wg.Wait()
	return time.Since(start)
}

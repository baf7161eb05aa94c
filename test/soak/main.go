// Command soak is pod's soak and fault suite. It drives the real pod binary
// with a private --root, --runroot and --tmpdir on one runtime:
//
//   - churn: C parallel clients doing N container lifecycles each (run --rm
//     with varying exit codes, run -d + stop + wait + rm, exec, rm -f of
//     running containers), counting wrong exit codes and output, failed and
//     hung commands, and stderr about the database or locks;
//   - faults: SIGKILL of the pod CLI at random points of run, stop and rm, of
//     the monitor, of the container's process; a full disk under the store; a
//     reboot (runroot and tmp dir wiped, the store kept);
//   - at the end, and after every fault: containers, pod processes, monitors,
//     shims, container processes, mounts and files left behind.
//
// Every count must be 0. It prints and writes a JSON summary (-json) and
// exits 1 when a count is not 0, 2 when the suite could not run. It needs
// root, like pod's system tests. See docs/soak.md.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// summary is the JSON the suite writes.
type summary struct {
	Runtime        string        `json:"runtime"`
	Seed           int64         `json:"seed"`
	Clients        int           `json:"clients"`
	PerClient      int           `json:"lifecycles_per_client"`
	DurationS      float64       `json:"churn_duration_s"`
	LifecyclesPerS float64       `json:"lifecycles_per_s"`
	RunRm          latency       `json:"run_rm"`
	Churn          *tally        `json:"churn"`
	ChurnLeaks     *leaks        `json:"churn_leaks"`
	Faults         []faultResult `json:"faults,omitempty"`
	Counts         counts        `json:"counts"`
	OK             bool          `json:"ok"`
	Dir            string        `json:"dir,omitempty"`
}

type latency struct {
	N     int     `json:"n"`
	P50Ms float64 `json:"p50_ms"`
	P99Ms float64 `json:"p99_ms"`
	MaxMs float64 `json:"max_ms"`
}

// counts are the numbers that must all be 0.
type counts struct {
	WrongExitCodes int `json:"wrong_exit_codes"`
	WrongOutput    int `json:"wrong_output"`
	FailedCommands int `json:"failed_commands"`
	HungCommands   int `json:"hung_commands"`
	DBLockStderr   int `json:"db_or_lock_stderr"`
	FaultProblems  int `json:"fault_problems"`
	leaks
}

func (c *counts) total() int {
	return c.WrongExitCodes + c.WrongOutput + c.FailedCommands + c.HungCommands + c.DBLockStderr + c.FaultProblems + c.leaks.total()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func main() {
	var (
		pod       = flag.String("pod", "bin/pod", "the pod binary")
		runtime   = flag.String("runtime", "crun", "runtime every container uses (a name or shim type)")
		clients   = flag.Int("clients", 8, "parallel clients")
		perClient = flag.Int("n", 15, "lifecycles per client")
		total     = flag.Int("total", 0, "lifecycles in total (overrides -n: total/clients each)")
		faults    = flag.String("faults", "all", "faults to inject: all, none, or a comma list of "+faultNames())
		rounds    = flag.Int("fault-rounds", 3, "repetitions of each random-point fault")
		seed      = flag.Int64("seed", 0, "random seed (0: from the clock)")
		jsonOut   = flag.String("json", "", "write the JSON summary to this file too")
		dir       = flag.String("dir", "", "work directory (default: a new one under $TMPDIR); removed at the end unless -keep")
		keep      = flag.Bool("keep", false, "keep the work directory")
		mkbusybox = flag.String("mkbusybox", "contrib/mkbusybox.sh", "script that builds the busybox image tarball")
	)
	flag.Parse()
	if *total > 0 {
		*perClient = (*total + *clients - 1) / *clients
	}
	if *seed == 0 {
		*seed = time.Now().UnixNano()
	}
	podBin, err := filepath.Abs(*pod)
	if err != nil {
		fatalf("%v", err)
	}
	selected, err := parseFaults(*faults)
	if err != nil {
		fatalf("%v", err)
	}
	base := *dir
	if base == "" {
		if base, err = os.MkdirTemp("", "pod-soak-"); err != nil {
			fatalf("%v", err)
		}
	}
	if base, err = filepath.Abs(base); err != nil {
		fatalf("%v", err)
	}
	s := run(&config{
		pod: podBin, runtime: *runtime, base: base, clients: *clients, perClient: *perClient,
		faults: selected, rounds: *rounds, seed: *seed, mkbusybox: *mkbusybox,
	})
	out, _ := json.MarshalIndent(s, "", "  ")
	fmt.Println(string(out))
	if *jsonOut != "" {
		if err := os.WriteFile(*jsonOut, append(out, '\n'), 0o644); err != nil {
			fatalf("%v", err)
		}
	}
	fmt.Fprintf(os.Stderr, "soak %s: %d lifecycles, %.2f/s, run --rm p50 %.0f ms p99 %.0f ms, counts not 0: %d\n",
		s.Runtime, s.Churn.Lifecycles, s.LifecyclesPerS, s.RunRm.P50Ms, s.RunRm.P99Ms, s.Counts.total())
	if !s.OK {
		reportFailures(s)
	}
	if s.OK && !*keep {
		_ = os.RemoveAll(base)
	} else {
		fmt.Fprintf(os.Stderr, "soak: work directory kept: %s\n", base)
	}
	if !s.OK {
		os.Exit(1)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "soak: "+format+"\n", args...)
	os.Exit(2)
}

type config struct {
	pod, runtime, base, mkbusybox string
	clients, perClient, rounds    int
	faults                        []string
	seed                          int64
}

// tarball builds the busybox rootfs tarball once.
func (c *config) tarball() string {
	tar := filepath.Join(c.base, "busybox.tar")
	if _, err := os.Stat(tar); err == nil {
		return tar
	}
	out, err := exec.Command(c.mkbusybox, "-t", "-o", tar).CombinedOutput()
	if err != nil {
		fatalf("building the busybox tarball with %s: %v: %s", c.mkbusybox, err, out)
	}
	return tar
}

func run(c *config) *summary {
	s := &summary{Runtime: c.runtime, Seed: c.seed, Clients: c.clients, PerClient: c.perClient, Dir: c.base}
	token := fmt.Sprintf("%x", rand.New(rand.NewSource(c.seed)).Int63())
	e, err := newPodEnv(c.pod, c.runtime, filepath.Join(c.base, "churn"), token)
	if err != nil {
		fatalf("%v", err)
	}
	if err := e.importImage(c.tarball()); err != nil {
		fatalf("%v", err)
	}
	baseline, err := e.prime()
	if err != nil {
		fatalf("%v", err)
	}

	s.Churn = newTally()
	d := e.churn(s.Churn, c.clients, c.perClient, c.seed)
	s.DurationS = d.Seconds()
	s.LifecyclesPerS = float64(s.Churn.Lifecycles) / d.Seconds()
	s.RunRm = latency{N: len(s.Churn.runRm), P50Ms: ms(percentile(s.Churn.runRm, 50)),
		P99Ms: ms(percentile(s.Churn.runRm, 99)), MaxMs: ms(percentile(s.Churn.runRm, 100))}
	s.ChurnLeaks = e.checkLeaks(baseline, 15*time.Second, false)
	// Whatever churn left is removed, so the faults start clean.
	if s.ChurnLeaks.total() > 0 {
		e.run("rm", "-fa", "-t", "0")
		e.purge()
	}

	s.Counts.WrongExitCodes = s.Churn.WrongExitCodes
	s.Counts.WrongOutput = s.Churn.WrongOutput
	s.Counts.FailedCommands = s.Churn.FailedCommands
	s.Counts.HungCommands = s.Churn.HungCommands
	s.Counts.DBLockStderr = s.Churn.DBLockStderr
	s.Counts.leaks.add(s.ChurnLeaks)
	s.Counts.Examples, s.Counts.ContainerList = nil, nil

	rng := rand.New(rand.NewSource(c.seed))
	for _, name := range c.faults {
		f := runFault(name, c, e, rng)
		s.Faults = append(s.Faults, f)
		s.Counts.FaultProblems += len(f.Problems)
		if f.Leaks != nil {
			s.Counts.leaks.add(f.Leaks)
			s.Counts.Examples, s.Counts.ContainerList = nil, nil
		}
	}
	s.OK = s.Counts.total() == 0
	return s
}

// reportFailures prints, on stderr, what made the run fail: the counts that
// are not 0 and the first failures and leftovers.
func reportFailures(s *summary) {
	var m map[string]any
	data, _ := json.Marshal(s.Counts)
	_ = json.Unmarshal(data, &m)
	for k, v := range m {
		if n, ok := v.(float64); ok && n != 0 {
			fmt.Fprintf(os.Stderr, "soak: %s = %v\n", k, n)
		}
	}
	var lines []string
	lines = append(lines, s.Churn.Failures...)
	lines = append(lines, s.ChurnLeaks.Examples...)
	for _, f := range s.Faults {
		for _, p := range f.Problems {
			lines = append(lines, f.Name+": "+p)
		}
		if f.Leaks != nil {
			for _, ex := range f.Leaks.Examples {
				lines = append(lines, f.Name+": "+ex)
			}
		}
	}
	for i, l := range lines {
		if i == 20 {
			fmt.Fprintf(os.Stderr, "soak: ... %d more in the JSON summary\n", len(lines)-20)
			break
		}
		fmt.Fprintf(os.Stderr, "soak: %s\n", l)
	}
}

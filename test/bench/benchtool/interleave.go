package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

type strList []string

func (l *strList) String() string     { return strings.Join(*l, ",") }
func (l *strList) Set(v string) error { *l = append(*l, v); return nil }

// ratio is "A/B", optionally with a target "A/B>=5" or "A/B<=2.5".
type ratio struct {
	num, den string
	op       string // "", ">=", "<="
	target   float64
}

var ratioRE = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._+-]*)/([A-Za-z0-9][A-Za-z0-9._+-]*)(?:(>=|<=)([0-9]+(?:\.[0-9]+)?))?$`)

func parseRatio(s string) (ratio, error) {
	m := ratioRE.FindStringSubmatch(s)
	if m == nil {
		return ratio{}, fmt.Errorf("ratio %q: want A/B, A/B>=X or A/B<=X", s)
	}
	r := ratio{num: m[1], den: m[2], op: m[3]}
	if r.op != "" {
		r.target, _ = strconv.ParseFloat(m[4], 64)
	}
	return r, nil
}

func (r ratio) verdict(v float64) string {
	switch {
	case r.op == "" || math.IsNaN(v):
		return ""
	case r.op == ">=" && v >= r.target, r.op == "<=" && v <= r.target:
		return fmt.Sprintf("target %s %gx: MET", r.op, r.target)
	default:
		return fmt.Sprintf("target %s %gx: MISSED", r.op, r.target)
	}
}

const maxFailures = 3

func interleaveMain(args []string) error {
	fs := flag.NewFlagSet("interleave", flag.ContinueOnError)
	n := fs.Int("n", 30, "measured rounds")
	warmup := fs.Int("warmup", 2, "unmeasured rounds first")
	title := fs.String("title", "", "section title")
	tsv := fs.String("tsv", "", "append machine-readable rows to this file")
	timeout := fs.Duration("timeout", 2*time.Minute, "limit per execution")
	showSum := fs.Bool("sum", false, "also print the total wall time of the measured runs")
	settleFor := fs.Duration("settle", 30*time.Second, "after each run wait up to this long for orphaned descendants (monitors, exit commands) to exit, and report the whole tree's time; 0 = don't")
	var ratios strList
	fs.Var(&ratios, "ratio", "A/B[>=X|<=X] (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *warmup < 0 {
		return errors.New("-n must be ≥ 1 and -warmup ≥ 0")
	}
	var cmds []command
	for _, a := range fs.Args() {
		c, err := parseCommand(a)
		if err != nil {
			return err
		}
		cmds = append(cmds, c)
	}
	if len(cmds) == 0 {
		return errors.New("no commands: give NAME=CMDLINE arguments")
	}
	var rs []ratio
	for _, s := range ratios {
		r, err := parseRatio(s)
		if err != nil {
			return err
		}
		rs = append(rs, r)
	}
	errFile, err := os.CreateTemp("", "benchtool-stderr")
	if err != nil {
		return err
	}
	defer os.Remove(errFile.Name())
	defer errFile.Close()

	if *settleFor > 0 {
		if err := becomeSubreaper(); err != nil {
			return err
		}
	}
	k := len(cmds)
	// samples[c][round] is NaN when that execution failed or was skipped,
	// so pairs stay aligned by round.
	samples := make([][]float64, k)
	trees := make([][]float64, k)
	cpus := make([][]float64, k) // CPU ms of the whole process tree
	fails := make([]int, k)
	for c := range samples {
		samples[c] = make([]float64, *n)
		trees[c] = make([]float64, *n)
		cpus[c] = make([]float64, *n)
	}
	ctx := context.Background()
	for round := 0; round < *warmup+*n; round++ {
		for j := 0; j < k; j++ {
			c := (round + j) % k // rotate the order: A B C, B C A, C A B, …
			measured := round - *warmup
			if fails[c] >= maxFailures {
				if measured >= 0 {
					samples[c][measured] = math.NaN()
					trees[c][measured] = math.NaN()
					cpus[c][measured] = math.NaN()
				}
				continue
			}
			res := runOnce(ctx, cmds[c], round, *timeout, *settleFor, errFile)
			if res.err != nil {
				fails[c]++
				fmt.Fprintf(os.Stderr, "benchtool: %s (round %d) failed: %v\n%s\n", cmds[c].name, round, res.err, indent(res.stderr))
				if fails[c] == maxFailures {
					fmt.Fprintf(os.Stderr, "benchtool: %s failed %d times: not running it again\n", cmds[c].name, maxFailures)
				}
			}
			if measured >= 0 {
				if res.err != nil {
					samples[c][measured] = math.NaN()
					trees[c][measured] = math.NaN()
					cpus[c][measured] = math.NaN()
				} else {
					samples[c][measured] = msOf(res.wall)
					trees[c][measured] = msOf(res.tree)
					cpus[c][measured] = msOf(res.cpu)
				}
			}
		}
	}
	if *settleFor <= 0 {
		trees = nil
	}
	report(os.Stdout, *title, *n, *warmup, cmds, samples, trees, cpus, rs, *showSum)
	if *tsv != "" {
		return appendTSV(*tsv, *title, cmds, samples, trees, cpus, rs)
	}
	return nil
}

func indent(s string) string {
	if s == "" {
		return "    (no stderr)"
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

func valid(xs []float64) []float64 {
	var out []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			out = append(out, x)
		}
	}
	return out
}

// pairedRatio is the median over rounds of num[i]/den[i], over the rounds
// where both succeeded: drift and load bursts hit both sides of a pair.
func pairedRatio(num, den []float64) float64 {
	var q []float64
	for i := range num {
		if i < len(den) && !math.IsNaN(num[i]) && !math.IsNaN(den[i]) && den[i] > 0 {
			q = append(q, num[i]/den[i])
		}
	}
	return median(q)
}

func index(cmds []command, name string) int {
	for i, c := range cmds {
		if c.name == name {
			return i
		}
	}
	return -1
}

func ratioValues(cmds []command, samples [][]float64, r ratio) (float64, float64, error) {
	a, b := index(cmds, r.num), index(cmds, r.den)
	if a < 0 || b < 0 {
		return math.NaN(), math.NaN(), fmt.Errorf("ratio %s/%s names an unknown command", r.num, r.den)
	}
	return median(valid(samples[a])) / median(valid(samples[b])), pairedRatio(samples[a], samples[b]), nil
}

// report prints the table; trees (may be nil) adds the median time until
// the command's whole process tree had exited, cpus the median user+system
// CPU time of the reaped tree (with settle: all of it; without: the
// command and the descendants it waited for).
func report(w *os.File, title string, n, warmup int, cmds []command, samples, trees, cpus [][]float64, rs []ratio, showSum bool) {
	if title != "" {
		fmt.Fprintf(w, "--- %s\n", title)
	}
	fmt.Fprintf(w, "    %d measured rounds after %d warm-up, interleaved (order rotated every round)\n", n, warmup)
	if trees != nil {
		fmt.Fprintln(w, "    wall = until the command returned; tree = until its last descendant (monitor, exit command) exited")
	}
	width := 8
	for _, c := range cmds {
		width = max(width, len(c.name))
	}
	hdr := fmt.Sprintf("    %-*s %5s %9s %9s %9s %9s", width, "command", "ok", "wall med", "p90", "min", "mean")
	if trees != nil {
		hdr += fmt.Sprintf(" %9s", "tree med")
	}
	hdr += fmt.Sprintf(" %9s", "cpu med")
	if showSum {
		hdr += fmt.Sprintf(" %9s", "total")
	}
	fmt.Fprintln(w, hdr)
	for i, c := range cmds {
		v := valid(samples[i])
		line := fmt.Sprintf("    %-*s %2d/%-2d %9s %9s %9s %9s", width, c.name, len(v), n,
			ms(median(v)), ms(quantile(v, 0.9)), ms(minOf(v)), ms(mean(v)))
		if trees != nil {
			line += fmt.Sprintf(" %9s", ms(median(valid(trees[i]))))
		}
		line += fmt.Sprintf(" %9s", ms(median(valid(cpus[i]))))
		if showSum {
			line += fmt.Sprintf(" %9s", ms(sum(v)))
		}
		if len(v) == 0 {
			line = fmt.Sprintf("    %-*s %2d/%-2d   FAILED", width, c.name, 0, n)
		}
		fmt.Fprintln(w, line)
	}
	for _, r := range rs {
		m, p, err := ratioValues(cmds, samples, r)
		if err != nil {
			fmt.Fprintf(w, "    %v\n", err)
			continue
		}
		label := r.num + " / " + r.den
		// The paired ratio decides the verdict: it is the one that load
		// bursts cannot bias.
		cm, cp, _ := ratioValues(cmds, cpus, r)
		fmt.Fprintf(w, "    %-*s %6.2fx  (paired %.2fx)  %s  cpu %.2fx (paired %.2fx)\n", 2*width+3, label, m, p, r.verdict(p), cm, cp)
	}
}

func appendTSV(path, title string, cmds []command, samples, trees, cpus [][]float64, rs []ratio) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	for i, c := range cmds {
		v := valid(samples[i])
		tree := math.NaN()
		if trees != nil {
			tree = median(valid(trees[i]))
		}
		fmt.Fprintf(f, "time\t%s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", title, c.name, len(v),
			median(v), quantile(v, 0.9), minOf(v), mean(v), tree, sum(v), median(valid(cpus[i])))
	}
	for _, r := range rs {
		m, p, err := ratioValues(cmds, samples, r)
		if err != nil {
			continue
		}
		fmt.Fprintf(f, "ratio\t%s\t%s/%s\t%.3f\t%.3f\t%s\n", title, r.num, r.den, m, p, r.verdict(p))
	}
	return nil
}

package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// event is one DEBU[...ms] line of pod: the time since libpod's package
// initialisation and the message normalised into a phase key.
type event struct {
	at  float64 // ms
	key string
}

var (
	debuRE = regexp.MustCompile(`^DEBU\[([0-9]+(?:\.[0-9]+)?)ms\] (.*)$`)
	hexRE  = regexp.MustCompile(`\b[0-9a-f]{64}\b`)
	pathRE = regexp.MustCompile(`(?:/[^/\s:]+)+/([^/\s:]+)`)
	numRE  = regexp.MustCompile(`\b[0-9]+\b`)
	wsRE   = regexp.MustCompile(`\s+`)
)

// normalize turns "created container 3f…: pid 9835, monitor 9823" into
// "created container: pid N, monitor N": IDs dropped, paths shortened to
// their last element, numbers replaced.
func normalize(msg string) string {
	msg = hexRE.ReplaceAllString(msg, "")
	msg = pathRE.ReplaceAllString(msg, "$1")
	msg = numRE.ReplaceAllString(msg, "N")
	msg = wsRE.ReplaceAllString(strings.TrimSpace(msg), " ")
	msg = strings.ReplaceAll(msg, " :", ":")
	if len(msg) > 48 {
		msg = msg[:48]
	}
	return msg
}

// parseEvents reads pod's debug output; lines that are not DEBU[...ms]
// lines are ignored.
func parseEvents(r io.Reader) []event {
	var evs []event
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		m := debuRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		at, err := strconv.ParseFloat(m[1], 64)
		if err != nil || math.IsInf(at, 0) {
			continue
		}
		evs = append(evs, event{at: at, key: normalize(m[2])})
	}
	return evs
}

// phase is one labelled interval of one run.
type phase struct {
	label string
	dur   float64
}

// phasesOf splits one run of wall milliseconds into the intervals between
// its events. Time before the first event counts from libpod's package init;
// what the events cannot see (exec, runtime and earlier package init, exit)
// is wall minus the last event.
func phasesOf(evs []event, wall float64) []phase {
	var ps []phase
	prev, prevAt := "libpod init", 0.0
	seen := map[string]int{}
	for _, e := range evs {
		label := prev + " → " + e.key
		seen[label]++
		if seen[label] > 1 {
			label += fmt.Sprintf(" #%d", seen[label])
		}
		ps = append(ps, phase{label: label, dur: e.at - prevAt})
		prev, prevAt = e.key, e.at
	}
	ps = append(ps, phase{label: "outside the events: exec, Go runtime + early package init, exit", dur: wall - prevAt})
	return ps
}

func phasesMain(args []string) error {
	fs := flag.NewFlagSet("phases", flag.ContinueOnError)
	n := fs.Int("n", 15, "runs")
	warmup := fs.Int("warmup", 2, "unmeasured runs first")
	title := fs.String("title", "", "section title")
	timeout := fs.Duration("timeout", 2*time.Minute, "limit per run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	argv := fs.Args()
	if len(argv) == 0 {
		return errors.New("give the command after --, e.g. -- bin/pod --log-level debug run --rm …")
	}
	errFile, err := os.CreateTemp("", "benchtool-phases")
	if err != nil {
		return err
	}
	defer os.Remove(errFile.Name())
	defer errFile.Close()
	c := command{name: "run", argv: argv}
	if err := becomeSubreaper(); err != nil {
		return err
	}
	var runs [][]phase
	var walls []float64
	for i := 0; i < *warmup+*n; i++ {
		res := runOnce(context.Background(), c, i, *timeout, 30*time.Second, errFile)
		if res.err != nil {
			return fmt.Errorf("run %d: %v\n%s", i, res.err, indent(res.stderr))
		}
		if i < *warmup {
			continue
		}
		_, _ = errFile.Seek(0, 0)
		evs := parseEvents(errFile)
		if len(evs) == 0 {
			return errors.New("no DEBU[...ms] lines: pass --log-level debug to pod")
		}
		wall := msOf(res.wall)
		walls = append(walls, wall)
		runs = append(runs, phasesOf(evs, wall))
	}
	printPhases(os.Stdout, *title, runs, walls)
	return nil
}

func printPhases(w io.Writer, title string, runs [][]phase, walls []float64) {
	var order []string
	by := map[string][]float64{}
	for _, r := range runs {
		for _, p := range r {
			if _, ok := by[p.label]; !ok {
				order = append(order, p.label)
			}
			by[p.label] = append(by[p.label], p.dur)
		}
	}
	if title != "" {
		fmt.Fprintf(w, "--- %s\n", title)
	}
	mw := median(walls)
	fmt.Fprintf(w, "    %d runs; wall median %s, p90 %s, min %s\n", len(walls), ms(mw), ms(quantile(walls, 0.9)), ms(minOf(walls)))
	fmt.Fprintf(w, "    %-92s %9s %9s %9s %6s\n", "phase (from one DEBU line to the next)", "median", "p90", "min", "share")
	// "outside" last, whatever order the runs produced.
	const outside = "outside the events"
	for pass := 0; pass < 2; pass++ {
		for _, l := range order {
			if strings.HasPrefix(l, outside) != (pass == 1) {
				continue
			}
			v := by[l]
			note := ""
			if len(v) < len(runs) {
				note = fmt.Sprintf(" (in %d of %d runs)", len(v), len(runs))
			}
			fmt.Fprintf(w, "    %-92s %9s %9s %9s %5.0f%%\n", l+note, ms(median(v)), ms(quantile(v, 0.9)), ms(minOf(v)), 100*median(v)/mw)
		}
	}
}

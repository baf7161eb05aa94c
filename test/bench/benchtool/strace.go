package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// proc is one exec'd process of a traced run.
type proc struct {
	pid        int
	label      string  // binary and verb: "crun create", "pod container cleanup"
	start, end float64 // seconds since midnight; end NaN when never seen exiting
}

var (
	// 15466 18:51:26.524521 execve("/bin/x", ["x", "a"], 0x… /* 37 vars */) = 0
	straceLineRE = regexp.MustCompile(`^(\d+)\s+(\d\d):(\d\d):(\d\d(?:\.\d+)?)\s+(.*)$`)
	quotedRE     = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
)

// verbs are the argv words that name what a pod, monitor or runtime
// process was asked to do.
var verbs = map[string]bool{
	"run": true, "create": true, "start": true, "delete": true, "kill": true, "state": true,
	"container": true, "cleanup": true, "rm": true, "ps": true, "version": true, "exec": true,
	"wait": true, "stop": true, "features": true, "boot": true, "gofer": true, "sandbox": true,
}

// labelOf names a process by the base name of argv[0] and its verbs.
func labelOf(argv []string) string {
	if len(argv) == 0 {
		return "?"
	}
	l := filepath.Base(argv[0])
	if strings.Contains(l, "conmon") {
		return l // its argv carries the exit command's verbs, not its own
	}
	n := 0
	for _, a := range argv[1:] {
		if verbs[a] {
			l += " " + a
			if n++; n == 2 {
				break
			}
		}
	}
	return l
}

// parseArgv extracts argv from the "[…]" of an execve/execveat line.
func parseArgv(call string) []string {
	i := strings.IndexByte(call, '[')
	if i < 0 {
		return nil
	}
	rest := call[i+1:]
	// Cut at the first ']' outside a quoted string.
	inQ := false
	end := len(rest)
	for j := 0; j < len(rest); j++ {
		switch {
		case rest[j] == '\\' && inQ:
			j++
		case rest[j] == '"':
			inQ = !inQ
		case rest[j] == ']' && !inQ:
			end = j
			j = len(rest)
		}
	}
	var argv []string
	for _, m := range quotedRE.FindAllStringSubmatch(rest[:end], -1) {
		s, err := strconv.Unquote(`"` + m[1] + `"`)
		if err != nil {
			s = m[1]
		}
		argv = append(argv, s)
	}
	return argv
}

// parseStrace reads one `strace -f -tt` log and returns its exec'd
// processes in exec order. Only successful execve/execveat count; a
// process's later execveat (crun re-executing itself) keeps its first label.
func parseStrace(r io.Reader) ([]proc, error) {
	var procs []*proc
	byPid := map[int]*proc{}
	pending := map[int][]string{} // unfinished execve argv by pid
	var base float64
	first := true
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		m := straceLineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		pid, _ := strconv.Atoi(m[1])
		h, _ := strconv.Atoi(m[2])
		mi, _ := strconv.Atoi(m[3])
		s, _ := strconv.ParseFloat(m[4], 64)
		t := float64(h*3600+mi*60) + s
		if first {
			base, first = t, false
		}
		if t < base-43200 { // past midnight
			t += 86400
		}
		call := m[5]
		var argv []string
		var ok bool
		switch {
		case strings.HasPrefix(call, "execve(") || strings.HasPrefix(call, "execveat("):
			argv = parseArgv(call)
			if strings.HasSuffix(call, "<unfinished ...>") {
				pending[pid] = argv
				continue
			}
			ok = strings.HasSuffix(call, "= 0")
		case strings.HasPrefix(call, "<... execve resumed>") || strings.HasPrefix(call, "<... execveat resumed>"):
			argv, ok = pending[pid], strings.HasSuffix(call, "= 0")
			delete(pending, pid)
		case strings.HasPrefix(call, "+++ exited") || strings.HasPrefix(call, "+++ killed"):
			if p := byPid[pid]; p != nil && t >= p.start {
				p.end = t
				delete(byPid, pid) // the pid may be reused later
			}
			continue
		default:
			continue
		}
		if !ok {
			continue
		}
		if p := byPid[pid]; p != nil {
			continue // re-exec of the same process
		}
		p := &proc{pid: pid, label: labelOf(argv), start: t, end: math.NaN()}
		procs = append(procs, p)
		byPid[pid] = p
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if first {
		return nil, errors.New("no strace lines (want `strace -f -tt -o FILE …` output)")
	}
	out := make([]proc, len(procs))
	for i, p := range procs {
		out[i] = *p
	}
	return out, nil
}

func straceMain(args []string) error {
	return timelineMain("strace", args, parseStrace,
		"strace itself slows every syscall: read the order and shape, not the totals")
}

// timelineMain parses each file into one run's processes and prints the
// median start, end and lifetime of each process label over the runs.
func timelineMain(verb string, args []string, parse func(io.Reader) ([]proc, error), caveat string) error {
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	title := fs.String("title", "", "section title")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("give one or more log files")
	}
	var runs [][]proc
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		procs, err := parse(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if len(procs) > 0 {
			runs = append(runs, procs)
		}
	}
	printTimeline(os.Stdout, *title, runs, caveat)
	return nil
}

func printTimeline(w io.Writer, title string, runs [][]proc, caveat string) {
	type agg struct{ start, dur []float64 }
	var order []string
	by := map[string]*agg{}
	var totals []float64
	for _, procs := range runs {
		t0 := procs[0].start
		totals = append(totals, 1000*(procs[0].end-t0))
		seen := map[string]int{}
		for _, p := range procs {
			seen[p.label]++
			l := p.label
			if seen[l] > 1 {
				l += fmt.Sprintf(" #%d", seen[p.label])
			}
			a := by[l]
			if a == nil {
				a = &agg{}
				by[l] = a
				order = append(order, l)
			}
			a.start = append(a.start, 1000*(p.start-t0))
			a.dur = append(a.dur, 1000*(p.end-p.start))
		}
	}
	if title != "" {
		fmt.Fprintf(w, "--- %s\n", title)
	}
	fmt.Fprintf(w, "    %d runs; first process lifetime median %s", len(totals), ms(median(valid(totals))))
	if caveat != "" {
		fmt.Fprintf(w, " (%s)", caveat)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "    %-34s %5s %12s %12s %12s\n", "process (exec order)", "runs", "starts at", "ends at", "lives")
	for _, l := range order {
		a := by[l]
		s, d := median(a.start), median(valid(a.dur))
		fmt.Fprintf(w, "    %-34s %5d %12s %12s %12s\n", l, len(a.start), "+"+ms(s), "+"+ms(s+d), ms(d))
	}
}

package main

import (
	"bufio"
	"errors"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// perf script -F comm,pid,tid,time,event,trace lines:
//
//	crun 29281/29281  3489.249485: sched:sched_process_exec: filename=/usr/bin/crun pid=29281 old_pid=29281
//	pod 29241/29263  3489.672529: sched:sched_process_exit: comm=pod pid=29263 prio=120 group_dead=true
var (
	schedLineRE = regexp.MustCompile(`^\s*(.*?)\s+(\d+)/(\d+)\s+(\d+(?:\.\d+)?):\s+sched:(sched_process_exec|sched_process_exit):\s*(.*)$`)
	filenameRE  = regexp.MustCompile(`(?:^|\s)filename=(\S+)`)
)

// parseSched reads `perf script` output of a `perf record -e
// sched:sched_process_exec,sched:sched_process_exit` of one run: a process
// starts at its first exec (crun re-executing itself from /dev/fd/N is not
// a new process) and ends when its thread group dies.
func parseSched(r io.Reader) ([]proc, error) {
	var procs []*proc
	byPid := map[int]*proc{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	lines := 0
	for sc.Scan() {
		m := schedLineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		lines++
		pid, err1 := strconv.Atoi(m[2])
		t, err2 := strconv.ParseFloat(m[4], 64)
		if err1 != nil || err2 != nil || math.IsInf(t, 0) || math.IsNaN(t) {
			continue
		}
		switch m[5] {
		case "sched_process_exec":
			if byPid[pid] != nil {
				continue
			}
			fm := filenameRE.FindStringSubmatch(m[6])
			if fm == nil {
				continue
			}
			p := &proc{pid: pid, label: filepath.Base(fm[1]), start: t, end: math.NaN()}
			procs = append(procs, p)
			byPid[pid] = p
		case "sched_process_exit":
			if !strings.Contains(m[6], "group_dead=true") {
				continue
			}
			if p := byPid[pid]; p != nil && t >= p.start {
				p.end = t
				delete(byPid, pid)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if lines == 0 {
		return nil, errors.New("no sched_process_exec/exit lines (want `perf script -F comm,pid,tid,time,event,trace` output)")
	}
	out := make([]proc, len(procs))
	for i, p := range procs {
		out[i] = *p
	}
	return out, nil
}

func schedMain(args []string) error {
	return timelineMain("sched", args, parseSched, "")
}

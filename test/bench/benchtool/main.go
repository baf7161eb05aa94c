// Command benchtool is the measuring half of `make bench` (test/bench/run.sh
// is the orchestrating half). It owns the timing and the statistics so that
// the shell script only sets up and tears down:
//
//	benchtool interleave [-n N] [-warmup W] [-ratio A/B>=5] NAME=CMD...
//	    runs the commands in interleaved rounds (order rotated each round)
//	    and prints median, p90, min, mean and ratios of medians and of pairs
//	benchtool phases [-n N] -- POD ARGS...
//	    runs a pod command with --log-level debug and breaks its wall time
//	    into the phases between its DEBU[...ms] lines
//	benchtool strace FILE...
//	    summarises `strace -f -tt -e trace=execve,execveat,exit_group` logs
//	    into a per-process timeline (which binary ran when, with its verb)
//	benchtool sched FILE...
//	    the same timeline from `perf script` output of sched_process_exec/
//	    exit tracepoints: no tracing overhead, but no argv

//	benchtool mem -match SUBSTR [-exe NAME]...
//	    mean Pss/anon memory of running processes (from smaps_rollup)
//	benchtool syscost -dir DIR
//	    the cost of single kernel operations on pod's hot path (closing an
//	    inotify instance, fsync and rename of an exit file)
//
// It uses only the standard library: it must build fast and must not perturb
// what it measures.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "interleave":
		err = interleaveMain(os.Args[2:])
	case "phases":
		err = phasesMain(os.Args[2:])
	case "strace":
		err = straceMain(os.Args[2:])
	case "sched":
		err = schedMain(os.Args[2:])
	case "mem":
		err = memMain(os.Args[2:])
	case "syscost":
		err = syscostMain(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchtool %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: benchtool interleave|phases|strace|sched|mem|syscost [flags] ... (see test/bench/README.md)")
	os.Exit(2)
}

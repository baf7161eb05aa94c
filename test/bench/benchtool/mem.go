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
	"strconv"
	"strings"
)

// rollupFields are the smaps_rollup lines reported, in KiB.
var rollupFields = []string{"Pss", "Pss_Anon", "Anonymous", "Rss"}

// parseRollup reads /proc/PID/smaps_rollup ("Pss:   123 kB" lines).
func parseRollup(r io.Reader) map[string]float64 {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		n, err := strconv.ParseFloat(f[0], 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			continue
		}
		out[strings.TrimSpace(k)] = n
	}
	return out
}

// matchingPids lists processes whose executable's base name is exe and
// whose command line contains match.
func matchingPids(exe, match string) ([]int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		target, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil || filepath.Base(strings.TrimSuffix(target, " (deleted)")) != exe {
			continue
		}
		cl, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(strings.ReplaceAll(string(cl), "\x00", " "), match) {
			continue
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

func memMain(args []string) error {
	fs := flag.NewFlagSet("mem", flag.ContinueOnError)
	match := fs.String("match", "", "substring of the command line (e.g. the private root)")
	header := fs.Bool("header", true, "print the column header")
	var exes strList
	fs.Var(&exes, "exe", "executable base name (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *match == "" || len(exes) == 0 {
		return errors.New("need -match SUBSTR and at least one -exe NAME")
	}
	if *header {
		fmt.Printf("    %-16s %5s %10s %10s %10s %10s\n", "monitor", "procs", "Pss KiB", "PssAnon", "Anon KiB", "Rss KiB")
	}
	for _, exe := range exes {
		pids, err := matchingPids(exe, *match)
		if err != nil {
			return err
		}
		tot := map[string]float64{}
		n := 0
		for _, pid := range pids {
			f, err := os.Open(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
			if err != nil {
				continue // exited meanwhile
			}
			r := parseRollup(f)
			f.Close()
			for _, k := range rollupFields {
				tot[k] += r[k]
			}
			n++
		}
		if n == 0 {
			fmt.Printf("    %-16s %5d   (none running)\n", exe, 0)
			continue
		}
		fmt.Printf("    %-16s %5d %10.0f %10.0f %10.0f %10.0f\n", exe, n,
			tot["Pss"]/float64(n), tot["Pss_Anon"]/float64(n), tot["Anonymous"]/float64(n), tot["Rss"]/float64(n))
	}
	return nil
}

// Command monitormem compares the memory of conmon-protocol monitors: for
// each -monitor it starts -n sleeping busybox containers (k8s-file log,
// attach socket, exit files, as Podman configures them), waits for them to
// settle and prints the mean Pss, anonymous and private memory of the
// monitor processes from /proc/PID/smaps_rollup. Needs root.
//
//	go run ./test/bench/monitormem -n 10 -monitor /usr/bin/conmon -monitor bin/pod-conmon
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/conmon/client"
	"github.com/pod-engine/pod/pkg/conmon/conmontest"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var monitors list
	flag.Var(&monitors, "monitor", "monitor binary (repeatable)")
	n := flag.Int("n", 10, "containers per monitor")
	runtime := flag.String("runtime", "crun", "OCI runtime")
	settle := flag.Duration("settle", 2*time.Second, "wait before measuring")
	flag.Parse()
	if len(monitors) == 0 {
		monitors = list{"conmon"}
	}
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "monitormem: needs root")
		os.Exit(2)
	}
	rtPath, err := exec.LookPath(*runtime)
	if err != nil {
		fmt.Fprintf(os.Stderr, "monitormem: runtime %s: %v\n", *runtime, err)
		os.Exit(2)
	}
	fmt.Printf("%-28s %4s %10s %10s %10s %10s %8s\n", "monitor", "n", "Pss KiB", "PssAnon", "Anon KiB", "Rss KiB", "threads")
	failed := false
	for _, mon := range monitors {
		r, err := measure(mon, rtPath, *runtime, *n, *settle)
		if err != nil {
			fmt.Fprintf(os.Stderr, "monitormem: %s: %v\n", mon, err)
			failed = true
			continue
		}
		fmt.Printf("%-28s %4d %10.0f %10.0f %10.0f %10.0f %8.1f\n", filepath.Base(mon), *n, r["Pss"], r["Pss_Anon"], r["Anonymous"], r["Rss"], r["threads"])
	}
	if failed {
		os.Exit(1)
	}
}

func measure(mon, rtPath, rtName string, n int, settle time.Duration) (map[string]float64, error) {
	mon, err := exec.LookPath(mon)
	if err != nil {
		return nil, err
	}
	mon, _ = filepath.Abs(mon)
	work, err := os.MkdirTemp("", "monitormem")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	rt := &conmontest.Runtime{Name: rtName, Path: rtPath, Root: filepath.Join(work, "rtroot")}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var ids []string
	var pids []int
	defer func() {
		for _, id := range ids {
			_, _ = rt.Run(ctx, "kill", id, "KILL")
		}
		for _, p := range pids {
			for i := 0; i < 500 && syscall.Kill(p, 0) == nil; i++ {
				time.Sleep(10 * time.Millisecond)
			}
		}
		for _, id := range ids {
			_, _ = rt.Run(ctx, "delete", "--force", id)
		}
	}()
	for i := 0; i < n; i++ {
		dir := filepath.Join(work, strconv.Itoa(i))
		b, err := conmontest.MakeBundle(dir, "sleep", "3600")
		if err != nil {
			return nil, err
		}
		run := filepath.Join(dir, "run")
		for _, d := range []string{"exits", "persist"} {
			if err := os.MkdirAll(filepath.Join(run, d), 0o750); err != nil {
				return nil, err
			}
		}
		args := conmon.Args{
			APIVersion: true, CID: b.ID, CUUID: b.ID, Name: b.ID, Runtime: rtPath, Bundle: b.Dir,
			ContainerPidFile: filepath.Join(run, "pidfile"), ConmonPidFile: filepath.Join(run, "conmon.pid"),
			LogPaths: []string{"k8s-file:" + filepath.Join(run, "ctr.log")}, ExitDir: filepath.Join(run, "exits"),
			PersistDir: filepath.Join(run, "persist"), FullAttach: true, RuntimeArgs: rt.GlobalArgs(),
			Syslog: true, LogLevel: "warning",
		}
		m, err := client.Start(ctx, &client.Options{Monitor: mon, Args: args, Dir: b.Dir})
		if err != nil {
			return nil, err
		}
		_, err = m.ReadPid(ctx)
		m.Close()
		if err != nil {
			return nil, err
		}
		ids = append(ids, b.ID)
		pids = append(pids, m.Pid())
		if out, err := rt.Run(ctx, "start", b.ID); err != nil {
			return nil, fmt.Errorf("start: %v: %s", err, out)
		}
	}
	time.Sleep(settle)
	sum := map[string]float64{}
	for _, p := range pids {
		v, err := rollup(p)
		if err != nil {
			return nil, err
		}
		for k, x := range v {
			sum[k] += x
		}
	}
	for k := range sum {
		sum[k] /= float64(len(pids))
	}
	return sum, nil
}

// rollup reads the kB fields of /proc/PID/smaps_rollup and the thread count.
func rollup(pid int) (map[string]float64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v := map[string]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 3 && fields[2] == "kB" {
			x, _ := strconv.ParseFloat(fields[1], 64)
			v[strings.TrimSuffix(fields[0], ":")] = x
		}
	}
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err == nil {
		v["threads"] = float64(len(tasks))
	}
	return v, sc.Err()
}

package main

import (
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// runtimeReplaced upgrades the runtime binary under churn, as a package
// manager does: a new copy is renamed over the old path (and its mtime
// moves) again and again while containers are run, exec'd into, stopped and
// removed with that binary. Nothing may fail: a running container keeps
// running and is stopped with the new binary, pod's probe cache (keyed by
// the binary's identity) follows each replacement, and rm -fa leaves nothing.
// The env runs the runtime by absolute path from a private copy, so the
// host's binary is never touched. A shim has no such copy: the fault says so.
func runtimeReplaced(c *config, churn *podEnv, rng *rand.Rand, f *faultResult) {
	e, baseline, src, bin := privateRuntimeEnv(c, churn, f, "rtreplace")
	if e == nil {
		return
	}
	f.Rounds = 1
	long := "rt-long"
	if !e.runD(f, long, "sleep", "100000") {
		return
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	runs := 0
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				code := (w*7 + i) % 5
				r := e.run(append(append([]string{"run", "--rm"}, e.ctrArgs()...), image, "sh", "-c", fmt.Sprintf("exit %d", code))...)
				x := e.run("exec", long, "true")
				mu.Lock()
				if r.code != code {
					f.problem("run --rm while the runtime is replaced: want exit %d: %s", code, r)
				}
				if x.code != 0 {
					f.problem("exec while the runtime is replaced: %s", x)
				}
				runs++
				mu.Unlock()
			}
		}(w)
	}
	// Replace until both the replacements and the pairs are many (bounded
	// by two minutes: a slow machine runs fewer pairs, not forever).
	replaced, wantPairs := 0, 2*c.rounds+2
	deadline := time.Now().Add(2 * time.Minute)
	pairs := func() int { mu.Lock(); defer mu.Unlock(); return runs }
	for i := 0; i < 4*c.rounds+4 || (pairs() < wantPairs && time.Now().Before(deadline)); i++ {
		time.Sleep(time.Duration(50+rng.Intn(250)) * time.Millisecond)
		tmp := bin + ".new"
		if err := copyExecutable(src, tmp); err != nil {
			mu.Lock()
			f.problem("copying the new runtime: %v", err)
			mu.Unlock()
			break
		}
		// Each copy is a new inode with a new mtime; make the mtime differ
		// even within the file system's timestamp granularity.
		mt := time.Now().Add(time.Duration(i+1) * time.Second)
		_ = os.Chtimes(tmp, mt, mt)
		if err := os.Rename(tmp, bin); err != nil {
			mu.Lock()
			f.problem("replacing the runtime: %v", err)
			mu.Unlock()
			break
		}
		replaced++
	}
	close(stop)
	wg.Wait()
	f.note("the runtime was replaced %d times during %d run --rm + exec pairs", replaced, runs)

	if st, err := e.inspect(long); err != nil || st[0].status != "running" || !pidAlive(st[0].pid) {
		f.problem("%s after the replacements: %+v %v", long, st, err)
	}
	if r := e.run("stop", "-t", "1", long); r.code != 0 {
		f.problem("stop %s with the new binary: %s", long, r)
	}
	e.trueStates(f, "after the replacements", 5*time.Second)
	e.finish(f, baseline)
}

// privateRuntimeEnv makes a fresh store whose runtime is a private copy of
// the churn's runtime binary (src, found on PATH) at bin, run by absolute
// path, so a fault can replace or remove it without touching the host's.
// A shim runtime has no such copy: nil, with a note.
func privateRuntimeEnv(c *config, churn *podEnv, f *faultResult, name string) (e *podEnv, baseline map[string]bool, src, bin string) {
	src, err := exec.LookPath(churn.runtime)
	if err != nil || strings.HasPrefix(churn.runtime, "io.containerd.") {
		f.note("runtime %s is not an OCI runtime on PATH: no private copy to change", churn.runtime)
		return nil, nil, "", ""
	}
	e, baseline = freshEnv(c, churn, f, name, func(e *podEnv) error {
		dir := filepath.Join(e.base, "bin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		bin = filepath.Join(dir, filepath.Base(src))
		if err := copyExecutable(src, bin); err != nil {
			return err
		}
		e.runtime = bin
		return nil
	})
	return e, baseline, src, bin
}

// copyExecutable copies src to dst (a new file) with mode 0755.
func copyExecutable(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

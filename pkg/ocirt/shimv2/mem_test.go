package shimv2

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// memKB returns a process's Rss, Pss and anonymous memory in kB from
// /proc/<pid>/smaps_rollup.
func memKB(pid int) (rss, pss, anon int) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		return 0, 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 2 {
			continue
		}
		n, _ := strconv.Atoi(fs[1])
		switch fs[0] {
		case "Rss:":
			rss = n
		case "Pss:":
			pss = n
		case "Anonymous:":
			anon = n
		}
	}
	return rss, pss, anon
}

// TestMemoryFootprint reports what runs per shim container and its memory:
// it starts POD_SHIM_MEMREPORT (e.g. 10) sleeping containers per shim and
// logs the mean Rss, Pss and anonymous memory of pod-shim and of the shim,
// comparable with test/bench/monitormem's figures for conmon and pod-conmon.
func TestMemoryFootprint(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("POD_SHIM_MEMREPORT"))
	if n <= 0 {
		t.Skip("set POD_SHIM_MEMREPORT=<containers> to measure")
	}
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		var tasks []*task
		for i := 0; i < n; i++ {
			req := f.request(false, false, "sleep", "100")
			tk := f.create(req)
			if err := tk.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			tasks = append(tasks, tk.(*task))
		}
		time.Sleep(2 * time.Second) // let the processes settle
		var m, s [3]int
		for _, tk := range tasks {
			r, p, a := memKB(tk.Ref().MonitorPid)
			if r == 0 {
				t.Fatalf("no memory figures for pod-shim %d", tk.Ref().MonitorPid)
			}
			m[0], m[1], m[2] = m[0]+r, m[1]+p, m[2]+a
			r, p, a = memKB(tk.state.ShimPid)
			if r == 0 {
				t.Fatalf("no memory figures for shim %d", tk.state.ShimPid)
			}
			s[0], s[1], s[2] = s[0]+r, s[1]+p, s[2]+a
		}
		t.Logf("%d containers; mean per container:", n)
		t.Logf("  pod-shim: Rss %d kB, Pss %d kB, anonymous %d kB", m[0]/n, m[1]/n, m[2]/n)
		t.Logf("  shim:     Rss %d kB, Pss %d kB, anonymous %d kB", s[0]/n, s[1]/n, s[2]/n)
		t.Logf("  total:    Rss %d kB, Pss %d kB, anonymous %d kB", (m[0]+s[0])/n, (m[1]+s[1])/n, (m[2]+s[2])/n)
		for _, tk := range tasks {
			_ = tk.Delete(context.Background(), true)
		}
	})
}

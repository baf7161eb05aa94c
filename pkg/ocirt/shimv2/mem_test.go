package shimv2

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
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

// TestMemoryFootprint reports what runs per shim container and its memory
// (set POD_SHIM_MEMREPORT=1; it asserts only that both processes exist).
func TestMemoryFootprint(t *testing.T) {
	if os.Getenv("POD_SHIM_MEMREPORT") == "" {
		t.Skip("set POD_SHIM_MEMREPORT=1 to measure")
	}
	shims(t, func(t *testing.T, shim string) {
		f := newFixture(t, shim)
		req := f.request(false, false, "sleep", "100")
		tk := f.create(req)
		if err := tk.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		st := tk.(*task).state
		mr, mp, ma := memKB(tk.Ref().MonitorPid)
		sr, sp, sa := memKB(st.ShimPid)
		if mr == 0 || sr == 0 {
			t.Fatalf("no memory figures: pod-shim %d shim %d", mr, sr)
		}
		t.Logf("pod-shim pid %d: Rss %d kB, Pss %d kB, anonymous %d kB", tk.Ref().MonitorPid, mr, mp, ma)
		t.Logf("shim     pid %d: Rss %d kB, Pss %d kB, anonymous %d kB", st.ShimPid, sr, sp, sa)
		t.Logf("total per container: Rss %d kB, Pss %d kB, anonymous %d kB", mr+sr, mp+sp, ma+sa)
		_ = tk.Delete(context.Background(), true)
	})
}

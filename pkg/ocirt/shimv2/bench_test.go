package shimv2

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/internal/testutil"
)

// BenchmarkRunRmTrue is the runtime layer's share of `pod run --rm IMAGE
// true` on a shim: Create (pod-shim, shim start, task Create), Start, wait
// for the exit file, Delete (task Delete, Shutdown, cleanup). The shim is
// POD_BENCH_SHIM (default: Debian's runc shim); POD_BENCH_BINARY makes the
// runc shim drive another OCI runtime (BinaryName), e.g. /usr/bin/crun.
func BenchmarkRunRmTrue(b *testing.B) {
	shim := os.Getenv("POD_BENCH_SHIM")
	if shim == "" {
		shim = testutil.DebianRuncShim
	}
	f := newFixture(b, shim)
	if bin := os.Getenv("POD_BENCH_BINARY"); bin != "" {
		// The runc shim driving another OCI runtime (BinaryName), e.g. crun.
		h := f.rt.Handle()
		h.Options, _ = json.Marshal(ocirt.Alias{Type: "io.containerd.runc.v2", Options: map[string]any{"BinaryName": bin}})
		var err error
		if f.rt, err = f.driver.Open(h); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	var create, start, wait, del time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := f.request(false, false, "true")
		req.Exit.Command = nil
		t0 := time.Now()
		tk, err := f.rt.Create(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := tk.Start(ctx); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if _, err := conmon.WaitExitFile(ctx, filepath.Join(req.Exit.Dir, req.ID), "", nil); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		if err := tk.Delete(ctx, true); err != nil {
			b.Fatal(err)
		}
		t4 := time.Now()
		create += t1.Sub(t0)
		start += t2.Sub(t1)
		wait += t3.Sub(t2)
		del += t4.Sub(t3)
	}
	n := time.Duration(b.N)
	b.ReportMetric(float64((create/n).Microseconds())/1000, "create-ms")
	b.ReportMetric(float64((start/n).Microseconds())/1000, "start-ms")
	b.ReportMetric(float64((wait/n).Microseconds())/1000, "wait-ms")
	b.ReportMetric(float64((del/n).Microseconds())/1000, "delete-ms")
}

package libpod

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
)

// TestUpdateResources: a running container's limits go to its runtime and
// into its configuration; a bad value or a runtime without the update
// capability changes nothing.
func TestUpdateResources(t *testing.T) {
	r, fake := newTestRuntime(t)
	ctx := context.Background()
	c := newTestContainer(t, r, "upd", "sleep", "1000")
	if err := c.Start(ctx, nil); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Stop(ctx, new(uint)) }()
	res, err := c.UpdateResources(ctx, func(o *CreateOptions) { o.Spec.Memory = "64m"; o.Spec.CPUShares = 512 })
	if err != nil {
		t.Fatal(err)
	}
	if res == nil || res.Memory == nil || *res.Memory.Limit != 64<<20 || res.CPU == nil || *res.CPU.Shares != 512 {
		t.Fatalf("resources applied: %+v", res)
	}
	if !slices.Contains(fake.Calls, "update "+c.ID()) {
		t.Fatalf("the runtime was not asked: %v", fake.Calls)
	}
	got, _ := r.LookupContainer("upd")
	if got.Config().Spec.Memory != "64m" || got.Inspect().HostConfig.CpuShares != 512 {
		t.Fatalf("not recorded: %+v", got.Config().Spec)
	}
	// A bad value: refused, nothing recorded.
	if _, err := c.UpdateResources(ctx, func(o *CreateOptions) { o.Spec.Memory = "1k" }); errdefs.ExitCode(err) != errdefs.ExitEngine {
		t.Fatalf("--memory 1k: %v", err)
	}
	// Without the capability: refused before the runtime is asked.
	fake.Without = []ocirt.Capability{ocirt.CapUpdate}
	n := len(fake.Calls)
	_, err = c.UpdateResources(ctx, func(o *CreateOptions) { o.Spec.Memory = "128m" })
	if err == nil || !strings.Contains(err.Error(), "(capability update") || errdefs.ExitCode(err) != errdefs.ExitEngine {
		t.Fatalf("without the capability: %v", err)
	}
	if len(fake.Calls) != n {
		t.Fatalf("the runtime was asked anyway: %v", fake.Calls[n:])
	}
	got, _ = r.LookupContainer("upd")
	if got.Config().Spec.Memory != "64m" {
		t.Fatalf("a refused update was recorded: %q", got.Config().Spec.Memory)
	}
}

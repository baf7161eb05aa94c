package libpod

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt"
	"github.com/pod-engine/pod/pkg/ocirt/ocirttest"
	"github.com/pod-engine/pod/pkg/ocirt/podconf"
)

// capCases are the refusals of docs/runtimes.md: each needs one capability,
// at create or at exec.
var capCases = []struct {
	cap    ocirt.Capability
	flag   string
	create func(o *CreateOptions) // nil: an exec case
	exec   ExecOptions
}{
	{cap: ocirt.CapNoCgroups, flag: "--cgroups=disabled", create: func(o *CreateOptions) { o.Spec.Cgroups = "disabled" }},
	{cap: ocirt.CapLogJournald, flag: "the journald log driver", create: func(o *CreateOptions) { o.LogDriver = "journald" }},
	{cap: ocirt.CapLogPassthrough, flag: "the passthrough log driver", create: func(o *CreateOptions) { o.LogDriver = "passthrough" }},
	{cap: ocirt.CapKeepGroups, flag: "--group-add keep-groups", create: func(o *CreateOptions) { o.Spec.GroupAdd = []string{"keep-groups"} }},
	{cap: ocirt.CapExec, flag: "exec", exec: ExecOptions{Cmd: []string{"true"}, Detach: true}},
	{cap: ocirt.CapPreserveFDs, flag: "--preserve-fds", exec: ExecOptions{Cmd: []string{"true"}, Detach: true, PreserveFDs: 1}},
}

// TestCapabilityTable takes each capability away in turn, through the fake
// kind and through a pod.conf declaration, and checks the refusal: before
// anything is created, naming the runtime, what was asked and the
// capability; with the capability the same request goes through.
func TestCapabilityTable(t *testing.T) {
	for _, how := range []string{"kind", "pod.conf"} {
		for _, c := range capCases {
			t.Run(how+"/"+string(c.cap), func(t *testing.T) {
				without := func(t *testing.T) (*Runtime, *ocirttest.Fake) {
					if how == "pod.conf" {
						conf := filepath.Join(t.TempDir(), "pod.conf")
						if err := os.WriteFile(conf, []byte("[capabilities.fake]\n\""+string(c.cap)+"\" = false\n"), 0o600); err != nil {
							t.Fatal(err)
						}
						t.Setenv(podconf.EnvConfig, conf)
						return newTestRuntime(t)
					}
					r, fake := newTestRuntime(t)
					fake.Without = []ocirt.Capability{c.cap}
					return r, fake
				}
				check := func(err error) {
					t.Helper()
					msg := ""
					if err != nil {
						msg = err.Error()
					}
					if !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(msg, `runtime "fake"`) ||
						!strings.Contains(msg, c.flag) || !strings.Contains(msg, "capability "+string(c.cap)) {
						t.Fatalf("want a refusal naming the runtime, %q and capability %s; got %v", c.flag, c.cap, err)
					}
				}
				if c.create != nil {
					r, fake := without(t)
					o := &CreateOptions{Runtime: ocirttest.FakeName, Spec: specgen.Options{Name: "capped", Rootfs: t.TempDir(), Command: []string{"true"}}}
					c.create(o)
					_, err := r.CreateContainer(context.Background(), o)
					check(err)
					if _, lerr := r.LookupContainer("capped"); !errors.Is(lerr, errdefs.ErrNotFound) || len(fake.Calls) != 0 {
						t.Fatalf("a refused create left something behind: lookup %v, runtime calls %v", lerr, fake.Calls)
					}
					// With the capability, the same options create the container.
					t.Setenv(podconf.EnvConfig, "")
					r2, _ := newTestRuntime(t)
					o.Spec.Rootfs = t.TempDir()
					if _, err := r2.CreateContainer(context.Background(), o); err != nil {
						t.Fatalf("with %s: %v", c.cap, err)
					}
					return
				}
				r, _ := without(t)
				ctr := newTestContainer(t, r, "capped", "sleep", "1000")
				if err := ctr.Start(context.Background(), nil); err != nil {
					t.Fatal(err)
				}
				_, _, err := ctr.Exec(context.Background(), c.exec, nil)
				check(err)
				if entries, _ := os.ReadDir(filepath.Join(ctr.runDir(), "exec")); len(entries) != 0 {
					t.Fatalf("a refused exec left %d session dirs", len(entries))
				}
			})
		}
	}
}

// TestCapabilityDeclarationAdds checks that pod.conf can declare what the
// kind says a runtime lacks, and that runtime inspect shows where it came
// from.
func TestCapabilityDeclarationAdds(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "pod.conf")
	if err := os.WriteFile(conf, []byte("[capabilities.fake]\nterminal = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(podconf.EnvConfig, conf)
	r, _ := newTestRuntime(t)
	o := &CreateOptions{Runtime: ocirttest.FakeName, Spec: specgen.Options{Name: "tty", Rootfs: t.TempDir(), Command: []string{"sh"}, Terminal: true}}
	if _, err := r.CreateContainer(context.Background(), o); err != nil {
		t.Fatalf("declared terminal: %v", err)
	}
	info, err := r.InspectRuntime(context.Background(), ocirttest.FakeName)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Capabilities[ocirt.CapTerminal]; !got.Has || !strings.Contains(got.Source, "pod.conf") {
		t.Fatalf("terminal capability %+v, want declared by pod.conf", got)
	}
	if got := info.Capabilities[ocirt.CapUserNS]; got.Has || got.Source != "probe" {
		t.Fatalf("userns capability %+v, want missing per the probe's features", got)
	}
}

// TestTerminalRefusedByTheFake: the fake kind gives no terminal, so -t is
// refused at create, naming the capability.
func TestTerminalRefusedByTheFake(t *testing.T) {
	r, _ := newTestRuntime(t)
	o := &CreateOptions{Runtime: ocirttest.FakeName, Spec: specgen.Options{Name: "tty", Rootfs: t.TempDir(), Command: []string{"sh"}, Terminal: true}}
	_, err := r.CreateContainer(context.Background(), o)
	if !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), "capability terminal") {
		t.Fatalf("create -t on the fake: %v", err)
	}
}

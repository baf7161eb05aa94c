//go:build integration

package integration

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// TestFilterAndExternalContainers drives the container filters, ps's sizes
// and the listing of storage containers another tool made, on the real
// state database and store.
func TestFilterAndExternalContainers(t *testing.T) {
	r := newRuntime(t)
	importBusybox(t, r, "localhost/ftest")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	mk := func(name string, labels map[string]string) *libpod.Container {
		o := opts("", "", "ftest", false, "true")
		o.Spec.Name, o.Spec.Labels = name, labels
		c, err := r.CreateContainer(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a := mk("f-a.1", map[string]string{"tier": "web", "odd": "a b \"c\""})
	mk("f-b_2", nil)
	names := func(args ...string) string {
		t.Helper()
		cs, err := r.FilterContainers(args)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		var s []string
		for _, c := range cs {
			s = append(s, c.Name())
		}
		return strings.Join(s, ",")
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "f-a.1,f-b_2"},
		{[]string{"label=tier=web"}, "f-a.1"},
		{[]string{"label=odd=a b \"c\""}, "f-a.1"},
		{[]string{"name=b_2$", "name=^f-a"}, "f-a.1,f-b_2"},
		{[]string{"name=f", "label=tier"}, "f-a.1"},
		{[]string{"id=" + a.ID()[:5]}, "f-a.1"},
		{[]string{"since=f-a.1"}, "f-b_2"},
		{[]string{"before=f-b_2"}, "f-a.1"},
		{[]string{"ancestor=ftest"}, "f-a.1,f-b_2"},
		{[]string{"ancestor=localhost/ftest:latest"}, "f-a.1,f-b_2"},
		{[]string{"status=created"}, "f-a.1,f-b_2"},
		{[]string{"status=running"}, ""},
	} {
		if got := names(tc.args...); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.args, got, tc.want)
		}
	}
	if _, err := r.FilterContainers([]string{"bogus=1"}); !errors.Is(err, errdefs.ErrInvalidArgument) || err.Error() != "bogus is an invalid filter" {
		t.Errorf("bogus key: %v", err)
	}
	if _, err := r.FilterContainers([]string{"since=nosuch"}); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("since a missing container: %v", err)
	}
	rw, rootFs, err := a.Sizes()
	if err != nil || rootFs <= 0 || rw < 0 {
		t.Errorf("sizes: rw %d rootfs %d: %v", rw, rootFs, err)
	}

	ext, err := r.ExternalContainers()
	if err != nil || len(ext) != 0 {
		t.Fatalf("external before buildah: %v %v", ext, err)
	}
	if _, err := exec.LookPath("buildah"); err != nil {
		t.Skip("buildah is not installed: no container of another tool to list")
	}
	p := r.Paths()
	out, err := exec.Command("buildah", "--root", p.GraphRoot, "--runroot", p.RunRoot, "from", "--name", "their ctr", "localhost/ftest").CombinedOutput()
	if err != nil {
		t.Fatalf("buildah from: %v: %s", err, out)
	}
	t.Cleanup(func() {
		_ = exec.Command("buildah", "--root", p.GraphRoot, "--runroot", p.RunRoot, "rm", "their ctr").Run()
	})
	ext, err = r.ExternalContainers()
	if err != nil || len(ext) != 1 {
		t.Fatalf("external: %v %v", ext, err)
	}
	if e := ext[0]; !e.Buildah || e.Names[0] != "their ctr" || e.ImageName != "localhost/ftest:latest" || e.Created.IsZero() {
		t.Errorf("external container: %+v", e)
	}
}

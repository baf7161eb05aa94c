package autoupdate

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

type fakeImages struct {
	local   map[string]string // name -> ID
	remote  map[string]bool   // name -> differs
	pulls   []string
	tags    []string
	pullErr error
}

func (f *fakeImages) LocalID(_ context.Context, name string) (string, error) {
	id, ok := f.local[name]
	if !ok {
		return "", fmt.Errorf("%s: image not known", name)
	}
	return id, nil
}
func (f *fakeImages) RemoteDiffers(_ context.Context, name string) (bool, error) {
	return f.remote[name], nil
}
func (f *fakeImages) Pull(_ context.Context, name string) (string, error) {
	f.pulls = append(f.pulls, name)
	return "new", f.pullErr
}
func (f *fakeImages) Tag(_ context.Context, id, name string) error {
	f.tags = append(f.tags, id+"="+name)
	return nil
}

type fakeUnits struct {
	fail     map[string]int // unit -> restarts that fail before one works
	restarts []string
	err      error
}

func (f *fakeUnits) Restart(_ context.Context, unit string) error {
	f.restarts = append(f.restarts, unit)
	if f.err != nil {
		return f.err
	}
	if f.fail[unit] > 0 {
		f.fail[unit]--
		return errors.New("job failed")
	}
	return nil
}

func ctr(name, image, id, policy, unit string) Container {
	l := map[string]string{}
	if policy != "" {
		l[LabelPolicy] = policy
	}
	if unit != "" {
		l[LabelUnit] = unit
	}
	return Container{ID: name + "0123456789abcdef", Name: name, Image: image, ImageID: id, Labels: l}
}

func updated(rs []Report) string {
	var b []string
	for _, r := range rs {
		b = append(b, r.ContainerName+":"+r.Policy+":"+r.Updated)
	}
	return strings.Join(b, " ")
}

func TestRun(t *testing.T) {
	ctrs := []Container{
		ctr("plain", "localhost/a", "1", "", ""),
		ctr("loc", "localhost/a", "1", "local", "b.service"),
		ctr("same", "localhost/s", "5", "local", "c.service"),
		ctr("reg", "127.0.0.1:5000/r:1", "7", "image", "a.service"),
		ctr("reg2", "127.0.0.1:5000/r:1", "7", "registry", "a.service"),
		ctr("nounit", "localhost/a", "1", "local", ""),
		ctr("short", "busybox", "1", "registry", "d.service"),
		ctr("bad", "localhost/a", "1", "sometimes", "e.service"),
	}
	img := &fakeImages{local: map[string]string{"localhost/a": "2", "localhost/s": "5"}, remote: map[string]bool{"127.0.0.1:5000/r:1": true}}

	// dry run: nothing pulled or restarted
	units := &fakeUnits{}
	rs, errs := Run(context.Background(), ctrs, img, units, Options{DryRun: true, Rollback: true})
	if got, want := updated(rs), "reg:registry:pending reg2:registry:pending loc:local:pending same:local:false"; got != want {
		t.Fatalf("dry run: got %q, want %q", got, want)
	}
	if len(errs) != 3 || len(img.pulls) != 0 || len(units.restarts) != 0 {
		t.Fatalf("dry run: errs %v, pulls %v, restarts %v", errs, img.pulls, units.restarts)
	}
	for i, want := range []string{"no PODMAN_SYSTEMD_UNIT label", "not a fully-qualified image reference", "invalid auto-update policy \"sometimes\""} {
		if !strings.Contains(errs[i].Error(), want) {
			t.Errorf("error %d: %v, want %q", i, errs[i], want)
		}
	}

	// update: one pull per image, one restart per unit
	rs, _ = Run(context.Background(), ctrs, img, units, Options{Rollback: true})
	if got, want := updated(rs), "reg:registry:true reg2:registry:true loc:local:true same:local:false"; got != want {
		t.Fatalf("update: got %q, want %q", got, want)
	}
	if !reflect.DeepEqual(img.pulls, []string{"127.0.0.1:5000/r:1"}) || !reflect.DeepEqual(units.restarts, []string{"a.service", "b.service"}) {
		t.Fatalf("update: pulls %v, restarts %v", img.pulls, units.restarts)
	}
	if rs[0].Container != "reg012345678 (reg)" || rs[0].Unit != "a.service" || rs[0].Image != "127.0.0.1:5000/r:1" {
		t.Fatalf("report fields: %+v", rs[0])
	}
}

func TestRollback(t *testing.T) {
	ctrs := []Container{ctr("loc", "localhost/a", "1", "local", "b.service")}
	img := &fakeImages{local: map[string]string{"localhost/a": "2"}}

	units := &fakeUnits{fail: map[string]int{"b.service": 1}}
	rs, errs := Run(context.Background(), ctrs, img, units, Options{Rollback: true})
	if updated(rs) != "loc:local:rolled back" || len(errs) != 1 || !reflect.DeepEqual(img.tags, []string{"1=localhost/a"}) || len(units.restarts) != 2 {
		t.Fatalf("rollback: %q %v tags %v restarts %v", updated(rs), errs, img.tags, units.restarts)
	}

	img.tags = nil
	units = &fakeUnits{fail: map[string]int{"b.service": 1}}
	rs, _ = Run(context.Background(), ctrs, img, units, Options{Rollback: false})
	if updated(rs) != "loc:local:failed" || img.tags != nil || len(units.restarts) != 1 {
		t.Fatalf("no rollback: %q tags %v restarts %v", updated(rs), img.tags, units.restarts)
	}

	// no systemd at all: failed, and the image is left alone
	units = &fakeUnits{err: fmt.Errorf("%w: dial", ErrNoManager)}
	rs, errs = Run(context.Background(), ctrs, img, units, Options{Rollback: true})
	if updated(rs) != "loc:local:failed" || img.tags != nil || len(errs) != 1 || !errors.Is(errs[0], ErrNoManager) {
		t.Fatalf("no manager: %q %v tags %v", updated(rs), errs, img.tags)
	}
}

func TestQualified(t *testing.T) {
	for name, want := range map[string]bool{
		"busybox": false, "library/busybox": false, "docker.io/library/busybox": true,
		"localhost/x": true, "127.0.0.1:5000/x:1": true, "quay.io/x@sha256:00": false,
	} {
		if qualified(name) != want {
			t.Errorf("qualified(%q) = %v", name, !want)
		}
	}
}

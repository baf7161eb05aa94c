package build

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openshift/imagebuilder"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagecommit"
)

// Bad Containerfiles fail before the store or the engine is touched (both nil here).
func TestBadContainerfiles(t *testing.T) {
	for cf, want := range map[string]string{
		"FROM busybox\nFROBNICATE x\n": "unknown instruction: FROBNICATE",
		"RUN true\n":                   "no FROM",
		"FROM a AS one\nRUN x\n":       `the target "nope" was not found`,
	} {
		o := Options{ContextDir: t.TempDir(), Containerfiles: [][]byte{[]byte(cf)}, Target: "nope"}
		if !strings.Contains(want, "target") {
			o.Target = ""
		}
		_, err := Build(context.Background(), nil, nil, o)
		if err == nil || !errors.Is(err, errdefs.ErrInvalidArgument) && want != "" {
			t.Errorf("%q: got %v, want an invalid-argument error", cf, err)
			continue
		}
		if want != "" && !strings.Contains(err.Error(), want) && !strings.Contains(err.Error(), "FROM") {
			t.Errorf("%q: got %v, want %q", cf, err, want)
		}
	}
}

func TestConfigRoundTrip(t *testing.T) {
	c := imagecommit.Config{User: "u", Env: []string{"A=b"}, Cmd: []string{"sh"}, Entrypoint: []string{"/e"},
		WorkingDir: "/w", Labels: map[string]string{"l": "v"}, StopSignal: "SIGINT",
		ExposedPorts: map[string]struct{}{"80/tcp": {}}, Volumes: map[string]struct{}{"/v": {}},
		OnBuild: []string{"RUN x"}, Shell: []string{"/bin/bash", "-c"},
		Healthcheck: &imagecommit.HealthCheck{Test: []string{"CMD", "true"}, Interval: time.Second, Retries: 3}}
	if got := fromDocker(toDocker(c)); !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip: %+v\nwant %+v", got, c)
	}
}

func TestCopyExcludesChownAndDirs(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chown needs root")
	}
	ctx, root := t.TempDir(), t.TempDir()
	must(t, os.MkdirAll(filepath.Join(ctx, "d/sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(ctx, "d/sub/keep"), []byte("k"), 0o640))
	must(t, os.WriteFile(filepath.Join(ctx, "d/skip.log"), []byte("s"), 0o644))
	must(t, os.Symlink("sub/keep", filepath.Join(ctx, "d/link")))
	must(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("app:x:1000:1001::/:/bin/sh\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "etc/group"), []byte("grp:x:2000:\n"), 0o644))
	r := &run{o: Options{ContextDir: ctx}}
	err := r.copy(root, []string{"**/*.log"}, imagebuilder.Copy{Src: []string{"d"}, Dest: "/out/", Chown: "app:grp"})
	must(t, err)
	fi, err := os.Stat(filepath.Join(root, "out/sub/keep"))
	must(t, err)
	if o, _ := sysOwner(fi); o != [2]int{1000, 2000} || fi.Mode().Perm() != 0o640 {
		t.Fatalf("owner %v mode %v", o, fi.Mode())
	}
	if _, err := os.Stat(filepath.Join(root, "out/skip.log")); !os.IsNotExist(err) {
		t.Fatalf("excluded file copied: %v", err)
	}
	if l, err := os.Readlink(filepath.Join(root, "out/link")); err != nil || l != "sub/keep" {
		t.Fatalf("link: %q %v", l, err)
	}
	// A source escaping the context stays inside it; a missing one is NotFound.
	err = r.copy(root, nil, imagebuilder.Copy{Src: []string{"../../etc/shadow-nope"}, Dest: "/x"})
	if !errors.Is(err, errdefs.ErrNotFound) {
		t.Fatalf("missing source: %v", err)
	}
	// A destination escaping the root is kept inside it.
	must(t, r.copy(root, nil, imagebuilder.Copy{Src: []string{"d/sub/keep"}, Dest: "/../../escaped"}))
	if _, err := os.Stat(filepath.Join(root, "escaped")); err != nil {
		t.Fatalf("escaping destination not rooted: %v", err)
	}
	if _, _, err := lookupOwner(root, "nobody-here"); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Fatalf("unknown user: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

package imagecommit

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestApplyChanges(t *testing.T) {
	cfg := Config{Env: []string{"PATH=/bin", "K=old"}, WorkingDir: "/a"}
	err := ApplyChanges(&cfg, []string{
		`CMD ["sh","-c","x"]`, "ENTRYPOINT top -b", "ENV K=new", `ENV "Q"="r s"`, "EXPOSE 53/UDP", "EXPOSE 80",
		"LABEL a=b=c", "STOPSIGNAL KILL", "USER nobody", "VOLUME /v /w", "WORKDIR b", "ONBUILD RUN x", "cmd=true",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Env: []string{"PATH=/bin", "K=new", "Q=r s"}, WorkingDir: "/a/b", Cmd: []string{"/bin/sh", "-c", "true"},
		Entrypoint: []string{"/bin/sh", "-c", "top -b"}, ExposedPorts: map[string]struct{}{"53/udp": {}, "80/tcp": {}},
		Labels: map[string]string{"a": "b=c"}, StopSignal: "9", User: "nobody",
		Volumes: map[string]struct{}{"/v": {}, "/w": {}}, OnBuild: []string{"RUN x"},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("got %+v\nwant %+v", cfg, want)
	}
	for _, bad := range []string{"BOGUS x", "nospace", "EXPOSE 0", "EXPOSE 1/sctp", "EXPOSE a", "LABEL x", "LABEL =v",
		"USER ", "WORKDIR ", "STOPSIGNAL NOPE", "ENV =x", "VOLUME a  b", "ONBUILD "} {
		c := Config{}
		err := ApplyChanges(&c, []string{bad})
		if err == nil || !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), "invalid change") {
			t.Errorf("%q: got %v, want an invalid-change error", bad, err)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"x": "localhost/x:latest", "x:1": "localhost/x:1", "a/b": "localhost/a/b:latest",
		"quay.io/a/b": "quay.io/a/b:latest", "localhost:5000/x": "localhost:5000/x:latest",
		"docker.io/busybox": "docker.io/library/busybox:latest",
	} {
		got, err := NormalizeName(in)
		if err != nil || got != want {
			t.Errorf("NormalizeName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"UPPER", "", "a b", "x:", "@"} {
		if _, err := NormalizeName(bad); err == nil {
			t.Errorf("NormalizeName(%q) accepted", bad)
		}
	}
}

func FuzzApplyChanges(f *testing.F) {
	for _, s := range []string{`CMD ["a"]`, "ENV a=b", "EXPOSE 80/udp", "LABEL \"a\"=\"b\"", "VOLUME [\"/x\"]",
		"WORKDIR ../..", "STOPSIGNAL RTMIN+3", "ENTRYPOINT", "USER=1:1", "ONBUILD RUN x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var cfg Config
		if err := ApplyChanges(&cfg, []string{s}); err != nil {
			if !errors.Is(err, errdefs.ErrInvalidArgument) {
				t.Fatalf("%q: error without class: %v", s, err)
			}
			return
		}
		for p := range cfg.ExposedPorts {
			if !strings.HasSuffix(p, "/tcp") && !strings.HasSuffix(p, "/udp") {
				t.Fatalf("%q: exposed %q", s, p)
			}
		}
		if cfg.WorkingDir != "" && !strings.HasPrefix(cfg.WorkingDir, "/") {
			t.Fatalf("%q: relative workdir %q", s, cfg.WorkingDir)
		}
		c2 := cfg.Clone()
		if !reflect.DeepEqual(c2, cfg) {
			t.Fatalf("%q: clone differs", s)
		}
	})
}

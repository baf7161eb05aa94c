package libpod

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestParseUntil(t *testing.T) {
	now := time.Now()
	for in, want := range map[string]time.Time{
		"1h":                   now.Add(-time.Hour),
		"-30m":                 now.Add(30 * time.Minute),
		"2025-01-02":           time.Date(2025, 1, 2, 0, 0, 0, 0, time.Local),
		"2025-01-02T03:04:05Z": time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		"1700000000":           time.Unix(1700000000, 0),
		"1700000000.5":         time.Unix(1700000000, 5e8),
	} {
		got, err := parseUntil(in)
		if err != nil || got.Sub(want).Abs() > 2*time.Second {
			t.Errorf("parseUntil(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	_, err := parseUntil("garbage")
	if !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.HasPrefix(err.Error(), `failed to parse value as time or duration: "garbage"`) {
		t.Errorf("garbage: %v", err)
	}
}

func TestPruneFilters(t *testing.T) {
	old := &Container{config: ContainerConfig{Created: time.Now().Add(-48 * time.Hour),
		Spec: specgen.Options{Labels: map[string]string{"stage": "test"}}}}
	fresh := &Container{config: ContainerConfig{Created: time.Now(),
		ImageConfig: specgen.Image{Labels: map[string]string{"from": "image"}}}}
	for _, c := range []struct {
		filters    []string
		old, fresh bool
	}{
		{nil, true, true},
		{[]string{"label=stage"}, true, false},
		{[]string{"label=stage=prod"}, false, false},
		{[]string{"label=stage=prod", "label=from=image"}, false, true}, // one key: OR
		{[]string{"label!=stage=test"}, false, true},
		{[]string{"until=24h"}, true, false},
		{[]string{"until=24h", "label=from"}, false, false}, // two keys: AND
	} {
		fs, err := parsePruneFilters(c.filters)
		if err != nil {
			t.Fatal(err)
		}
		match := func(ct *Container) bool {
			for _, f := range fs {
				if !f(ct) {
					return false
				}
			}
			return true
		}
		if match(old) != c.old || match(fresh) != c.fresh {
			t.Errorf("%q: old %v fresh %v, want %v %v", c.filters, match(old), match(fresh), c.old, c.fresh)
		}
	}
	for _, bad := range []string{"bogus=1", "label", "until=never"} {
		if _, err := parsePruneFilters([]string{bad}); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestPorts(t *testing.T) {
	c := &Container{state: ContainerState{Status: StatusRunning}, config: ContainerConfig{PortMappings: []PortMapping{
		{ContainerPort: 80, HostPort: 8080, Protocol: "tcp,udp"},
		{HostIP: "127.0.0.1", ContainerPort: 5000, HostPort: 6000, Range: 2},
	}}}
	var got []string
	for _, p := range c.Ports(PortFilter{}) {
		got = append(got, p.String())
	}
	want := "80/tcp -> 0.0.0.0:8080|80/udp -> 0.0.0.0:8080|5000/tcp -> 127.0.0.1:6000|5001/tcp -> 127.0.0.1:6001"
	if strings.Join(got, "|") != want {
		t.Fatalf("ports %q", got)
	}
	f, err := ParsePortFilter("80/udp")
	if err != nil {
		t.Fatal(err)
	}
	if ps := c.Ports(f); len(ps) != 1 || ps[0].String() != "80/udp -> 0.0.0.0:8080" {
		t.Fatalf("80/udp: %v", ps)
	}
	f, _ = ParsePortFilter("80")
	if ps := c.Ports(f); len(ps) != 1 || ps[0].String() != "80/tcp -> 0.0.0.0:8080" {
		t.Fatalf("80 (tcp, as Podman): %v", ps)
	}
	f, _ = ParsePortFilter("5001")
	if ps := c.Ports(f); len(ps) != 1 || ps[0].HostPort != 6001 {
		t.Fatalf("5001: %v", ps)
	}
	c.state.Status = StatusExited
	if ps := c.Ports(PortFilter{}); len(ps) != 0 {
		t.Fatalf("a stopped container publishes %v", ps)
	}
	for _, bad := range []string{"abc", "70000", "", "/tcp"} {
		if _, err := ParsePortFilter(bad); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestPodmanStateNames(t *testing.T) {
	for s, want := range map[Status]string{StatusConfigured: "created", StatusCreated: "initialized",
		StatusRunning: "running", StatusStopped: "exited", StatusExited: "exited"} {
		if got := s.PodmanState(); got != want {
			t.Errorf("%s: %q, want %q", s, got, want)
		}
	}
}

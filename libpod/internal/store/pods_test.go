package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestPods(t *testing.T) {
	s := open(t)
	a := &Row{ID: "abc123" + strings.Repeat("0", 58), Name: "web", Created: 1, Config: []byte(`{"a":1}`), State: []byte(`{}`)}
	b := &Row{ID: "abd456" + strings.Repeat("0", 58), Name: "db", Created: 2, Config: []byte(`{}`), State: []byte(`{}`)}
	for _, r := range []*Row{a, b} {
		if err := s.AddPod(r); err != nil {
			t.Fatal(err)
		}
	}
	dup := *a
	dup.ID = "fff" + strings.Repeat("0", 61)
	if err := s.AddPod(&dup); !errors.Is(err, errdefs.ErrAlreadyExists) || !strings.Contains(err.Error(), `pod name "web"`) {
		t.Errorf("duplicate name: %v", err)
	}
	// Pods and containers are apart: a container may share a pod's name.
	if err := s.Add(&Row{ID: a.ID, Name: "web", Config: []byte(`{}`), State: []byte(`{}`)}); err != nil {
		t.Errorf("container named like a pod: %v", err)
	}
	for ref, want := range map[string]string{"web": a.ID, "abc": a.ID, a.ID: a.ID, "abd4": b.ID} {
		if got, err := s.LookupPodID(ref); err != nil || got != want {
			t.Errorf("LookupPodID(%q) = %q, %v", ref, got, err)
		}
	}
	if _, err := s.LookupPodID("ab"); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("ambiguous prefix: %v", err)
	}
	if _, err := s.LookupPodID("nope"); !errors.Is(err, errdefs.ErrNoSuchPod) || err.Error() != "no pod with name or ID nope found: no such pod" {
		t.Errorf("missing pod: %v", err)
	}
	if err := s.SavePod(a.ID, []byte(`{"a":2}`), []byte(`{"s":1}`)); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetPod(a.ID)
	if err != nil || string(got.Config) != `{"a":2}` || string(got.State) != `{"s":1}` {
		t.Errorf("GetPod = %+v, %v", got, err)
	}
	list, err := s.ListPods()
	if err != nil || len(list) != 2 || list[0].Name != "web" {
		t.Errorf("ListPods = %v, %v", list, err)
	}
	if err := s.RemovePod(a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RemovePod(a.ID); err != nil {
		t.Errorf("removing twice: %v", err)
	}
	if _, err := s.GetPod(a.ID); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("removed pod: %v", err)
	}
	if err := s.SavePod(a.ID, nil, nil); !errors.Is(err, errdefs.ErrNoSuchPod) {
		t.Errorf("saving a removed pod: %v", err)
	}
}

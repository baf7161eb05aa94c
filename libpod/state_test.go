package libpod

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

var allStatuses = []Status{StatusConfigured, StatusCreated, StatusRunning, StatusPaused, StatusStopping, StatusStopped, StatusExited, StatusRemoving}

// TestPreconditionTable checks the verb table against Podman's behaviour
// and against the transition table: a verb allowed in a state must be able
// to reach its result from there.
func TestPreconditionTable(t *testing.T) {
	// What each verb is allowed on (without force), as Podman 4.3.1 does it.
	want := map[Verb][]Status{
		VerbStart:      {StatusConfigured, StatusCreated, StatusRunning, StatusStopped, StatusExited},
		VerbStop:       {StatusConfigured, StatusCreated, StatusRunning, StatusPaused, StatusStopping, StatusStopped, StatusExited},
		VerbKill:       {StatusRunning, StatusPaused, StatusStopping},
		VerbPause:      {StatusRunning},
		VerbUnpause:    {StatusPaused},
		VerbRestart:    {StatusConfigured, StatusCreated, StatusRunning, StatusStopped, StatusExited},
		VerbRemove:     {StatusConfigured, StatusCreated, StatusStopped, StatusExited, StatusRemoving},
		VerbUpdate:     {StatusConfigured, StatusExited},
		VerbExec:       {StatusRunning},
		VerbInit:       {StatusConfigured, StatusStopped, StatusExited},
		VerbCheckpoint: {StatusRunning},
		VerbRestore:    {StatusConfigured, StatusStopped, StatusExited},
	}
	// Where a verb's work ends, through the transition table ("" = no state change).
	result := map[Verb]Status{
		VerbStart: StatusRunning, VerbStop: StatusExited, VerbPause: StatusPaused, VerbUnpause: StatusRunning,
		VerbRestart: StatusRunning, VerbRemove: StatusRemoving, VerbInit: StatusCreated,
		VerbCheckpoint: StatusExited, VerbRestore: StatusRunning,
	}
	if got := Verbs(); len(got) != len(want) {
		t.Fatalf("table has verbs %v, test knows %d", got, len(want))
	}
	for _, v := range Verbs() {
		p := preconditions[v]
		for _, s := range allStatuses {
			allowed := s.Allows(v, false)
			if allowed != slices.Contains(want[v], s) {
				t.Errorf("%s on a %s container: allowed=%v", v, s, allowed)
			}
			run, err := checkVerb(v, "ID", s, false)
			switch {
			case allowed && err != nil, !allowed && !errors.Is(err, errdefs.ErrConflict):
				t.Errorf("checkVerb(%s, %s) = %v, %v", v, s, run, err)
			case !allowed && v != VerbCheckpoint && v != VerbExec && !strings.Contains(err.Error(), "ID"): // Podman's checkpoint refusal names the state only, its exec refusal neither
				t.Errorf("refusal of %s on %s does not name the container: %v", v, s, err)
			}
			if run && result[v] != "" && !reachable(s, result[v]) {
				t.Errorf("%s works on a %s container but the transition table cannot reach %s from there", v, s, result[v])
			}
			n := 0
			for _, list := range [][]Status{p.does, p.noop, p.force} {
				if slices.Contains(list, s) {
					n++
				}
			}
			if n > 1 {
				t.Errorf("%s: state %s is in more than one of does/noop/force", v, s)
			}
		}
	}
	// rm -f also takes running, paused and stopping containers.
	for _, s := range allStatuses {
		if !s.Allows(VerbRemove, true) {
			t.Errorf("rm -f refuses a %s container", s)
		}
	}
	if run, err := checkVerb(VerbStart, "ID", StatusRunning, false); run || err != nil {
		t.Errorf("start of a running container: %v, %v; want a no-op", run, err)
	}
	if _, err := checkVerb("frobnicate", "ID", StatusRunning, false); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("unknown verb: %v", err)
	}
}

// TestPreconditionWording: Podman's messages, as its users grep for them.
func TestPreconditionWording(t *testing.T) {
	cases := []struct {
		v    Verb
		s    Status
		want string
	}{
		// Podman 4.3.1 names an init'ed container "initialized", a
		// configured one "created", a stopped one "exited".
		{VerbKill, StatusCreated, "can only kill running containers. ID is in state initialized: container state improper"},
		{VerbKill, StatusConfigured, "can only kill running containers. ID is in state created: container state improper"},
		{VerbKill, StatusStopped, "can only kill running containers. ID is in state exited: container state improper"},
		{VerbPause, StatusPaused, `"ID" is already paused: container state improper`},
		{VerbPause, StatusExited, `"ID" is not running, can't pause: container state improper`},
		{VerbUnpause, StatusRunning, `"ID" is not paused, can't unpause: container state improper`},
		{VerbRemove, StatusRunning, "cannot remove container ID as it is running - running or paused containers cannot be removed without force: container state improper"},
		{VerbStart, StatusPaused, `unable to start container "ID": container ID must be in Created or Stopped state to be started: container state improper`},
	}
	for _, c := range cases {
		_, err := checkVerb(c.v, "ID", c.s, false)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s on %s: %v\nwant %s", c.v, c.s, err, c.want)
		}
	}
}

// reachable reports whether the transition table leads from one state to another.
func reachable(from, to Status) bool {
	seen := map[Status]bool{from: true}
	queue := []Status{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s == to {
			return true
		}
		for _, n := range transitions[s] {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	return false
}

// TestVerbsFollowTheTable drives the real verbs (fake runtime, real SQLite,
// real locks) on many containers at once, as `pause -a`, `stop -a` and
// `rm -af` do, and checks each refusal against the table.
func TestVerbsFollowTheTable(t *testing.T) {
	r, _ := newTestRuntime(t)
	ctx := context.Background()
	const n = 12
	var cs []*Container
	for i := range n {
		cs = append(cs, newTestContainer(t, r, fmt.Sprintf("many-%d", i), "sleep", "1000"))
	}
	each := func(what string, fn func(*Container) error) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make([]error, len(cs))
		for i, c := range cs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = fn(c) }()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("%s of %s: %v", what, cs[i].Name(), err)
			}
		}
	}
	// Pause of a configured container is refused with the table's words.
	if err := cs[0].Pause(ctx); !errors.Is(err, errdefs.ErrConflict) || !strings.Contains(err.Error(), "is not running, can't pause") {
		t.Fatalf("pause of a configured container: %v", err)
	}
	each("start", func(c *Container) error { return c.Start(ctx, nil) })
	each("start again (a no-op)", func(c *Container) error { return c.Start(ctx, nil) })
	each("pause", func(c *Container) error { return c.Pause(ctx) })
	all, err := r.Containers()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if c.Status() != StatusPaused || !c.Status().Allows(VerbUnpause, false) || c.Status().Allows(VerbPause, false) {
			t.Fatalf("%s is %s after pause", c.Name(), c.Status())
		}
		if err := c.Remove(ctx, RemoveOptions{}); !errors.Is(err, errdefs.ErrConflict) {
			t.Fatalf("rm of paused %s without force: %v", c.Name(), err)
		}
	}
	zero := uint(0)
	each("stop (of paused containers)", func(c *Container) error { return c.Stop(ctx, &zero) })
	all, _ = r.Containers()
	for _, c := range all {
		if c.Status() != StatusExited || c.State().ExitCode != 137 {
			t.Fatalf("%s: %s, exit code %d after stop -t 0", c.Name(), c.Status(), c.State().ExitCode)
		}
		if err := c.Kill(ctx, 9); !errors.Is(err, errdefs.ErrConflict) || !strings.Contains(err.Error(), "can only kill running containers") {
			t.Fatalf("kill of exited %s: %v", c.Name(), err)
		}
	}
	each("restart", func(c *Container) error { return c.Restart(ctx, &zero) })
	each("rm -f", func(c *Container) error { return c.Remove(ctx, RemoveOptions{Force: true, Timeout: &zero}) })
	if left, _ := r.Containers(); len(left) != 0 {
		t.Fatalf("%d containers left after rm -f of all", len(left))
	}
}

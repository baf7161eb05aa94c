package libpod

import (
	"context"
	"os"
	"os/exec"
	"testing"
)

// A `pod stop` (or rm -f) SIGKILLed while it waits leaves the container
// "stopping"; readers must not show that forever (found by test/soak's
// kill-cli-stop fault). While the stopper lives, the container stays stopping.
func TestStoppingWithADeadStopperIsRunningAgain(t *testing.T) {
	r, _ := newTestRuntime(t)
	c := newTestContainer(t, r, "stopme", "sleep", "1000")
	if err := c.Start(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	dead := exec.Command("/bin/true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		stopper int
		want    Status
	}{
		{"stopper alive", os.Getpid(), StatusStopping},
		{"stopper gone", dead.Process.Pid, StatusRunning},
	} {
		if err := c.lockAndSync(); err != nil {
			t.Fatal(err)
		}
		c.state.Status = StatusStopping
		c.state.StopperPid, c.state.StopperStart = tc.stopper, 0
		if tc.stopper == os.Getpid() {
			c.setStopper()
		}
		if err := c.save(); err != nil {
			t.Fatal(err)
		}
		c.unlock()
		got, err := r.LookupContainer("stopme")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status() != tc.want {
			t.Errorf("%s: status %s, want %s", tc.name, got.Status(), tc.want)
		}
		// A locked read saves what it found.
		if err := got.lockAndSync(); err != nil {
			t.Fatal(err)
		}
		got.unlock()
		if again, _ := r.LookupContainer("stopme"); again.State().Status != tc.want {
			t.Errorf("%s: stored status %s, want %s", tc.name, again.State().Status, tc.want)
		}
	}
}

package libpod

import (
	"context"
	"sync"

	"github.com/pod-engine/pod/pkg/pods"
)

// A pod's --exit-policy=stop (Podman 4.3.1's stopPodIfNeeded): when the last
// member other than the infra has exited, the pod stops, infra included.
// With no daemon, the member's own exit path applies it: the monitor's exit
// command (Cleanup), a user's stop or rm of the member (Stop). A member whose
// monitor was killed has no exit command; the first pod process that finds it
// ended (syncExit) queues the pod and checks it when it shuts down, holding
// no lock then (Podman's runtime work queue serves the same end).

// podExitPolicy applies the exit policy of c's pod once c left the running
// states. No lock may be held: it takes the pod's lock, then members'.
func (c *Container) podExitPolicy(ctx context.Context) {
	if c.config.Pod == "" || c.config.Infra {
		return
	}
	c.rt.stopPodIfDone(ctx, c.config.Pod)
}

// stopPodIfDone stops the pod when its exit policy is stop and no member
// but the infra is left running (or about to run: created, paused).
func (r *Runtime) stopPodIfDone(ctx context.Context, podID string) {
	p, err := r.LookupPod(podID)
	if err != nil || p.config.ExitPolicy != pods.ExitPolicyStop {
		return
	}
	if err := p.lockPod(); err != nil {
		return
	}
	defer p.unlockPod()
	byID, ms, err := p.members()
	if err != nil {
		r.warnf("pod %s: exit policy: %v", p.config.Name, err)
		return
	}
	states := make([]string, 0, len(ms))
	infraRuns := false
	for _, m := range ms {
		if m.Infra {
			infraRuns = byID[m.ID].state.Status == StatusRunning
			continue
		}
		st := byID[m.ID].state.Status
		if byID[m.ID].restarting() {
			st = StatusRunning // a restart is between its stop and its start
		}
		states = append(states, string(st))
	}
	if !pods.OnlyInfraLeft(states) || (!infraRuns && !anyStopped(byID)) {
		return
	}
	r.debugf("pod %s: exit policy stop: its last container exited, stopping the pod", p.config.Name)
	if err := p.stopLocked(ctx, nil, byID, ms); err != nil {
		r.warnf("pod %s: exit policy stop: %v", p.config.Name, err)
	}
}

// anyStopped reports whether a member still needs its cleanup (stopped,
// not yet exited): a pod stop finishes that too.
func anyStopped(byID map[string]*Container) bool {
	for _, c := range byID {
		if c.state.Status == StatusStopped {
			return true
		}
	}
	return false
}

// podCheckQueue holds the pods to check at Shutdown.
type podCheckQueue struct {
	mu   sync.Mutex
	pods []string
}

// queuePodCheck asks for the exit policy of c's pod to be applied when the
// runtime shuts down: c ended while its monitor was dead, so no exit
// command will.
func (c *Container) queuePodCheck() {
	if c.config.Pod == "" || c.config.Infra {
		return
	}
	q := &c.rt.podChecks
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, id := range q.pods {
		if id == c.config.Pod {
			return
		}
	}
	q.pods = append(q.pods, c.config.Pod)
}

// runPodChecks applies the queued exit policies (Shutdown, no lock held).
func (r *Runtime) runPodChecks() {
	r.podChecks.mu.Lock()
	ids := r.podChecks.pods
	r.podChecks.pods = nil
	r.podChecks.mu.Unlock()
	for _, id := range ids {
		r.stopPodIfDone(context.Background(), id)
	}
}

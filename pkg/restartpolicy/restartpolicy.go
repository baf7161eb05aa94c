// Package restartpolicy owns --restart: parsing Podman's policy syntax and
// deciding, when a container exits, whether and after what back-off its
// monitor's exit command restarts it. The decision is Podman 4.3.1's
// (handleRestartPolicy); the back-off is pod's own, as Podman has none and
// a container failing at once would otherwise spin.
package restartpolicy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The policies.
const (
	No            = "no"
	OnFailure     = "on-failure"
	Always        = "always"
	UnlessStopped = "unless-stopped"
)

// Policy is a parsed --restart value.
type Policy struct {
	Name    string // "" or one of the constants
	Retries uint   // on-failure's maximum restarts; 0: unlimited
}

// Parse reads NAME or on-failure:N, with Podman's errors.
func Parse(s string) (Policy, error) {
	name, n, hasN := strings.Cut(s, ":")
	var p Policy
	if hasN {
		if strings.Contains(n, ":") {
			return p, errors.New("invalid restart policy: may specify retries at most once")
		}
		if strings.ToLower(name) != OnFailure {
			return p, errors.New("restart policy retries can only be specified with on-failure restart policy")
		}
		r, err := strconv.Atoi(n)
		if err != nil {
			return p, fmt.Errorf("parsing restart policy retry count: %w", err)
		}
		if r < 0 {
			return p, errors.New("must specify restart policy retry count as a number greater than 0")
		}
		p.Retries = uint(r)
	}
	switch name {
	case "", No, OnFailure, Always, UnlessStopped:
	default:
		return p, fmt.Errorf("%q is not a valid restart policy: use no, on-failure[:N], always or unless-stopped", name)
	}
	p.Name = name
	return p, nil
}

// Restarts reports whether the policy ever restarts a container.
func (p Policy) Restarts() bool {
	return p.Name == OnFailure || p.Name == Always || p.Name == UnlessStopped
}

// String is the --restart value.
func (p Policy) String() string {
	if p.Name == OnFailure && p.Retries > 0 {
		return p.Name + ":" + strconv.FormatUint(uint64(p.Retries), 10)
	}
	return p.Name
}

// Exit is what the decision needs to know about the run that ended.
type Exit struct {
	Code          int
	StoppedByUser bool // pod stop / pod kill ended it
	RestartCount  int  // restarts so far
}

// ShouldRestart is Podman's rule: never after the user stopped it; on-failure
// only after a non-zero exit and while retries remain; always and
// unless-stopped after any exit.
func (p Policy) ShouldRestart(e Exit) bool {
	if e.StoppedByUser {
		return false
	}
	switch p.Name {
	case OnFailure:
		if e.Code == 0 {
			return false
		}
		return p.Retries == 0 || e.RestartCount < int(p.Retries)
	case Always, UnlessStopped:
		return true
	}
	return false
}

// LongRun is how long a run must last for the back-off to start over.
const LongRun = 10 * time.Second

// MaxBackoff caps the delay between restarts.
const MaxBackoff = 30 * time.Second

// Backoff is the delay before the restart after a run of length ran, given
// the streak of short runs before it; it returns the streak to record. The
// first restart after a long run is immediate, then 100 ms, doubling up to
// MaxBackoff (Docker's rule).
func Backoff(streak int, ran time.Duration) (time.Duration, int) {
	if ran >= LongRun {
		streak = 0
	}
	if streak == 0 {
		return 0, 1
	}
	d := 100 * time.Millisecond
	for i := 1; i < streak && d < MaxBackoff; i++ {
		d *= 2
	}
	if d > MaxBackoff {
		d = MaxBackoff
	}
	return d, streak + 1
}

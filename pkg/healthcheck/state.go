package healthcheck

import (
	"time"
)

// Statuses, as Podman's.
const (
	Starting  = "starting"
	Healthy   = "healthy"
	Unhealthy = "unhealthy"
)

// MaxLogs is how many results the state keeps; MaxOutput how many bytes of
// each run's output.
const (
	MaxLogs   = 5
	MaxOutput = 500
)

// State is what inspect shows as State.Health.
type State struct {
	Status        string `json:"Status"`
	FailingStreak int    `json:"FailingStreak"`
	Log           []Log  `json:"Log"`
}

// Log is one run.
type Log struct {
	Start    string `json:"Start"`
	End      string `json:"End"`
	ExitCode int    `json:"ExitCode"`
	Output   string `json:"Output"`
}

// Result is what one run of the check gave.
type Result struct {
	Start, End time.Time
	ExitCode   int
	Output     string
}

// Initial is the state when the container starts.
func Initial() State { return State{Status: Starting, Log: []Log{}} }

// Decision is what a run changed.
type Decision struct {
	Changed bool      // the status changed (a health_status event)
	Action  OnFailure // what to do to the container now; "" or none: nothing
}

// Update applies r to s as Podman 4.3.1 does: a success makes it healthy
// and resets the streak; a failure outside the start period adds to the
// streak and, at Retries, makes it unhealthy; inside the start period it
// only logs. Turning unhealthy asks for the on-failure action.
func Update(s *State, cfg *Config, onFailure OnFailure, startedAt time.Time, r Result) Decision {
	before := s.Status
	if s.Status == "" {
		s.Status = Starting
	}
	inStart := cfg.StartPeriod > 0 && r.Start.Sub(startedAt) < cfg.StartPeriod
	if r.ExitCode == 0 {
		s.Status = Healthy
		s.FailingStreak = 0
	} else if !inStart {
		s.FailingStreak++
		if s.FailingStreak >= cfg.Retries {
			s.Status = Unhealthy
		}
	}
	out := r.Output
	if len(out) > MaxOutput {
		out = out[:MaxOutput]
	}
	s.Log = append(s.Log, Log{
		Start: r.Start.Format(time.RFC3339Nano), End: r.End.Format(time.RFC3339Nano),
		ExitCode: r.ExitCode, Output: out,
	})
	if len(s.Log) > MaxLogs {
		s.Log = s.Log[len(s.Log)-MaxLogs:]
	}
	d := Decision{Changed: s.Status != before}
	if s.Status == Unhealthy && r.ExitCode != 0 && !inStart && onFailure != "" && onFailure != ActionNone {
		d.Action = onFailure
	}
	return d
}

// RunStatus is what `healthcheck run` reports for one run: healthy on
// success, starting for a failure inside the start period, else unhealthy.
func RunStatus(cfg *Config, startedAt time.Time, r Result) string {
	if r.ExitCode == 0 {
		return Healthy
	}
	if cfg.StartPeriod > 0 && r.Start.Sub(startedAt) < cfg.StartPeriod {
		return Starting
	}
	return Unhealthy
}

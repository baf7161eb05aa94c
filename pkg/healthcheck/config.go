// Package healthcheck owns container healthchecks: the configuration (from
// --health-* flags and the image's HEALTHCHECK, Podman's rules and errors),
// the state kept between runs (status, failing streak, the last results, as
// Podman's State.Health), and the decisions after each run (status changes,
// --health-on-failure actions). It runs nothing itself: libpod runs the
// check in the container, and the container's monitor schedules
// `pod healthcheck run` (no systemd timer needed).
package healthcheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Config is a healthcheck as the image config (Schema2HealthConfig) and
// Podman's inspect spell it.
type Config struct {
	Test        []string      `json:"Test"`
	StartPeriod time.Duration `json:"StartPeriod,omitempty"`
	Interval    time.Duration `json:"Interval,omitempty"`
	Timeout     time.Duration `json:"Timeout,omitempty"`
	Retries     int           `json:"Retries,omitempty"`
}

// Defaults, as Podman's.
const (
	DefaultInterval = 30 * time.Second
	DefaultTimeout  = 30 * time.Second
	DefaultRetries  = 3
)

// OnFailure is --health-on-failure.
type OnFailure string

// The actions once a container turns unhealthy.
const (
	ActionNone    OnFailure = "none"
	ActionKill    OnFailure = "kill"
	ActionRestart OnFailure = "restart"
	ActionStop    OnFailure = "stop"
)

// ParseOnFailure checks --health-on-failure.
func ParseOnFailure(s string) (OnFailure, error) {
	switch a := OnFailure(strings.ToLower(s)); a {
	case "", ActionNone:
		return ActionNone, nil
	case ActionKill, ActionRestart, ActionStop:
		return a, nil
	}
	return "", fmt.Errorf("invalid healthcheck on-failure action %q: use none, kill, restart or stop", s)
}

// Flags are the run/create flags; Set says which were given.
type Flags struct {
	Cmd         string
	Interval    string
	Retries     uint
	StartPeriod string
	Timeout     string
	OnFailure   string
	Disable     bool // --no-healthcheck
	Set         map[string]bool
}

// Resolve gives the container's healthcheck: the flags over the image's
// (nil when there is none, "none" or --no-healthcheck), and whether the
// monitor schedules it (false with --health-interval=disable).
func Resolve(f Flags, image *Config) (*Config, bool, error) {
	if f.Disable {
		if f.Set["health-cmd"] && f.Cmd != "none" {
			return nil, false, errors.New("cannot specify both --no-healthcheck and --health-cmd")
		}
		return nil, false, nil
	}
	var hc *Config
	switch {
	case f.Set["health-cmd"] && f.Cmd == "none":
		return nil, false, nil
	case f.Set["health-cmd"]:
		test, err := ParseCmd(f.Cmd)
		if err != nil {
			return nil, false, err
		}
		hc = &Config{Test: test}
	case image != nil && len(image.Test) > 0 && image.Test[0] != "NONE":
		c := *image
		c.Test = append([]string(nil), image.Test...)
		hc = &c
	default:
		return nil, false, nil
	}
	// An image's values are untrusted: what is not positive (unset, or a
	// negative duration or count in the image's JSON) takes the default,
	// as a negative interval would never schedule the check and a negative
	// timeout would fail every run.
	if hc.Interval <= 0 {
		hc.Interval = DefaultInterval
	}
	if hc.Timeout <= 0 {
		hc.Timeout = DefaultTimeout
	}
	if hc.Retries <= 0 {
		hc.Retries = DefaultRetries
	}
	hc.StartPeriod = max(hc.StartPeriod, 0)
	scheduled := true
	if f.Set["health-interval"] {
		if f.Interval == "disable" {
			scheduled = false
		} else {
			d, err := time.ParseDuration(f.Interval)
			if err != nil {
				return nil, false, fmt.Errorf("invalid healthcheck-interval: %w", err)
			}
			if d < time.Second {
				return nil, false, errors.New("healthcheck-interval must be at least 1 second")
			}
			hc.Interval = d
		}
	}
	if f.Set["health-retries"] {
		if f.Retries < 1 {
			return nil, false, errors.New("healthcheck-retries must be greater than 0")
		}
		hc.Retries = int(f.Retries)
	}
	if f.Set["health-timeout"] {
		d, err := time.ParseDuration(f.Timeout)
		if err != nil {
			return nil, false, fmt.Errorf("invalid healthcheck-timeout: %w", err)
		}
		if d < time.Second {
			return nil, false, errors.New("healthcheck-timeout must be at least 1 second")
		}
		hc.Timeout = d
	}
	if f.Set["health-start-period"] {
		d, err := time.ParseDuration(f.StartPeriod)
		if err != nil {
			return nil, false, fmt.Errorf("invalid healthcheck-start-period: %w", err)
		}
		if d < 0 {
			return nil, false, errors.New("healthcheck-start-period must be 0 seconds or greater")
		}
		hc.StartPeriod = d
	}
	return hc, scheduled, nil
}

// ParseCmd reads --health-cmd as Podman does: a JSON array is the Test as
// given ("CMD", "CMD-SHELL" first or a plain argv, which gets "CMD"); other
// text is a shell command.
func ParseCmd(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("must define a healthcheck command for all healthcheck types")
	}
	var arr []string
	if strings.HasPrefix(s, "[") && json.Unmarshal([]byte(s), &arr) == nil {
		if len(arr) == 0 {
			return nil, errors.New("must define a healthcheck command for all healthcheck types")
		}
		switch arr[0] {
		case "CMD", "CMD-SHELL", "NONE":
			if arr[0] != "NONE" && len(arr) < 2 {
				return nil, errors.New("must define a healthcheck command for all healthcheck types")
			}
			return arr, nil
		}
		return append([]string{"CMD"}, arr...), nil
	}
	return []string{"CMD-SHELL", s}, nil
}

// Argv is the command the check runs in the container.
func (c *Config) Argv() ([]string, error) {
	if len(c.Test) < 2 {
		return nil, errors.New("the healthcheck has no command")
	}
	switch c.Test[0] {
	case "CMD":
		return c.Test[1:], nil
	case "CMD-SHELL":
		return []string{"/bin/sh", "-c", strings.Join(c.Test[1:], " ")}, nil
	}
	return nil, fmt.Errorf("unknown healthcheck type %q", c.Test[0])
}

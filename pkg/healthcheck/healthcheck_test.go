package healthcheck

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestResolve(t *testing.T) {
	img := &Config{Test: []string{"CMD-SHELL", "true"}, Interval: 5 * time.Second}
	set := func(keys ...string) map[string]bool {
		m := map[string]bool{}
		for _, k := range keys {
			m[k] = true
		}
		return m
	}
	for _, tc := range []struct {
		name      string
		f         Flags
		image     *Config
		want      *Config
		scheduled bool
		err       string
	}{
		{"none at all", Flags{}, nil, nil, false, ""},
		{"shell cmd", Flags{Cmd: "curl -f x || exit 1", Set: set("health-cmd")}, nil,
			&Config{Test: []string{"CMD-SHELL", "curl -f x || exit 1"}, Interval: DefaultInterval, Timeout: DefaultTimeout, Retries: 3}, true, ""},
		{"json cmd", Flags{Cmd: `["CMD","ls","/"]`, Set: set("health-cmd")}, nil,
			&Config{Test: []string{"CMD", "ls", "/"}, Interval: DefaultInterval, Timeout: DefaultTimeout, Retries: 3}, true, ""},
		{"json argv", Flags{Cmd: `["ls","/"]`, Set: set("health-cmd")}, nil,
			&Config{Test: []string{"CMD", "ls", "/"}, Interval: DefaultInterval, Timeout: DefaultTimeout, Retries: 3}, true, ""},
		{"image", Flags{}, img, &Config{Test: []string{"CMD-SHELL", "true"}, Interval: 5 * time.Second, Timeout: DefaultTimeout, Retries: 3}, true, ""},
		{"image NONE", Flags{}, &Config{Test: []string{"NONE"}}, nil, false, ""},
		{"image negative values", Flags{}, &Config{Test: []string{"CMD", "x"}, Interval: -1, Timeout: -5, Retries: -1, StartPeriod: -time.Second},
			&Config{Test: []string{"CMD", "x"}, Interval: DefaultInterval, Timeout: DefaultTimeout, Retries: 3}, true, ""},
		{"image overridden", Flags{Interval: "2s", Retries: 1, Set: set("health-interval", "health-retries")}, img,
			&Config{Test: []string{"CMD-SHELL", "true"}, Interval: 2 * time.Second, Timeout: DefaultTimeout, Retries: 1}, true, ""},
		{"disabled by none", Flags{Cmd: "none", Set: set("health-cmd")}, img, nil, false, ""},
		{"no-healthcheck", Flags{Disable: true}, img, nil, false, ""},
		{"no-healthcheck and cmd", Flags{Disable: true, Cmd: "true", Set: set("health-cmd")}, nil, nil, false, "cannot specify both"},
		{"interval disable", Flags{Cmd: "true", Interval: "disable", Set: set("health-cmd", "health-interval")}, nil,
			&Config{Test: []string{"CMD-SHELL", "true"}, Interval: DefaultInterval, Timeout: DefaultTimeout, Retries: 3}, false, ""},
		{"interval short", Flags{Cmd: "true", Interval: "500ms", Set: set("health-cmd", "health-interval")}, nil, nil, false, "at least 1 second"},
		{"interval bad", Flags{Cmd: "true", Interval: "soon", Set: set("health-cmd", "health-interval")}, nil, nil, false, "invalid healthcheck-interval"},
		{"retries 0", Flags{Cmd: "true", Retries: 0, Set: set("health-cmd", "health-retries")}, nil, nil, false, "greater than 0"},
		{"timeout short", Flags{Cmd: "true", Timeout: "0s", Set: set("health-cmd", "health-timeout")}, nil, nil, false, "at least 1 second"},
		{"start negative", Flags{Cmd: "true", StartPeriod: "-1s", Set: set("health-cmd", "health-start-period")}, nil, nil, false, "0 seconds or greater"},
		{"empty cmd", Flags{Cmd: " ", Set: set("health-cmd")}, nil, nil, false, "must define"},
	} {
		got, sched, err := Resolve(tc.f, tc.image)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) || sched != tc.scheduled {
			t.Errorf("%s: got %+v %v %v, want %+v %v", tc.name, got, sched, err, tc.want, tc.scheduled)
		}
	}
}

func TestUpdate(t *testing.T) {
	cfg := &Config{Retries: 2, StartPeriod: 10 * time.Second}
	t0 := time.Now()
	s := Initial()
	steps := []struct {
		at      time.Duration
		code    int
		status  string
		streak  int
		changed bool
		action  OnFailure
	}{
		{1 * time.Second, 1, Starting, 0, false, ""}, // in the start period: only logged
		{2 * time.Second, 0, Healthy, 0, true, ""},
		{11 * time.Second, 1, Healthy, 1, false, ""},
		{12 * time.Second, 1, Unhealthy, 2, true, ActionRestart},
		{13 * time.Second, 1, Unhealthy, 3, false, ActionRestart},
		{14 * time.Second, 0, Healthy, 0, true, ""},
		{15 * time.Second, 0, Healthy, 0, false, ""},
	}
	for i, st := range steps {
		r := Result{Start: t0.Add(st.at), End: t0.Add(st.at), ExitCode: st.code, Output: strings.Repeat("x", 600)}
		d := Update(&s, cfg, ActionRestart, t0, r)
		if s.Status != st.status || s.FailingStreak != st.streak || d.Changed != st.changed || d.Action != st.action {
			t.Fatalf("step %d: got %s/%d %+v, want %s/%d changed=%v action=%q", i, s.Status, s.FailingStreak, d, st.status, st.streak, st.changed, st.action)
		}
	}
	if len(s.Log) != MaxLogs || len(s.Log[0].Output) != MaxOutput {
		t.Fatalf("log %d entries, output %d bytes", len(s.Log), len(s.Log[0].Output))
	}
	if RunStatus(cfg, t0, Result{Start: t0.Add(time.Second), ExitCode: 1}) != Starting ||
		RunStatus(cfg, t0, Result{Start: t0.Add(time.Minute), ExitCode: 1}) != Unhealthy ||
		RunStatus(cfg, t0, Result{ExitCode: 0}) != Healthy {
		t.Fatal("RunStatus")
	}
}

func TestOnFailureAndArgv(t *testing.T) {
	for _, s := range []string{"", "none", "kill", "restart", "stop", "STOP"} {
		if _, err := ParseOnFailure(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if _, err := ParseOnFailure("explode"); err == nil {
		t.Error("explode accepted")
	}
	a, _ := (&Config{Test: []string{"CMD-SHELL", "echo hi"}}).Argv()
	if !reflect.DeepEqual(a, []string{"/bin/sh", "-c", "echo hi"}) {
		t.Error(a)
	}
	a, _ = (&Config{Test: []string{"CMD", "ls", "-l"}}).Argv()
	if !reflect.DeepEqual(a, []string{"ls", "-l"}) {
		t.Error(a)
	}
}

func FuzzParseCmd(f *testing.F) {
	for _, s := range []string{"true", `["CMD","ls"]`, `[]`, `["NONE"]`, `[1,2]`, "  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		test, err := ParseCmd(s)
		if err == nil && len(test) == 0 {
			t.Fatal("empty test without error")
		}
	})
}

package restartpolicy

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Policy
		err  bool
	}{
		{"", Policy{}, false},
		{"no", Policy{Name: No}, false},
		{"always", Policy{Name: Always}, false},
		{"unless-stopped", Policy{Name: UnlessStopped}, false},
		{"on-failure", Policy{Name: OnFailure}, false},
		{"on-failure:3", Policy{Name: OnFailure, Retries: 3}, false},
		{"on-failure:0", Policy{Name: OnFailure}, false},
		{"always:3", Policy{}, true},
		{"on-failure:-1", Policy{}, true},
		{"on-failure:x", Policy{}, true},
		{"on-failure:1:2", Policy{}, true},
		{"sometimes", Policy{}, true},
		{"Always", Policy{}, true},
	} {
		got, err := Parse(tc.in)
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("Parse(%q) = %+v, %v", tc.in, got, err)
		}
	}
}

func TestShouldRestart(t *testing.T) {
	of3 := Policy{Name: OnFailure, Retries: 3}
	for _, tc := range []struct {
		p    Policy
		e    Exit
		want bool
	}{
		{Policy{}, Exit{Code: 1}, false},
		{Policy{Name: No}, Exit{Code: 1}, false},
		{of3, Exit{Code: 0}, false},
		{of3, Exit{Code: 1}, true},
		{of3, Exit{Code: 1, RestartCount: 2}, true},
		{of3, Exit{Code: 1, RestartCount: 3}, false},
		{of3, Exit{Code: 137, StoppedByUser: true}, false},
		{Policy{Name: OnFailure}, Exit{Code: 1, RestartCount: 1000}, true},
		{Policy{Name: Always}, Exit{Code: 0, RestartCount: 1000}, true},
		{Policy{Name: Always}, Exit{Code: 137, StoppedByUser: true}, false},
		{Policy{Name: UnlessStopped}, Exit{Code: 0}, true},
		{Policy{Name: UnlessStopped}, Exit{StoppedByUser: true}, false},
	} {
		if got := tc.p.ShouldRestart(tc.e); got != tc.want {
			t.Errorf("%+v %+v: got %v", tc.p, tc.e, got)
		}
	}
}

func TestBackoff(t *testing.T) {
	var streak int
	var ds []time.Duration
	for i := 0; i < 12; i++ {
		var d time.Duration
		d, streak = Backoff(streak, time.Second)
		ds = append(ds, d)
	}
	want := []time.Duration{0, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
	for i, w := range want {
		if ds[i] != w {
			t.Fatalf("delays %v", ds)
		}
	}
	if ds[11] != MaxBackoff {
		t.Fatalf("not capped: %v", ds)
	}
	if d, s := Backoff(streak, time.Minute); d != 0 || s != 1 {
		t.Fatalf("long run did not reset: %v %d", d, s)
	}
}

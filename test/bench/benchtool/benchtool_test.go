package main

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestQuantile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	if got := median(xs); got != 3 {
		t.Errorf("median = %v, want 3", got)
	}
	if got := quantile(xs, 0.9); math.Abs(got-4.6) > 1e-9 {
		t.Errorf("p90 = %v, want 4.6", got)
	}
	if got := median([]float64{1, 2}); got != 1.5 {
		t.Errorf("median of two = %v, want 1.5", got)
	}
	if !math.IsNaN(median(nil)) {
		t.Error("median of nothing is not NaN")
	}
	if xs[0] != 5 {
		t.Error("quantile sorted its input in place")
	}
}

func TestPairedRatio(t *testing.T) {
	// Round 2 is a load burst hitting both: the paired ratio stays 2.
	num := []float64{20, 200, 22, math.NaN()}
	den := []float64{10, 100, 11, 10}
	if got := pairedRatio(num, den); got != 2 {
		t.Errorf("paired ratio = %v, want 2", got)
	}
}

func TestSplitWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{"a b  c", []string{"a", "b", "c"}, false},
		{`a 'b c' "d \"e\"" f\ g`, []string{"a", "b c", `d "e"`, "f g"}, false},
		{`x''y ""`, []string{"xy", ""}, false},
		{`'open`, nil, true},
		{`"open`, nil, true},
		{`trail\`, nil, true},
		{"", nil, false},
	} {
		got, err := splitWords(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("splitWords(%q) error = %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if !tc.err && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("splitWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseCommand(t *testing.T) {
	c, err := parseCommand(`podman=CONTAINERS_CONF=/x/c.conf podman --root /r run --name b-{i} img true`)
	if err != nil {
		t.Fatal(err)
	}
	if c.name != "podman" || !reflect.DeepEqual(c.env, []string{"CONTAINERS_CONF=/x/c.conf"}) ||
		!reflect.DeepEqual(c.argv, []string{"podman", "--root", "/r", "run", "--name", "b-{i}", "img", "true"}) {
		t.Errorf("parsed %+v", c)
	}
	for _, bad := range []string{"noequals", "=x", "a b=x", "only=VAR=1", "n="} {
		if _, err := parseCommand(bad); err == nil {
			t.Errorf("parseCommand(%q) accepted", bad)
		}
	}
}

func TestParseRatio(t *testing.T) {
	r, err := parseRatio("podman/pod>=5")
	if err != nil || r.num != "podman" || r.den != "pod" || r.op != ">=" || r.target != 5 {
		t.Fatalf("parseRatio = %+v, %v", r, err)
	}
	if v := r.verdict(6); !strings.Contains(v, "MET") {
		t.Errorf("verdict(6) = %q", v)
	}
	if v := r.verdict(4); !strings.Contains(v, "MISSED") {
		t.Errorf("verdict(4) = %q", v)
	}
	r, _ = parseRatio("pod/crun<=2.5")
	if v := r.verdict(2.5); !strings.Contains(v, "MET") {
		t.Errorf("verdict(2.5) for <=2.5 = %q", v)
	}
	for _, bad := range []string{"a", "a/", "a/b>5", "a/b>=x", "a/b/c"} {
		if _, err := parseRatio(bad); err == nil {
			t.Errorf("parseRatio(%q) accepted", bad)
		}
	}
}

const debugOut = `DEBU[001.450ms] creating container
DEBU[002.767ms] state database open
some other line
DEBU[005.594ms] container c5b05c14a442c6649528f1e544c377fcbae211f8865eccdc239cbf760c9bc217 stored
DEBU[011.916ms] creating container c5b05c14a442c6649528f1e544c377fcbae211f8865eccdc239cbf760c9bc217 with /usr/bin/crun
DEBU[140.181ms] created container c5b05c14a442c6649528f1e544c377fcbae211f8865eccdc239cbf760c9bc217: pid 9835, monitor 9823
`

func TestPhases(t *testing.T) {
	evs := parseEvents(strings.NewReader(debugOut))
	keys := []string{"creating container", "state database open", "container stored", "creating container with crun", "created container: pid N, monitor N"}
	if len(evs) != len(keys) {
		t.Fatalf("events = %+v", evs)
	}
	for i, k := range keys {
		if evs[i].key != k {
			t.Errorf("event %d key = %q, want %q", i, evs[i].key, k)
		}
	}
	ps := phasesOf(evs, 150)
	if len(ps) != 6 {
		t.Fatalf("phases = %+v", ps)
	}
	var total float64
	for _, p := range ps {
		total += p.dur
	}
	if math.Abs(total-150) > 1e-9 {
		t.Errorf("phases sum to %v, want the wall 150", total)
	}
	if ps[4].label != "creating container with crun → created container: pid N, monitor N" || math.Abs(ps[4].dur-128.265) > 1e-9 {
		t.Errorf("phase 4 = %+v", ps[4])
	}
}

const straceOut = `100 18:51:26.444874 execve("bin/pod", ["bin/pod", "--root", "/r", "--log-level", "debug", "run", "--rm", "--rootfs", "/x", "true"], 0x7ffc /* 35 vars */) = 0
101 18:51:26.450000 execve("/usr/local/bin/pod-conmon", ["pod-conmon"], 0x1 /* 3 vars */) = -1 ENOENT (No such file or directory)
101 18:51:26.450100 execve("/w/bin/pod-conmon", ["/w/bin/pod-conmon", "-c", "id", "--exit-command-arg", "run"], 0x1 /* 3 vars */ <unfinished ...>
101 18:51:26.450200 <... execve resumed>) = 0
102 18:51:26.460000 execve("/usr/bin/crun", ["/usr/bin/crun", "--root=/r", "create", "--bundle", "/b", "id"], 0x2 /* 3 vars */) = 0
102 18:51:26.461000 execveat(3, "", ["/usr/bin/crun", "--root=/r", "create"], 0x5 /* 38 vars */, AT_EMPTY_PATH) = 0
102 18:51:26.480000 +++ exited with 0 +++
103 18:51:26.490000 execve("/w/bin/pod", ["/w/bin/pod", "--root", "/r", "container", "cleanup", "--rm", "id"], 0x3) = 0
103 18:51:26.520000 +++ exited with 0 +++
101 18:51:26.530000 +++ exited with 0 +++
100 18:51:26.544874 +++ exited with 0 +++
`

func TestParseStrace(t *testing.T) {
	procs, err := parseStrace(strings.NewReader(straceOut))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"pod run", "pod-conmon", "crun create", "pod container cleanup"}
	if len(procs) != len(want) {
		t.Fatalf("procs = %+v", procs)
	}
	for i, w := range want {
		if procs[i].label != w {
			t.Errorf("proc %d label = %q, want %q", i, procs[i].label, w)
		}
	}
	if d := 1000 * (procs[2].end - procs[2].start); math.Abs(d-20) > 1e-6 {
		t.Errorf("crun create lived %vms, want 20 (from its first exec, not the execveat)", d)
	}
	if d := 1000 * (procs[0].end - procs[0].start); math.Abs(d-100) > 1e-6 {
		t.Errorf("pod run lived %vms, want 100", d)
	}
}

func TestParseRollup(t *testing.T) {
	r := parseRollup(strings.NewReader("55d0-7ff [rollup]\nRss:     1234 kB\nPss:      456 kB\nPss_Anon:   100 kB\nAnonymous:  120 kB\nbogus\nX: 1 MB\n"))
	if r["Rss"] != 1234 || r["Pss"] != 456 || r["Pss_Anon"] != 100 || r["Anonymous"] != 120 || len(r) != 4 {
		t.Errorf("parseRollup = %v", r)
	}
}

func FuzzSplitWords(f *testing.F) {
	for _, s := range []string{`a 'b c' "d \"e\"" f\ g`, `''`, `"\\"`, "x\ty\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := splitWords(s)
		if err != nil {
			return
		}
		// Words without quotes or escapes are the blank-separated fields.
		if !strings.ContainsAny(s, `'"\`) {
			fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
			if len(words) != len(fields) || len(words) > 0 && !reflect.DeepEqual(words, fields) {
				t.Errorf("splitWords(%q) = %q, fields = %q", s, words, fields)
			}
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	f.Add("a=VAR=1 b c")
	f.Add("pod=bin/pod run --rm {i}")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCommand(s)
		if err != nil {
			return
		}
		if len(c.argv) == 0 || !nameRE.MatchString(c.name) {
			t.Errorf("parseCommand(%q) = %+v", s, c)
		}
	})
}

func FuzzParseRatio(f *testing.F) {
	f.Add("a/b>=5")
	f.Add("a/b<=2.5")
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := parseRatio(s); err == nil && (r.num == "" || r.den == "") {
			t.Errorf("parseRatio(%q) = %+v", s, r)
		}
	})
}

func FuzzParseEvents(f *testing.F) {
	f.Add(debugOut)
	f.Add("DEBU[1e309ms] x\nDEBU[.5ms] y\n")
	f.Fuzz(func(t *testing.T, s string) {
		evs := parseEvents(strings.NewReader(s))
		ps := phasesOf(evs, 1000)
		if len(ps) != len(evs)+1 {
			t.Errorf("%d events gave %d phases", len(evs), len(ps))
		}
		for _, e := range evs {
			if math.IsNaN(e.at) || math.IsInf(e.at, 0) {
				t.Errorf("event time %v", e.at)
			}
		}
	})
}

func FuzzParseStrace(f *testing.F) {
	f.Add(straceOut)
	f.Add(`1 00:00:00.1 execve("x", ["x", "a\"]b", "run"], 0) = 0` + "\n1 00:00:00.2 +++ exited with 0 +++\n")
	f.Fuzz(func(t *testing.T, s string) {
		procs, err := parseStrace(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, p := range procs {
			if p.label == "" || p.end < p.start {
				t.Errorf("proc %+v", p)
			}
		}
	})
}

func FuzzParseRollup(f *testing.F) {
	f.Add("Pss: 1 kB\nRss:\t2 kB\n")
	f.Fuzz(func(t *testing.T, s string) {
		for k, v := range parseRollup(strings.NewReader(s)) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%q: %v", k, v)
			}
		}
	})
}

const schedOut = `             pod 100/100  3489.197025: sched:sched_process_exec: filename=bin/pod pid=100 old_pid=100
             pod 101/101  3489.236666: sched:sched_process_exit: comm=pod pid=101 prio=120 group_dead=true
      pod-conmon 102/102  3489.237115: sched:sched_process_exec: filename=/w/bin/pod-conmon pid=102 old_pid=102
      pod-conmon 102/102  3489.242618: sched:sched_process_exit: comm=pod-conmon pid=102 prio=120 group_dead=false
      pod-conmon 102/103  3489.242916: sched:sched_process_exit: comm=pod-conmon pid=103 prio=120 group_dead=true
            crun 104/104  3489.249485: sched:sched_process_exec: filename=/usr/bin/crun pid=104 old_pid=104
            crun 104/104  3489.252667: sched:sched_process_exec: filename=/dev/fd/3 pid=104 old_pid=104
            crun 104/104  3489.269485: sched:sched_process_exit: comm=crun pid=104 prio=120 group_dead=true
             pod 100/100  3489.297025: sched:sched_process_exit: comm=pod pid=100 prio=120 group_dead=true
`

func TestParseSched(t *testing.T) {
	procs, err := parseSched(strings.NewReader(schedOut))
	if err != nil {
		t.Fatal(err)
	}
	if len(procs) != 3 || procs[0].label != "pod" || procs[1].label != "pod-conmon" || procs[2].label != "crun" {
		t.Fatalf("procs = %+v", procs)
	}
	for i, want := range []float64{100, 5.801, 20} {
		if d := 1000 * (procs[i].end - procs[i].start); math.Abs(d-want) > 1e-6 {
			t.Errorf("%s lived %vms, want %v", procs[i].label, d, want)
		}
	}
	if _, err := parseSched(strings.NewReader("nothing here\n")); err == nil {
		t.Error("parseSched accepted input without events")
	}
}

func FuzzParseSched(f *testing.F) {
	f.Add(schedOut)
	f.Fuzz(func(t *testing.T, s string) {
		procs, err := parseSched(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, p := range procs {
			if p.label == "" || p.end < p.start || math.IsInf(p.start, 0) {
				t.Errorf("proc %+v", p)
			}
		}
	})
}

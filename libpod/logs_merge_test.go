package libpod

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/conmon/k8sfile"
)

// writeLog writes lines to c's k8s-file log, each at base plus its offset.
func writeLog(t *testing.T, c *Container, base time.Time, lines map[time.Duration]string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(c.logPath()), 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := k8sfile.Open(c.logPath())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var offs []time.Duration
	for d := range lines {
		offs = append(offs, d)
	}
	// A container's own log is in time order.
	for i := range offs {
		for j := i + 1; j < len(offs); j++ {
			if offs[j] < offs[i] {
				offs[i], offs[j] = offs[j], offs[i]
			}
		}
	}
	for _, d := range offs {
		stream := "stdout"
		if strings.HasPrefix(lines[d], "err") {
			stream = "stderr"
		}
		if err := w.Write(stream, []byte(lines[d]+"\n"), base.Add(d)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLogsOfInterleavesByTime(t *testing.T) {
	r, _ := newTestRuntime(t)
	a := newTestContainer(t, r, "a", "x")
	b := newTestContainer(t, r, "b", "x")
	c := newTestContainer(t, r, "c", "x")
	base := time.Now().Add(-time.Hour)
	ms := time.Millisecond
	writeLog(t, a, base, map[time.Duration]string{1 * ms: "a1", 4 * ms: "a2", 9 * ms: "a3"})
	writeLog(t, b, base, map[time.Duration]string{2 * ms: "b1", 4 * ms: "err-b2", 5 * ms: "b3"})
	// c has many lines, more than a source's channel holds.
	many := map[time.Duration]string{}
	for i := range 300 {
		many[time.Duration(10+i)*ms] = fmt.Sprintf("c%d", i)
	}
	many[3*ms] = "c-early"
	writeLog(t, c, base, many)

	var got []string
	err := LogsOf(context.Background(), []*Container{a, b, c}, LogOptions{Tail: -1}, func(ct *Container, l LogLine) error {
		got = append(got, ct.Name()+":"+string(l.Content))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a:a1", "b:b1", "c:c-early", "a:a2", "b:err-b2", "b:b3", "a:a3"}
	for i := range 300 {
		want = append(want, fmt.Sprintf("c:c%d", i))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("merged logs:\n got %v\nwant %v", got[:min(len(got), 10)], want[:10])
	}

	// --tail applies per container, as in Podman.
	got = nil
	err = LogsOf(context.Background(), []*Container{c, a}, LogOptions{Tail: 1}, func(ct *Container, l LogLine) error {
		got = append(got, ct.Name()+":"+string(l.Content))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "a:a3 c:c299" {
		t.Fatalf("tail 1 of two containers: %v", got)
	}

	// An error from the caller ends it without hanging the readers.
	n := 0
	stop := fmt.Errorf("enough")
	err = LogsOf(context.Background(), []*Container{a, b, c}, LogOptions{Tail: -1}, func(*Container, LogLine) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Fatalf("caller's error: %v after %d lines", err, n)
	}
}

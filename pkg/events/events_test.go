package events

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func readAll(t *testing.T, f Eventer, o ReadOptions) []Event {
	t.Helper()
	ch := make(chan Event, 100)
	o.Out = ch
	errc := make(chan error, 1)
	go func() { errc <- f.Read(context.Background(), o) }()
	var got []Event
	for e := range ch {
		got = append(got, e)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return got
}

func TestParallelWritersAndRotation(t *testing.T) {
	dir := t.TempDir()
	f := &File{Path: filepath.Join(dir, "events", "events.log"), MaxSize: 20000}
	var wg sync.WaitGroup
	const writers, each = 8, 100
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				e := Event{Type: Container, Status: Start, ID: fmt.Sprintf("w%d-%03d", w, i), Time: time.Now(),
					Details: Details{Attributes: map[string]string{"odd": "a\nb\x00\"é"}}}
				if err := f.Write(e); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	st, err := os.Stat(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 20000+2000 {
		t.Fatalf("log not rotated: %d bytes", st.Size())
	}
	data, _ := os.ReadFile(f.Path)
	for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if !strings.HasPrefix(l, "{") || !strings.HasSuffix(l, "}") {
			t.Fatalf("line %d torn: %q", i, l)
		}
	}
	got := readAll(t, f, ReadOptions{})
	rot := 0
	for _, e := range got {
		if e.Status == Rotate {
			rot++
		}
	}
	if rot == 0 || len(got) < 10 {
		t.Fatalf("got %d events, %d rotations", len(got), rot)
	}
	if got[0].Attributes["odd"] != "a\nb\x00\"é" && got[0].Status != Rotate {
		t.Fatalf("attribute mangled: %q", got[0].Attributes["odd"])
	}
}

func TestFollowAcrossRotation(t *testing.T) {
	dir := t.TempDir()
	f := &File{Path: filepath.Join(dir, "events.log"), MaxSize: 4000}
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan Event, 1000)
	done := make(chan error, 1)
	go func() { done <- f.Read(ctx, ReadOptions{Stream: true, Out: ch, Filters: []string{"type=container"}}) }()
	const n = 200
	for i := 0; i < n; i++ {
		if err := f.Write(Event{Type: Container, Status: Create, ID: fmt.Sprintf("%04d", i), Time: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if i%20 == 0 {
			time.Sleep(150 * time.Millisecond)
		}
	}
	seen := map[string]int{}
	deadline := time.After(10 * time.Second)
	for len(seen) < n {
		select {
		case e := <-ch:
			seen[e.ID]++
			if seen[e.ID] > 1 {
				t.Fatalf("event %s seen twice", e.ID)
			}
		case <-deadline:
			t.Fatalf("followed %d of %d events", len(seen), n)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestFilters(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "events.log")}
	t0 := time.Now().Add(-time.Hour)
	evs := []Event{
		{Type: Container, Status: Create, ID: "aaaa1111", Name: "web", Image: "localhost/bb:latest", Time: t0, Details: Details{Attributes: map[string]string{"app": "x"}}},
		{Type: Container, Status: Start, ID: "aaaa1111", Name: "web", Image: "localhost/bb:latest", Time: t0.Add(time.Minute)},
		{Type: Container, Status: Start, ID: "bbbb2222", Name: "db", Image: "localhost/other:1", Time: t0.Add(2 * time.Minute)},
		{Type: Image, Status: Pull, ID: "cccc", Name: "localhost/bb:latest", Time: t0.Add(3 * time.Minute)},
	}
	for _, e := range evs {
		if err := f.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		filters []string
		since   time.Time
		want    int
	}{
		{nil, time.Time{}, 4},
		{[]string{"container=web"}, time.Time{}, 2},
		{[]string{"container=bbbb"}, time.Time{}, 1},
		{[]string{"container=web", "container=db"}, time.Time{}, 3},
		{[]string{"container=web", "event=start"}, time.Time{}, 1},
		{[]string{"image=bb"}, time.Time{}, 3},
		{[]string{"image=localhost/bb"}, time.Time{}, 3},
		{[]string{"label=app=x"}, time.Time{}, 1},
		{[]string{"label=app"}, time.Time{}, 1},
		{[]string{"type=image"}, time.Time{}, 1},
		{nil, t0.Add(90 * time.Second), 2},
		{[]string{"since=" + fmt.Sprint(t0.Add(90*time.Second).Unix())}, time.Time{}, 2},
		{[]string{"until=" + t0.Add(30*time.Second).Format(time.RFC3339Nano)}, time.Time{}, 1},
	} {
		got := readAll(t, f, ReadOptions{Filters: tc.filters, Since: tc.since})
		if len(got) != tc.want {
			t.Errorf("%v since %v: got %d events, want %d", tc.filters, tc.since, len(got), tc.want)
		}
	}
	for _, bad := range []string{"nokey", "color=red", "event=explode", "type=thing", "since=yesterday"} {
		ch := make(chan Event)
		if err := f.Read(context.Background(), ReadOptions{Filters: []string{bad}, Out: ch}); err == nil {
			t.Errorf("filter %q accepted", bad)
		}
	}
}

func TestHuman(t *testing.T) {
	tm := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	e := Event{Type: Container, Status: Start, ID: "0123456789abcdef", Name: "n", Image: "i", Time: tm,
		Details: Details{Attributes: map[string]string{"b": "2", "a": "1"}}}
	want := "2026-01-02 03:04:05.000000006 +0000 UTC container start 0123456789ab (image=i, name=n, a=1, b=2)"
	if got := e.ToHumanReadable(true); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	j, _ := e.ToJSON()
	if string(j) != `{"ID":"0123456789abcdef","Image":"i","Name":"n","Status":"start","Time":"2026-01-02T03:04:05.000000006Z","Type":"container","Attributes":{"a":"1","b":"2"}}` {
		t.Fatalf("json %s", j)
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"10m", "1700000000", "1700000000.5", "2026-01-02T03:04:05Z", "2026-01-02", "", "1.2.3"} {
		f.Add(s)
	}
	now := time.Now()
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseTime(s, now)
	})
}

func BenchmarkFileWrite(b *testing.B) {
	f := &File{Path: filepath.Join(b.TempDir(), "events.log"), MaxSize: 1000000}
	e := Event{Type: Container, Status: Start, ID: strings.Repeat("a", 64), Name: "n", Image: "localhost/busybox:latest", Time: time.Now()}
	for i := 0; i < b.N; i++ {
		if err := f.Write(e); err != nil {
			b.Fatal(err)
		}
	}
}

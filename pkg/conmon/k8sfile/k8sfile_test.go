package k8sfile

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 23, 15, 44, 1, 563390349, time.FixedZone("", 0))

func writeChunks(t *testing.T, w *Writer, chunks ...string) {
	t.Helper()
	for i, c := range chunks {
		stream := Stdout
		if strings.HasPrefix(c, "E:") {
			stream, c = Stderr, c[2:]
		}
		if err := w.Write(stream, []byte(c), t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWriterFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctr.log")
	w, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	writeChunks(t, w, "a\nbb\ncc", "c\n", "E:err\n", "\n", "x")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "2026-11-23T15:44:01.563390349+00:00 stdout F a\n" +
		"2026-11-23T15:44:01.563390349+00:00 stdout F bb\n" +
		"2026-11-23T15:44:01.563390349+00:00 stdout P cc\n" +
		"2026-11-23T15:44:02.563390349+00:00 stdout F c\n" +
		"2026-11-23T15:44:03.563390349+00:00 stderr F err\n" +
		"2026-11-23T15:44:04.563390349+00:00 stdout F \n" +
		"2026-11-23T15:44:05.563390349+00:00 stdout P x\n"
	if string(got) != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 like conmon 2.1.6", st.Mode().Perm())
	}
	// Offsets other than zero keep their sign and minutes.
	var b []byte
	b = AppendRecord(b, Record{Time: t0.In(time.FixedZone("", -(5*3600 + 30*60))), Stream: Stderr, Content: []byte("z")})
	if string(b) != "2026-11-23T10:14:01.563390349-05:30 stderr F z\n" {
		t.Errorf("AppendRecord %q", b)
	}
}

func TestWriterSizeMax(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctr.log")
	w, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	w.MaxSize = 200 // each "lineN\n" record is 45+6 = 51 bytes
	for i := 0; i < 9; i++ {
		writeChunks(t, w, "line"+string(rune('1'+i))+"\n")
	}
	w.Close()
	got, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")
	if len(got) > 200 || len(lines) != 3 || !strings.HasSuffix(lines[0], "F line7") || !strings.HasSuffix(lines[2], "F line9") {
		t.Errorf("after truncation: %q", got)
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temp file left behind: %v", err)
	}
}

func TestWriterGlobalMaxAndReopen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ctr.log")
	w, _ := Open(path)
	w.GlobalMax = 100
	writeChunks(t, w, "one\n", "two\n", "three\n", "four\n") // 49 bytes each; stops once 100 are reached
	got, _ := os.ReadFile(path)
	if strings.Count(string(got), "\n") != 3 {
		t.Errorf("global max: %q", got)
	}
	// An external rotation keeps the old content; the writer starts a new file.
	os.Rename(path, path+".1")
	if err := w.Reopen(); err != nil {
		t.Fatal(err)
	}
	w.GlobalMax = 0
	writeChunks(t, w, "four\n")
	w.Close()
	old, _ := os.ReadFile(path + ".1")
	cur, _ := os.ReadFile(path)
	if !bytes.Contains(old, []byte("F two\n")) || !strings.HasSuffix(string(cur), " stdout F four\n") || strings.Count(string(cur), "\n") != 1 {
		t.Errorf("rotation: old %q new %q", old, cur)
	}
}

func TestParseRecord(t *testing.T) {
	r, err := ParseRecord([]byte("2026-11-23T15:44:01.563390349+01:00 stderr P hello world \n"))
	if err != nil || r.Stream != Stderr || !r.Partial || string(r.Content) != "hello world " || r.Time.UnixNano() != t0.Add(-time.Hour).UnixNano() {
		t.Fatalf("%+v %v", r, err)
	}
	r, err = ParseRecord([]byte("2026-11-23T15:44:01.5+00:00 stdout F"))
	if err != nil || r.Partial || len(r.Content) != 0 {
		t.Fatalf("empty line: %+v %v", r, err)
	}
	for _, bad := range []string{"", "x", "2026-11-23T15:44:01Z stdin F x", "2026 stdout F x", "2026-11-23T15:44:01Z stdout X x", "2026-11-23T15:44:01Z stdout Fx"} {
		if _, err := ParseRecord([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestReaderJoin(t *testing.T) {
	log := "2026-11-23T15:44:01.1+00:00 stdout P ab\n" +
		"2026-11-23T15:44:01.2+00:00 stderr F e1\n" +
		"garbage\n" +
		"2026-11-23T15:44:01.3+00:00 stdout P cd\n" +
		"2026-11-23T15:44:01.4+00:00 stdout F ef\n" +
		"2026-11-23T15:44:01.5+00:00 stdout P tail"
	rd := NewReader(strings.NewReader(log))
	var j Joiner
	var got []string
	for {
		r, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if l, ok := j.Add(r); ok {
			got = append(got, l.Stream+":"+string(l.Content))
		}
	}
	for _, l := range j.Flush() {
		got = append(got, l.Stream+":"+string(l.Content)+"(incomplete)")
	}
	want := "stderr:e1|stdout:abcdef|stdout:tail(incomplete)"
	if strings.Join(got, "|") != want || rd.Skipped != 1 {
		t.Errorf("got %q skipped %d", strings.Join(got, "|"), rd.Skipped)
	}
}

func TestReaderLongLine(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	rd := NewReader(strings.NewReader("2026-11-23T15:44:01Z stdout F " + long + "\n"))
	r, err := rd.Next()
	if err != nil || string(r.Content) != long {
		t.Fatalf("long line: %d bytes, %v", len(r.Content), err)
	}
}

func collect(t *testing.T, path string, o Options) []string {
	t.Helper()
	var got []string
	err := ReadLog(context.Background(), path, o, func(l Line) error {
		got = append(got, string(l.Content))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestReadLogTailSince(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctr.log")
	w, _ := Open(path)
	writeChunks(t, w, "l0\n", "l1\n", "l2\n", "l3\n", "l4")
	w.Close()
	if got := strings.Join(collect(t, path, Options{Tail: -1}), ","); got != "l0,l1,l2,l3,l4" {
		t.Errorf("all: %s", got)
	}
	if got := strings.Join(collect(t, path, Options{Tail: 2}), ","); got != "l3,l4" {
		t.Errorf("tail 2: %s", got)
	}
	if got := collect(t, path, Options{Tail: 0}); len(got) != 0 {
		t.Errorf("tail 0: %q", got)
	}
	if got := strings.Join(collect(t, path, Options{Tail: -1, Since: t0.Add(2 * time.Second), Until: t0.Add(3 * time.Second)}), ","); got != "l2,l3" {
		t.Errorf("since/until: %s", got)
	}
	if err := ReadLog(context.Background(), path+".missing", Options{}, func(Line) error { return nil }); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

// Follow picks up new output, survives a rotation (rename + new file, what
// the ctl reopen and --log-size-max do) and ends when Stop says so.
func TestReadLogFollowRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ctr.log")
	var stop atomic.Bool
	lines := make(chan string, 100)
	done := make(chan error, 1)
	go func() {
		done <- ReadLog(context.Background(), path, Options{Tail: -1, Follow: true, Poll: 10 * time.Millisecond,
			Stop: func() bool { return stop.Load() }}, func(l Line) error {
			lines <- string(l.Content)
			return nil
		})
	}()
	time.Sleep(50 * time.Millisecond) // the file does not exist yet: the follower waits
	w, _ := Open(path)
	writeChunks(t, w, "a\n", "b\n")
	expect := func(want string) {
		t.Helper()
		select {
		case got := <-lines:
			if got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("timed out waiting for %q", want)
		}
	}
	expect("a")
	expect("b")
	writeChunks(t, w, "par")
	time.Sleep(50 * time.Millisecond)
	writeChunks(t, w, "tial\n")
	expect("partial")
	os.Rename(path, path+".1")
	w.Reopen()
	writeChunks(t, w, "after\n")
	expect("after")
	writeChunks(t, w, "last")
	w.Close()
	stop.Store(true)
	expect("last")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func FuzzParseRecord(f *testing.F) {
	f.Add([]byte("2026-11-23T15:44:01.563390349+00:00 stdout F hello\n"))
	f.Add([]byte("2026-11-23T15:44:01Z stderr P \n"))
	f.Add([]byte("2026-11-23T15:44:01.5-05:30 stdout F"))
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := ParseRecord(line)
		if err != nil {
			return
		}
		// Whatever parses renders back to a line that parses to the same record.
		back, err := ParseRecord(AppendRecord(nil, r))
		if err != nil {
			t.Fatalf("re-parse of %q: %v", AppendRecord(nil, r), err)
		}
		if !back.Time.Equal(r.Time) || back.Stream != r.Stream || back.Partial != r.Partial || !bytes.Equal(back.Content, r.Content) {
			t.Fatalf("round trip %+v → %+v", r, back)
		}
	})
}

// FuzzReader: whatever the bytes, the reader and joiner neither fail nor
// lose content; records written by the Writer come back verbatim.
func FuzzReader(f *testing.F) {
	f.Add([]byte("a\nb"), []byte("c\n"), uint8(3))
	f.Add([]byte(""), []byte("\n\n"), uint8(0))
	f.Fuzz(func(t *testing.T, out, errOut []byte, cut uint8) {
		var buf bytes.Buffer
		path := filepath.Join(t.TempDir(), "l")
		w, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(Stdout, out, t0)
		w.Write(Stderr, errOut, t0)
		w.Close()
		data, _ := os.ReadFile(path)
		// Garbage in the middle must only be skipped.
		c := int(cut) % (len(data) + 1)
		buf.Write(data[:c])
		buf.WriteString("\n#garbage\n")
		buf.Write(data[c:])
		rd := NewReader(&buf)
		var j Joiner
		var got [2][]byte
		for {
			r, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if l, ok := j.Add(r); ok {
				got[streamIndex(l.Stream)] = append(append(got[streamIndex(l.Stream)], l.Content...), '\n')
			}
		}
		for _, l := range j.Flush() {
			got[streamIndex(l.Stream)] = append(got[streamIndex(l.Stream)], l.Content...)
		}
		// Without the injected garbage splitting a record, content survives.
		if c == 0 || c == len(data) || data[c-1] == '\n' {
			if !bytes.Equal(got[0], out) || !bytes.Equal(got[1], errOut) {
				t.Fatalf("content changed: %q/%q → %q/%q", out, errOut, got[0], got[1])
			}
		}
	})
}

// The monitor writes every chunk of container output through Write; it
// must not allocate (one monitor runs per container).
func TestWriterDoesNotAllocate(t *testing.T) {
	w, err := Open(filepath.Join(t.TempDir(), "ctr.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	chunk := []byte(strings.Repeat("line of output\n", 400) + "partial")
	now := time.Now()
	allocs := testing.AllocsPerRun(50, func() {
		if err := w.Write(Stdout, chunk, now); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Write allocates %.1f times per call", allocs)
	}
}

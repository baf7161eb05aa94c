// Package journal reads a container's output back from the systemd
// journal (the journald log driver): the entries pod-conmon wrote with
// CONTAINER_ID_FULL=<id>, through `journalctl -o json`. journalctl is used
// rather than go-systemd's sdjournal, which needs libsystemd through cgo
// and dlopen at run time; journalctl is on every host that has a journal,
// reads every journal format, and keeps pod free of libsystemd.
package journal

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// Line is one line of output.
type Line struct {
	Time    time.Time
	Stream  string // "stdout" or "stderr"
	Content []byte
}

// Options select the lines.
type Options struct {
	Tail         int // < 0: all
	Since, Until time.Time
	// Follow, when set, is called each time everything logged so far was
	// read; reading ends (after one more pass) when it returns true.
	Follow func() (stop bool)
	Poll   time.Duration // how often a follower looks for new entries (default 250ms)
	// Files, when set, are journal files to read instead of the system's
	// journal (journalctl --file).
	Files []string
}

// ErrNoJournal says there is no journal to read.
var ErrNoJournal = errors.New("no systemd journal is readable on this host")

// Read calls fn for each line container id logged to the journal.
func Read(ctx context.Context, id string, o Options, fn func(Line) error) error {
	if _, err := exec.LookPath("journalctl"); err != nil {
		return fmt.Errorf("reading the journald log driver needs journalctl (systemd): %w", err)
	}
	if len(o.Files) == 0 && !journalExists() {
		return fmt.Errorf("%w: systemd-journald is not running (no /run/systemd/journal/socket) and /run/log/journal and /var/log/journal hold no journal", ErrNoJournal)
	}
	poll := o.Poll
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	cursor := ""
	var partial [2][]byte
	first := true
	emit := func(e *entry) error {
		l, ok := e.line()
		if !ok {
			return nil
		}
		idx := 0
		if l.Stream == "stderr" {
			idx = 1
		}
		if e.partial() {
			partial[idx] = append(partial[idx], l.Content...)
			return nil
		}
		if len(partial[idx]) > 0 {
			l.Content = append(partial[idx], l.Content...)
			partial[idx] = nil
		}
		if !o.Since.IsZero() && l.Time.Before(o.Since) || !o.Until.IsZero() && l.Time.After(o.Until) {
			return nil
		}
		return fn(l)
	}
	for {
		args := []string{"-o", "json", "--no-pager", "-q", "--all"}
		for _, f := range o.Files {
			args = append(args, "--file", f)
		}
		switch {
		case cursor != "":
			args = append(args, "--after-cursor", cursor)
		case first:
			if !o.Since.IsZero() {
				args = append(args, "--since", "@"+strconv.FormatInt(o.Since.Unix(), 10))
			}
			if o.Tail >= 0 {
				args = append(args, "-n", strconv.Itoa(o.Tail))
			}
		}
		if !o.Until.IsZero() {
			args = append(args, "--until", "@"+strconv.FormatInt(o.Until.Unix()+1, 10))
		}
		args = append(args, "CONTAINER_ID_FULL="+id)
		last, err := run(ctx, args, emit)
		if err != nil {
			return err
		}
		if last != "" {
			cursor = last
		}
		first = false
		if o.Follow == nil {
			break
		}
		if o.Follow() {
			// One more pass for what came in before the container stopped.
			o.Follow = nil
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
	// A partial line with no end: print it as it is.
	for i, p := range partial {
		if len(p) > 0 {
			if err := fn(Line{Time: time.Now(), Stream: map[int]string{0: "stdout", 1: "stderr"}[i], Content: p}); err != nil {
				return err
			}
		}
	}
	return nil
}

func journalExists() bool {
	if _, err := os.Stat("/run/systemd/journal/socket"); err == nil {
		return true
	}
	for _, d := range []string{"/run/log/journal", "/var/log/journal"} {
		if ents, err := os.ReadDir(d); err == nil && len(ents) > 0 {
			return true
		}
	}
	return false
}

// run runs journalctl and hands each entry to emit; it returns the last
// entry's cursor.
func run(ctx context.Context, args []string, emit func(*entry) error) (string, error) {
	cmd := exec.CommandContext(ctx, "journalctl", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("journalctl: %w", err)
	}
	last := ""
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	var emitErr error
	for sc.Scan() {
		var e entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			continue
		}
		last = e.Cursor
		if emitErr == nil {
			emitErr = emit(&e)
		}
	}
	werr := cmd.Wait()
	if emitErr != nil {
		return last, emitErr
	}
	if werr != nil && ctx.Err() == nil {
		// journalctl exits 1 with "No entries" under -q? It does not; any
		// failure is real.
		return last, fmt.Errorf("journalctl %v: %w: %s", args, werr, bytes.TrimSpace(stderr.Bytes()))
	}
	return last, ctx.Err()
}

// entry is one journal entry in journalctl's JSON: fields are strings, or
// arrays of bytes when not valid UTF-8 or binary, or null when too large.
type entry struct {
	Cursor   string          `json:"__CURSOR"`
	Realtime string          `json:"__REALTIME_TIMESTAMP"`
	Message  json.RawMessage `json:"MESSAGE"`
	Priority string          `json:"PRIORITY"`
	Partial  string          `json:"CONTAINER_PARTIAL_MESSAGE"`
}

func (e *entry) partial() bool { return e.Partial == "true" }

func (e *entry) line() (Line, bool) {
	var msg []byte
	var s string
	if err := json.Unmarshal(e.Message, &s); err == nil {
		msg = []byte(s)
	} else {
		var b []byte
		var ints []int
		if err := json.Unmarshal(e.Message, &ints); err != nil {
			return Line{}, false
		}
		for _, i := range ints {
			b = append(b, byte(i))
		}
		msg = b
	}
	usec, _ := strconv.ParseInt(e.Realtime, 10, 64)
	stream := "stdout"
	if e.Priority == "3" {
		stream = "stderr"
	}
	return Line{Time: time.UnixMicro(usec), Stream: stream, Content: msg}, true
}

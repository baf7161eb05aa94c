// Package k8sfile reads and writes container logs in the CRI "k8s-file"
// format conmon uses: one record per line,
//
//	<timestamp> <stream> <P|F> <content>\n
//
// with an RFC 3339 local timestamp with nanoseconds and a numeric offset
// ("2026-11-23T15:44:01.563390349+00:00"), stream "stdout" or "stderr", and
// P for a partial record (the output chunk did not end with a newline; the
// writer adds one) or F for the end of a line. Readers join P records with
// the following records of the same stream up to an F.
//
// The writer is what pod-conmon uses (standard library and syscalls only,
// no allocation per write); the reader is what `pod logs` uses.
package k8sfile

import (
	"bytes"
	"errors"
	"time"
)

// Stream names used in records.
const (
	Stdout = "stdout"
	Stderr = "stderr"
)

// TimeLayout is the record timestamp layout.
const TimeLayout = "2006-01-02T15:04:05.000000000-07:00"

// Record is one line of a k8s-file log.
type Record struct {
	Time    time.Time
	Stream  string // Stdout or Stderr
	Partial bool   // P: the content continues in a later record of the stream
	Content []byte // without the record's trailing newline
}

// ErrMalformed is returned for a line that is not a k8s-file record.
var ErrMalformed = errors.New("malformed k8s-file log record")

// ParseRecord parses one line (with or without its trailing "\n"). Content
// aliases line.
func ParseRecord(line []byte) (Record, error) {
	line = bytes.TrimSuffix(line, []byte{'\n'})
	ts, rest, ok := bytes.Cut(line, []byte{' '})
	if !ok {
		return Record{}, ErrMalformed
	}
	stream, rest, ok := bytes.Cut(rest, []byte{' '})
	if !ok {
		return Record{}, ErrMalformed
	}
	var r Record
	switch string(stream) {
	case Stdout:
		r.Stream = Stdout
	case Stderr:
		r.Stream = Stderr
	default:
		return Record{}, ErrMalformed
	}
	// The flag and its separating blank; conmon always writes both, but an
	// empty final line may lack the blank when edited by hand.
	switch {
	case len(rest) >= 2 && rest[1] == ' ' && (rest[0] == 'P' || rest[0] == 'F'):
		r.Partial = rest[0] == 'P'
		r.Content = rest[2:]
	case len(rest) == 1 && (rest[0] == 'P' || rest[0] == 'F'):
		r.Partial = rest[0] == 'P'
		r.Content = rest[1:]
	default:
		return Record{}, ErrMalformed
	}
	t, err := time.Parse(time.RFC3339Nano, string(ts))
	if err != nil {
		return Record{}, ErrMalformed
	}
	r.Time = t
	return r, nil
}

// AppendRecord appends the record's line (with its newline) to b.
func AppendRecord(b []byte, r Record) []byte {
	b = r.Time.AppendFormat(b, TimeLayout)
	b = append(b, ' ')
	b = append(b, r.Stream...)
	if r.Partial {
		b = append(b, " P "...)
	} else {
		b = append(b, " F "...)
	}
	b = append(b, r.Content...)
	return append(b, '\n')
}

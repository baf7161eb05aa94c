package k8sfile

import (
	"bytes"
	"io"
	"time"
)

// Reader reads records from a k8s-file log. Malformed lines are skipped
// and counted; a final line without its newline (a writer caught mid-write)
// is returned as a record only at EOF.
type Reader struct {
	r       io.Reader
	buf     []byte
	start   int
	end     int
	eof     bool
	Skipped int // malformed lines seen so far
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: r, buf: make([]byte, 64<<10)}
}

// Next returns the next record, or io.EOF. The record's Content is valid
// until the next call.
func (r *Reader) Next() (Record, error) {
	for {
		line, ok, err := r.nextLine()
		if !ok {
			return Record{}, err
		}
		rec, perr := ParseRecord(line)
		if perr != nil {
			r.Skipped++
			continue
		}
		return rec, nil
	}
}

// nextLine returns the next complete line (without "\n"), or the
// unterminated rest at EOF.
func (r *Reader) nextLine() ([]byte, bool, error) {
	scanFrom := r.start
	for {
		if i := bytes.IndexByte(r.buf[scanFrom:r.end], '\n'); i >= 0 {
			line := r.buf[r.start : scanFrom+i]
			r.start = scanFrom + i + 1
			return line, true, nil
		}
		scanFrom = r.end
		if r.eof {
			if r.start < r.end {
				line := r.buf[r.start:r.end]
				r.start = r.end
				return line, true, nil
			}
			return nil, false, io.EOF
		}
		// Make room: move the pending bytes to the front, grow if full.
		if r.start > 0 {
			n := copy(r.buf, r.buf[r.start:r.end])
			scanFrom -= r.start
			r.start, r.end = 0, n
		}
		if r.end == len(r.buf) {
			nb := make([]byte, 2*len(r.buf))
			copy(nb, r.buf[:r.end])
			r.buf = nb
		}
		n, err := r.r.Read(r.buf[r.end:])
		r.end += n
		if err == io.EOF {
			r.eof = true
		} else if err != nil {
			return nil, false, err
		}
	}
}

// Line is a container output line with its partial records joined.
type Line struct {
	Time    time.Time // time of the line's last record
	Stream  string
	Content []byte // without the newline
	// Incomplete is set when the log ended before the line's F record
	// (the container had not finished the line yet).
	Incomplete bool
}

// Joiner joins the P records of each stream with the stream's following
// records up to an F record.
type Joiner struct {
	pend [2][]byte
	has  [2]bool
	when [2]time.Time
}

func streamIndex(s string) int {
	if s == Stderr {
		return 1
	}
	return 0
}

// Add takes a record and returns a complete line when the record ends one.
// The line's Content is a new slice owned by the caller.
func (j *Joiner) Add(r Record) (Line, bool) {
	i := streamIndex(r.Stream)
	if r.Partial {
		j.pend[i] = append(j.pend[i], r.Content...)
		j.has[i] = true
		j.when[i] = r.Time
		return Line{}, false
	}
	content := make([]byte, 0, len(j.pend[i])+len(r.Content))
	content = append(append(content, j.pend[i]...), r.Content...)
	j.pend[i] = j.pend[i][:0]
	j.has[i] = false
	return Line{Time: r.Time, Stream: r.Stream, Content: content}, true
}

// Flush returns the unfinished lines (stdout first) and forgets them.
func (j *Joiner) Flush() []Line {
	var out []Line
	for i, name := range [2]string{Stdout, Stderr} {
		if j.has[i] {
			out = append(out, Line{Time: j.when[i], Stream: name, Content: append([]byte(nil), j.pend[i]...), Incomplete: true})
			j.pend[i] = j.pend[i][:0]
			j.has[i] = false
		}
	}
	return out
}

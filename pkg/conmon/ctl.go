package conmon

import (
	"errors"
	"strconv"
)

// CtlMessage is one line of the ctl FIFO: "<type> <height> <width>\n".
type CtlMessage struct {
	Type, Height, Width int
}

// FormatCtl renders one ctl FIFO line.
func FormatCtl(typ, height, width int) []byte {
	b := appendInt(nil, typ)
	b = append(b, ' ')
	b = appendInt(b, height)
	b = append(b, ' ')
	b = appendInt(b, width)
	return append(b, '\n')
}

// ErrBadCtl is returned for a ctl or winsz line that does not parse.
var ErrBadCtl = errors.New("malformed control message")

// ParseCtl parses one ctl line (without or with its newline): three decimal
// integers separated by blanks; anything after the third is ignored, as
// conmon's sscanf does. Types other than CtlResize and CtlReopen, and sizes
// outside 0..65535, are rejected.
func ParseCtl(line []byte) (CtlMessage, error) {
	var v [3]int
	rest := line
	for i := range v {
		var ok bool
		if v[i], rest, ok = scanInt(rest); !ok {
			return CtlMessage{}, ErrBadCtl
		}
	}
	m := CtlMessage{Type: v[0], Height: v[1], Width: v[2]}
	if m.Type != CtlResize && m.Type != CtlReopen {
		return CtlMessage{}, ErrBadCtl
	}
	if m.Height < 0 || m.Width < 0 || m.Height > 0xffff || m.Width > 0xffff {
		return CtlMessage{}, ErrBadCtl
	}
	return m, nil
}

// ParseWinsz parses one line of the internal winsz FIFO: "<height> <width>".
func ParseWinsz(line []byte) (height, width int, err error) {
	h, rest, ok := scanInt(line)
	if !ok {
		return 0, 0, ErrBadCtl
	}
	w, _, ok := scanInt(rest)
	if !ok || h < 0 || w < 0 || h > 0xffff || w > 0xffff {
		return 0, 0, ErrBadCtl
	}
	return h, w, nil
}

// scanInt reads an optionally signed decimal after leading blanks, like %d.
func scanInt(b []byte) (int, []byte, bool) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == '\v' || b[i] == '\f') {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	start := i
	n := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		if n > 1<<40 { // far beyond any valid value; stop growing
			n = 1 << 40
		} else {
			n = n*10 + int(b[i]-'0')
		}
		i++
	}
	if i == start {
		return 0, b, false
	}
	if neg {
		n = -n
	}
	return n, b[i:], true
}

// CtlReader splits what is read from a ctl or winsz FIFO into lines. Like
// conmon it holds at most CtlMaxLine-1 bytes of a line; a longer line is
// dropped whole.
type CtlReader struct {
	buf  []byte
	skip bool // inside an overlong line: drop up to its newline
}

// Feed adds data and calls fn for every complete line (without "\n").
func (r *CtlReader) Feed(data []byte, fn func(line []byte)) {
	for len(data) > 0 {
		i := indexByte(data, '\n')
		if i < 0 {
			if !r.skip && len(r.buf)+len(data) < CtlMaxLine {
				r.buf = append(r.buf, data...)
			} else {
				r.buf, r.skip = r.buf[:0], true
			}
			return
		}
		switch {
		case r.skip || len(r.buf)+i >= CtlMaxLine:
			// the end of an overlong line
		case len(r.buf) > 0:
			r.buf = append(r.buf, data[:i]...)
			fn(r.buf)
		default:
			fn(data[:i])
		}
		r.buf, r.skip = r.buf[:0], false
		data = data[i+1:]
	}
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func appendInt(b []byte, n int) []byte { return strconv.AppendInt(b, int64(n), 10) }

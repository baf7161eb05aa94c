package oci

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

// logEntry is one message a runtime writes with --log-format json.
type logEntry struct {
	Level string `json:"level"`
	Msg   string `json:"msg"`
}

// lastError returns the last error-level message of a runtime's JSON log.
// runc and crun end each object with a newline; runsc writes them back to back,
// so the log is read as a stream of JSON values. Garbage after the last valid
// object is ignored; a log with no error entry yields "".
func lastError(log []byte) string {
	var last, lastWarn string
	for pos := 0; pos < len(log); {
		dec := json.NewDecoder(bytes.NewReader(log[pos:]))
		var e logEntry
		if err := dec.Decode(&e); err != nil {
			if err == io.EOF {
				break
			}
			// Not an object here: resynchronise at the next '{'.
			i := bytes.IndexByte(log[pos+1:], '{')
			if i < 0 {
				break
			}
			pos += 1 + i
			continue
		}
		pos += int(dec.InputOffset())
		switch strings.ToLower(e.Level) {
		case "error", "fatal", "panic":
			last = e.Msg
		case "warning", "warn":
			lastWarn = e.Msg
		}
	}
	if last == "" {
		return lastWarn
	}
	return last
}

// stderrMessage trims a runtime's stderr into one message: text-format logs
// (`time="…" level=error msg="…"`) give their msg, else the last non-empty line.
func stderrMessage(stderr []byte) string {
	lines := strings.Split(strings.TrimSpace(string(stderr)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		if j := strings.Index(l, ` msg="`); j >= 0 {
			m := l[j+6:]
			if k := strings.LastIndex(m, `"`); k >= 0 {
				m = m[:k]
			}
			return strings.ReplaceAll(m, `\"`, `"`)
		}
		return l
	}
	return ""
}

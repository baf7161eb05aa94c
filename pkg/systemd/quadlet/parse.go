// Package quadlet turns Quadlet .container files (podman-systemd.unit(5))
// into systemd services that run the container with pod: the logic of the
// pod-quadlet generator (cmd/pod-quadlet). It supports the [Container] keys
// whose pod run flags exist, plus Runtime= (a runtime name or absolute
// path), which Podman's Quadlet lacks. Unknown keys, and Podman keys whose
// subsystem pod does not have yet, are errors naming the file, line and key.
//
// Unit files are read and written with go-systemd's unit package; it
// reports no line numbers, so lines are found by a second, trivial scan
// (keys in file order).
package quadlet

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/coreos/go-systemd/v22/unit"
)

// Error is a problem in one unit file, at a line, for a key.
type Error struct {
	File string
	Line int // 0 = the file as a whole
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Key != "":
		return fmt.Sprintf("%s:%d: key %s: %s", e.File, e.Line, e.Key, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	case e.Key != "":
		return fmt.Sprintf("%s: key %s: %s", e.File, e.Key, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Entry is one key of a unit file, with the line it starts on.
type Entry struct {
	Section, Key, Value string
	Line                int
}

// File is a parsed unit file.
type File struct {
	Path     string
	Entries  []Entry
	Sections []string // every section header, also of sections without keys
}

// Parse reads a unit file. Continuation lines are joined with a space.
func Parse(path string, data []byte) (*File, error) {
	if !isText(data) {
		return nil, &Error{File: path, Msg: "not a text file"}
	}
	opts, err := unit.DeserializeOptions(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{File: path, Line: errorLine(data), Msg: err.Error()}
	}
	lines := keyLines(data)
	f := &File{Path: path, Sections: sectionNames(data)}
	for i, o := range opts {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		v := strings.ReplaceAll(o.Value, "\\\n", " ")
		v = strings.TrimSpace(v)
		f.Entries = append(f.Entries, Entry{Section: o.Section, Key: o.Name, Value: v, Line: line})
	}
	if len(lines) != len(opts) {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot be parsed consistently (%d keys found, %d read)", len(lines), len(opts))}
	}
	return f, nil
}

// sectionNames are the [Section] headers of data, in order.
func sectionNames(data []byte) []string {
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if len(t) > 2 && t[0] == '[' && t[len(t)-1] == ']' {
			out = append(out, t[1:len(t)-1])
		}
	}
	return out
}

// keyLines is the line number of each key, in file order, by the rules of
// go-systemd's lexer: comments (#, ;) and blank lines skipped, a value
// continues while its line ends in a backslash.
func keyLines(data []byte) []int {
	var out []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), len(data)+1)
	n, cont, inSection := 0, false, false
	for sc.Scan() {
		n++
		raw := strings.TrimSuffix(sc.Text(), "\r")
		if cont {
			if strings.TrimSpace(raw) == "" {
				cont = false
				continue
			}
			cont = strings.HasSuffix(raw, "\\")
			continue
		}
		t := strings.TrimLeft(raw, " \t")
		switch {
		case t == "" || t[0] == '#' || t[0] == ';':
		case t[0] == '[':
			inSection = true
		case inSection && strings.Contains(raw, "="):
			out = append(out, n)
			_, v, _ := strings.Cut(raw, "=")
			cont = strings.TrimSpace(v) != "" && strings.HasSuffix(raw, "\\")
		}
	}
	return out
}

// errorLine guesses the line of a syntax error: the first line that is
// neither blank, a comment, a section header nor a key.
func errorLine(data []byte) int {
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), len(data)+1)
	for sc.Scan() {
		n++
		t := strings.TrimSpace(sc.Text())
		if t == "" || t[0] == '#' || t[0] == ';' || (t[0] == '[' && strings.HasSuffix(t, "]")) || strings.Contains(t, "=") {
			continue
		}
		return n
	}
	return 0
}

func isText(data []byte) bool {
	return !bytes.ContainsRune(data, 0) && strings.ToValidUTF8(string(data), "\uFFFD") == string(data)
}

// SplitWords splits a value into words as systemd does for Exec= and
// Environment=: blanks separate, "…" and '…' quote, backslash escapes.
func SplitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in := false
	var quote rune
	esc := false
	for _, r := range s {
		switch {
		case esc:
			switch r {
			case 'n':
				cur.WriteRune('\n')
			case 't':
				cur.WriteRune('\t')
			default:
				cur.WriteRune(r)
			}
			esc = false
		case r == '\\':
			esc, in = true, true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unbalanced quoting")
	}
	if esc {
		return nil, fmt.Errorf("trailing backslash")
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

// QuoteWord quotes a word for an Exec line (the inverse of SplitWords).
// Specifiers (%N) and $VARIABLES are left to systemd, as the user wrote them.
func QuoteWord(w string) string {
	if w != "" && !strings.ContainsAny(w, " \t\n\"'\\") {
		return w
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(w) + `"`
}

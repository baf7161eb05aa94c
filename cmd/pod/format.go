package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"strings"

	"go.podman.io/common/pkg/report"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Output formatting for every verb's --format, on Podman's own report
// package (go.podman.io/common/pkg/report): the same "table" handling, header
// names, tab alignment and template functions (json, lower, upper, title,
// join, split, truncate, pad) as Podman, plus the few pod adds here.

var idFieldRE = regexp.MustCompile(`\.Id(\W|$)`)

// jsonFormatRE matches what Podman 4.3 takes for JSON output: "json",
// "{{json .}}", "{{ json . }}", "{{json}}" (newer Podman runs "{{json .}}"
// as a template; 4.3, the reference, prints the JSON document).
var jsonFormatRE = regexp.MustCompile(`^\s*(json|\{\{\s*json\s*\.?\s*\}\})\s*$`)

// isJSONFormat reports whether --format asks for JSON output.
func isJSONFormat(f string) bool { return jsonFormatRE.MatchString(f) }

// printJSON writes v as JSON indented by four spaces, as Podman's inspect does.
func printJSON(v any) error { return writeJSON(os.Stdout, v, "    ") }

// writeJSON writes v indented by indent, with a final newline and without
// HTML escaping (Podman prints "<" and "&" as they are).
func writeJSON(w io.Writer, v any, indent string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	return enc.Encode(v)
}

// printFormatted prints v as JSON or through a --format template, or with
// plain when no format was given.
func printFormatted(format string, v any, plain func() error) error {
	switch {
	case isJSONFormat(format):
		return printJSON(v)
	case format != "":
		return renderTemplate(os.Stdout, format, nil, []any{v})
	}
	return plain()
}

// renderTemplate writes rows through a user's Go template. A "table" prefix
// adds a header line (headers override the upper-cased, word-split field
// names of the first row) and aligns the columns.
func renderTemplate(w io.Writer, format string, headers map[string]string, rows []any) error {
	var hdrOf any
	if len(rows) > 0 {
		hdrOf = rows[0]
	}
	return printReport(w, reportSpec{Name: "format", Format: format, HeaderOf: hdrOf, Headers: headers}, rows)
}

// reportSpec describes one listing.
type reportSpec struct {
	Name      string            // template name, shown in template errors ("ps")
	Format    string            // the user's --format; "" prints Default
	Default   string            // the verb's own table row, tab separated, without "table"
	HeaderOf  any               // a row value whose field names become the headers
	Headers   map[string]string // header names that differ from the field names
	NoHeading bool              // --noheading
}

// printReport writes rows (a slice) as Podman does: the default row or
// a "table" format gets headers and tab-aligned columns; other formats are
// executed once per row.
func printReport(w io.Writer, s reportSpec, rows any) error {
	origin, format := report.OriginUser, s.Format
	if format == "" {
		origin, format = report.OriginPodman, "{{range .}}"+s.Default+"\n{{end -}}"
	}
	// Podman accepts the JSON key .Id as well as the field .ID.
	format = idFieldRE.ReplaceAllString(format, ".ID$1")
	rpt, err := report.New(w, s.Name).Parse(origin, format)
	if err != nil {
		return templateError{err}
	}
	if rpt.RenderHeaders && !s.NoHeading && s.HeaderOf != nil {
		// A header line only when the template runs on the column names: a
		// template that reaches into nested fields ({{.State.Status}}) has
		// none, as in Podman.
		hdr := []headerRow{headerRow(report.Headers(s.HeaderOf, s.Headers)[0])}
		if probe, err := report.New(io.Discard, s.Name).Parse(origin, format); err == nil && probe.Execute(hdr) == nil {
			if err := rpt.Execute(hdr); err != nil {
				return templateError{err}
			}
		}
	}
	if err := rpt.Execute(rows); err != nil {
		_ = rpt.Flush()
		return templateError{err}
	}
	return rpt.Flush()
}

// headerRow is the data of a table's header line: column names by field.
type headerRow map[string]string

// Label names the column of {{.Label "key"}}: the key, upper-cased.
func (h headerRow) Label(key string) string { return strings.ToUpper(key) }

// templateError is a bad --format: Go's text, class ErrInvalidArgument.
type templateError struct{ error }

func (e templateError) Is(target error) bool { return target == errdefs.ErrInvalidArgument }

// writeListing writes what render makes of a `… ls` listing to stdout;
// with --noheading the header line of a table format is left out.
func writeListing(format string, noHeading bool, render func(w io.Writer) error) error {
	var b bytes.Buffer
	if err := render(&b); err != nil {
		return err
	}
	out := b.Bytes()
	if noHeading && strings.HasPrefix(format, "table") {
		_, out, _ = bytes.Cut(out, []byte("\n"))
	}
	_, err := os.Stdout.Write(out)
	return err
}

// selected returns the items match keeps, never nil (a JSON listing of
// none prints [], as Podman).
func selected[T any](all []T, match func(T) bool) []T {
	out := []T{}
	for _, x := range all {
		if match(x) {
			out = append(out, x)
		}
	}
	return out
}

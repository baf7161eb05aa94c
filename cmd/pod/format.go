package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"text/tabwriter"
	"text/template"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// templateFuncs are the helpers Podman offers in --format templates.
var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"lower":    strings.ToLower,
	"upper":    strings.ToUpper,
	"title":    strings.Title, //nolint:staticcheck // Podman offers it too
	"join":     strings.Join,
	"split":    strings.Split,
	"truncate": func(s string, n int) string { return s[:min(n, len(s))] },
	"pad": func(s string, n int) string {
		if len(s) >= n {
			return s
		}
		return s + strings.Repeat(" ", n-len(s))
	},
}

var fieldRE = regexp.MustCompile(`\{\{\s*\.(\w+)`)

var idFieldRE = regexp.MustCompile(`\.Id(\W|$)`)

// isJSONFormat reports whether --format asks for JSON output.
func isJSONFormat(f string) bool {
	return f == "json" || f == "{{json .}}" || f == "{{ json . }}"
}

// printJSON writes v as indented JSON, as Podman does.
func printJSON(v any) error {
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = os.Stdout.Write(b)
	return err
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

// renderTemplate writes rows through a Go template. A "table" prefix adds a
// header line (from headers, else the upper-cased field names) and aligns
// the columns; without it each row is printed on its own line.
func renderTemplate(w io.Writer, format string, headers map[string]string, rows []any) error {
	table := false
	if rest, ok := strings.CutPrefix(format, "table"); ok {
		table = true
		format = strings.TrimLeft(rest, " ")
	}
	format = strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(format)
	// Podman accepts the JSON key .Id as well as the field .ID.
	format = idFieldRE.ReplaceAllString(format, ".ID$1")
	tmpl, err := template.New("format").Funcs(templateFuncs).Option("missingkey=error").Parse(format + "\n")
	if err != nil {
		return fmt.Errorf("invalid --format template: %v: %w", err, errdefs.ErrInvalidArgument)
	}
	out := w
	var tw *tabwriter.Writer
	if table {
		tw = tabwriter.NewWriter(w, 12, 2, 2, ' ', 0)
		out = tw
		var hdr []string
		for _, m := range fieldRE.FindAllStringSubmatch(format, -1) {
			h, ok := headers[m[1]]
			if !ok {
				h = strings.ToUpper(m[1])
			}
			hdr = append(hdr, h)
		}
		if len(hdr) > 0 {
			// Keep the template's separators between the header names.
			if _, err := fmt.Fprint(out, headerLine(format, hdr)); err != nil {
				return err
			}
		}
	}
	for _, r := range rows {
		var b bytes.Buffer
		if err := tmpl.Execute(&b, r); err != nil {
			return fmt.Errorf("invalid --format template: %v: %w", err, errdefs.ErrInvalidArgument)
		}
		if _, err := out.Write(b.Bytes()); err != nil {
			return err
		}
	}
	if tw != nil {
		return tw.Flush()
	}
	return nil
}

var actionRE = regexp.MustCompile(`\{\{[^}]*\}\}`)

// headerLine replaces each {{…}} action of format with the next header name.
func headerLine(format string, hdr []string) string {
	i := 0
	line := actionRE.ReplaceAllStringFunc(format, func(a string) string {
		if !fieldRE.MatchString(a) {
			return ""
		}
		if i < len(hdr) {
			i++
			return hdr[i-1]
		}
		return ""
	})
	return line + "\n"
}

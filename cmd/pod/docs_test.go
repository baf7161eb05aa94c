package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

var (
	docsDir      = flag.String("docs-dir", "", "write a markdown page per command here (make docs)")
	flagCoverage = flag.String("flag-coverage", "", "write the flags no system test uses to this file (make flag-coverage)")
)

// walk calls fn for every command of the tree, the root included.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, s := range c.Commands() {
		walk(s, fn)
	}
}

// Every command says what it does and every flag what it means: the help,
// the completion scripts and the generated pages are made from these.
func TestEveryCommandAndFlagHasHelp(t *testing.T) {
	walk(rootCommand(), func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		if strings.TrimSpace(c.Short) == "" {
			t.Errorf("%s has no short help", c.CommandPath())
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden && strings.TrimSpace(f.Usage) == "" {
				t.Errorf("%s --%s has no usage text", c.CommandPath(), f.Name)
			}
		})
	})
}

// TestGenerateDocs writes docs/man/*.md from the command tree (make docs).
func TestGenerateDocs(t *testing.T) {
	if *docsDir == "" {
		t.Skip("make docs sets -docs-dir")
	}
	root := rootCommand()
	root.DisableAutoGenTag = true
	walk(root, func(c *cobra.Command) { c.DisableAutoGenTag = true })
	if err := os.MkdirAll(*docsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(*docsDir, "pod*.md"))
	for _, f := range old {
		_ = os.Remove(f)
	}
	if err := doc.GenMarkdownTree(root, *docsDir); err != nil {
		t.Fatal(err)
	}
}

// TestFlagCoverage lists the flags of `pod X --help` that no system test
// passes (make flag-coverage): the list of what is still to be exercised.
func TestFlagCoverage(t *testing.T) {
	if *flagCoverage == "" {
		t.Skip("make flag-coverage sets -flag-coverage")
	}
	bats, err := filepath.Glob("../../test/system/*.bats")
	if err != nil || len(bats) == 0 {
		t.Fatalf("no system tests found: %v", err)
	}
	// The man page examples (800-man-examples.bats runs them against pod
	// and Podman) pass flags too.
	examples, _ := filepath.Glob("../../test/system/examples/*.examples")
	bats = append(bats, examples...)
	var text strings.Builder
	for _, b := range bats {
		data, err := os.ReadFile(b)
		if err != nil {
			t.Fatal(err)
		}
		text.Write(data)
	}
	all := text.String()
	var missing []string
	total := 0
	walk(rootCommand(), func(c *cobra.Command) {
		if c.Hidden || !c.Runnable() {
			return
		}
		c.NonInheritedFlags().VisitAll(func(f *pflag.Flag) {
			if f.Hidden || f.Name == "help" {
				return
			}
			total++
			used := regexp.MustCompile(`(^|[\s"'(])--` + regexp.QuoteMeta(f.Name) + `($|[\s="')])`).MatchString(all)
			if !used && f.Shorthand != "" {
				used = regexp.MustCompile(`\s-[a-zA-Z]*` + regexp.QuoteMeta(f.Shorthand) + `[a-zA-Z]*(\s|$)`).MatchString(all)
			}
			if !used {
				missing = append(missing, c.CommandPath()+" --"+f.Name)
			}
		})
	})
	sort.Strings(missing)
	out := fmt.Sprintf("%d of %d flags are not used by any system test:\n%s\n", len(missing), total, strings.Join(missing, "\n"))
	if err := os.WriteFile(*flagCoverage, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Log(strings.SplitN(out, "\n", 2)[0])
}

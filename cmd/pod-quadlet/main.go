// Command pod-quadlet is a systemd generator: it turns Quadlet .container
// files into services that run the container with pod (logic in
// pkg/systemd/quadlet). systemd runs it as
// /usr/lib/systemd/system-generators/pod-system-generator (system units) and
// user-generators/pod-user-generator (user units) with the output
// directories as arguments; `pod-quadlet -dryrun` prints the units instead.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pod-engine/pod/pkg/systemd/quadlet"
)

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr *os.File) int {
	fs := flag.NewFlagSet("pod-quadlet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dryrun := fs.Bool("dryrun", false, "print the units instead of writing them")
	user := fs.Bool("user", false, "generate user units")
	verbose := fs.Bool("v", false, "print what is done")
	noKmsg := fs.Bool("no-kmsg-log", false, "accepted for Quadlet compatibility (messages go to stderr)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	_ = noKmsg
	if strings.Contains(filepath.Base(args[0]), "user") {
		*user = true
	}
	if !*dryrun && fs.NArg() < 1 {
		fmt.Fprintln(stderr, "pod-quadlet: missing output directory (usage: pod-quadlet [-user] [-v] [-dryrun] NORMAL-DIR [EARLY-DIR] [LATE-DIR])")
		return 2
	}
	self, _ := os.Executable()
	o := quadlet.Options{Pod: quadlet.PodBinary(self), SysUnits: !*user}
	dirs := quadlet.UnitDirs(*user)
	files, err := quadlet.Find(dirs)
	if err != nil {
		fmt.Fprintln(stderr, "pod-quadlet:", err)
		return 1
	}
	if *verbose {
		fmt.Fprintf(stderr, "pod-quadlet: searching %s: %d .container files\n", strings.Join(dirs, ":"), len(files))
	}
	units, errs := quadlet.Generate(files, o)
	for _, e := range errs {
		fmt.Fprintln(stderr, "pod-quadlet:", e)
	}
	for _, u := range units {
		if *dryrun {
			fmt.Fprintf(stdout, "---%s---\n%s\n", u.Name, u.Content)
			continue
		}
		if err := quadlet.Write(fs.Arg(0), u); err != nil {
			fmt.Fprintln(stderr, "pod-quadlet:", err)
			errs = append(errs, err)
			continue
		}
		if *verbose {
			fmt.Fprintf(stderr, "pod-quadlet: wrote %s from %s\n", filepath.Join(fs.Arg(0), u.Name), u.Source)
		}
	}
	if len(errs) > 0 {
		return 1
	}
	return 0
}

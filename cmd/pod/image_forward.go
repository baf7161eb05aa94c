package main

// Image verbs are forwarded to the pod-image helper binary (cmd/pod-image),
// which links the image-transfer stack that pod itself must not pay for at
// every start (see docs/architecture.md, "Performance shape"). Each forwarded
// command disables cobra's flag parsing, keeps the pod global storage flags
// it finds in its arguments, and execs pod-image with them and the verb's own
// arguments, so output and exit codes are pod-image's.

import (
	"io"
	"os"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pod-engine/pod/pkg/imagehelper"
)

// forwardedGlobals are the pod global flags pod-image understands; other pod
// global flags (--runtime, --conmon…) are dropped when forwarding.
var forwardedGlobals = map[string]bool{
	"root": true, "runroot": true, "storage-driver": true, "storage-opt": true,
	"log-level": true, "tmpdir": true, "events-backend": true,
}

// imageVerbs are the top-level verbs pod-image implements; `pod image`
// forwards all of its subcommands.
var imageVerbs = []struct{ use, short string }{
	{"pull", "Pull an image from a registry"},
	{"push", "Push an image to a specified destination"},
	{"images", "List images in local storage"},
	{"rmi", "Remove one or more images from local storage"},
	{"tag", "Add an additional name to a local image"},
	{"untag", "Remove a name from a local image"},
	{"load", "Load image(s) from a tar archive"},
	{"save", "Save image(s) to an archive"},
	{"import", "Import a tarball to create a filesystem image"},
	{"history", "Show history of a specified image"},
	{"login", "Log in to a container registry"},
	{"logout", "Log out of a container registry"},
	{"manifest", "Manipulate manifest lists and image indexes"},
	{"search", "Search registry for image"},
	{"image", "Manage images"},
}

func init() {
	for _, v := range imageVerbs {
		v := v
		commands = append(commands, func() *cobra.Command { return imageCommand("", v.use, v.short) })
	}
}

// forwardToImageHelper runs an image verb (args[0] is the verb) in pod-image
// as a child process sharing pod's stdio, with the global flags cobra
// parsed; pod continues afterwards (pod inspect uses it for names that are
// not containers). A non-zero exit of pod-image, which has already printed
// its error, becomes an ExitCodeError with that code.
func forwardToImageHelper(cmd *cobra.Command, args []string) error {
	return forwardToImageHelperIO(cmd, args, os.Stdout, os.Stderr)
}

// forwardToImageHelperIO is forwardToImageHelper with pod-image's output
// going to stdout and stderr.
func forwardToImageHelperIO(cmd *cobra.Command, args []string, stdout, stderr io.Writer) error {
	g := imagehelper.GlobalFlags{
		Root: globals.Root, RunRoot: globals.RunRoot, StorageDriver: globals.StorageDriver,
		LogLevel: globals.LogLevel, TmpDir: globals.TmpDir, EventsBackend: globals.EventsBackend,
	}
	if f := cmd.Flags().Lookup("storage-opt"); f != nil && f.Changed {
		g.StorageOpts = append([]string{}, globals.StorageOpts...)
	}
	code, err := imagehelper.Run(cmd.Context(), podExecutable(), g, args, os.Stdin, stdout, stderr)
	if err != nil {
		return err
	}
	if code != 0 {
		return &errdefs.ExitCodeError{Code: code}
	}
	return nil
}

// imageCommand is one forwarding command: no flag parsing of its own; pod's
// global storage flags found in its arguments go before the verb.
func imageCommand(podBinary, verb, short string) *cobra.Command {
	return &cobra.Command{
		Use:                verb,
		Short:              short,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			pod := podBinary
			if pod == "" {
				pod = podExecutable()
			}
			pf := cmd.Root().PersistentFlags()
			g, rest, podOnly := splitAllGlobalFlags(pf, args)
			// pod's own global flags after the verb still count (--noout,
			// --out, --log-level's check); the others do not apply to images.
			for _, nv := range podOnly {
				if err := pf.Set(nv[0], nv[1]); err != nil {
					return usageError("%v", err)
				}
			}
			if g.LogLevel != "" {
				globals.LogLevel = g.LogLevel
			}
			if len(podOnly) > 0 || g.LogLevel != "" {
				if err := applyOutputFlags(); err != nil {
					return err
				}
				if g.LogLevel != "" {
					g.LogLevel = globals.LogLevel // checked and lower-cased
				}
			}
			if verb == "image" && len(rest) > 0 && rest[0] == "build" {
				return imageBuild(cmd, args)
			}
			if verb == "image" && len(rest) > 0 && rest[0] == "diff" {
				// pod's own diff compares images too (libpod, not pod-image).
				d := diffCommand()
				d.SilenceErrors, d.SilenceUsage = true, true
				d.SetArgs(rest[1:])
				return d.ExecuteContext(cmd.Context())
			}
			// Exec returns only when pod-image could not be run.
			return imagehelper.Exec(pod, g, append([]string{verb}, rest...))
		},
	}
}

// podExecutable is the path of the running pod binary, for imageCommands.
func podExecutable() string {
	if p, err := os.Executable(); err == nil {
		return p
	}
	return os.Args[0]
}

// splitGlobalFlags separates the root's persistent flags (which cobra did
// not parse because the command disables flag parsing) from the verb's
// arguments. Only flags pod-image understands are kept; a flag value that
// fails to parse is left to pod-image to report.
func splitGlobalFlags(persistent *pflag.FlagSet, args []string) (imagehelper.GlobalFlags, []string) {
	g, rest, _ := splitAllGlobalFlags(persistent, args)
	return g, rest
}

// splitAllGlobalFlags is splitGlobalFlags that also returns the pod-only
// global flags found in args (name, value), which are not forwarded.
func splitAllGlobalFlags(persistent *pflag.FlagSet, args []string) (imagehelper.GlobalFlags, []string, [][2]string) {
	var g imagehelper.GlobalFlags
	var podOnly [][2]string
	set := func(name, val string) {
		switch name {
		case "root":
			g.Root = val
		case "runroot":
			g.RunRoot = val
		case "storage-driver":
			g.StorageDriver = val
		case "storage-opt":
			if g.StorageOpts == nil {
				g.StorageOpts = []string{}
			}
			if val != "" {
				g.StorageOpts = append(g.StorageOpts, val)
			}
		case "log-level":
			g.LogLevel = val
		case "tmpdir":
			g.TmpDir = val
		case "events-backend":
			g.EventsBackend = val
		}
	}
	// Values the root already parsed (flags given before the verb) are
	// not in args when cobra strips them; take them from the flag set.
	// Changed, not Visit: the root parses them through its own flag set
	// (TraverseChildren), which shares the flags but not the "set" list.
	persistent.VisitAll(func(f *pflag.Flag) {
		if !f.Changed || !forwardedGlobals[f.Name] {
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				set(f.Name, v)
			}
			return
		}
		set(f.Name, f.Value.String())
	})
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "--") || len(a) == 2 {
			rest = append(rest, a)
			continue
		}
		name, val, hasVal := strings.Cut(a[2:], "=")
		f := persistent.Lookup(name)
		if f == nil {
			rest = append(rest, a)
			continue
		}
		if !hasVal && f.NoOptDefVal == "" {
			if i+1 >= len(args) {
				rest = append(rest, a)
				continue
			}
			i++
			val = args[i]
		} else if !hasVal {
			val = f.NoOptDefVal
		}
		if forwardedGlobals[name] {
			set(name, val)
		} else {
			podOnly = append(podOnly, [2]string{name, val})
		}
	}
	return g, rest, podOnly
}

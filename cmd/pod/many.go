package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/parallel"
)

// manyOptions are the selection flags of the verbs on many containers
// (start, stop, kill, restart, pause, unpause, rm): names and IDs as
// arguments, or --all, --latest, --cidfile, --filter; --ignore skips missing
// names and cidfiles.
type manyOptions struct {
	all, latest, ignore bool
	cidfiles, filters   []string
	force               bool // rm -f: missing names are not an error either
	// everyState makes --all select containers in every state, not only
	// those the verb's precondition allows (init --all, as Podman).
	everyState bool
}

// manyFlags says which selection flags a verb has and how they read.
type manyFlags struct {
	allHelp     string
	allShort    bool // -a is --all (start's -a is --attach)
	filterShort bool // -f is --filter (rm's -f is --force)
	ignore      bool // -i/--ignore (start's -i is --interactive)
}

func (o *manyOptions) register(cmd *cobra.Command, f manyFlags) {
	fl := cmd.Flags()
	if f.allShort {
		fl.BoolVarP(&o.all, "all", "a", false, f.allHelp)
	} else {
		fl.BoolVar(&o.all, "all", false, f.allHelp)
	}
	fl.BoolVarP(&o.latest, "latest", "l", false, "Act on the latest container pod is aware of")
	fl.StringArrayVar(&o.cidfiles, "cidfile", nil, "Read the container ID from the file")
	if f.filterShort {
		fl.StringSliceVarP(&o.filters, "filter", "f", nil, "Filter output based on conditions given")
	} else {
		fl.StringSliceVar(&o.filters, "filter", nil, "Filter output based on conditions given")
	}
	if f.ignore {
		fl.BoolVarP(&o.ignore, "ignore", "i", false, "Ignore errors when a specified container is missing")
	}
}

// check validates the combination of arguments and selection flags with
// Podman's messages (exit 125).
func (o *manyOptions) check(cmd *cobra.Command, args []string) error {
	if cmd.Flags().Changed("filter") {
		if len(args) > 0 {
			return usageError("--filter takes no arguments")
		}
		return nil
	}
	cid := len(o.cidfiles) > 0
	switch {
	case cid && (o.all || o.latest):
		return usageError("--all, --latest, and --cidfile cannot be used together")
	case o.all && o.latest:
		return usageError("--all and --latest cannot be used together")
	case len(args) > 0 && o.all:
		return usageError("no arguments are needed with --all")
	case len(args) > 0 && o.latest:
		return usageError("--latest and containers cannot be used together")
	case len(args) > 0 && cid:
		return usageError("no arguments are needed with --latest or --cidfile")
	case len(args) == 0 && !o.all && !o.latest && !cid:
		return usageError("you must provide at least one name or id")
	}
	return nil
}

// target is one container a verb acts on: label is what gets printed on
// success (the name or ID as the user gave it, the full ID otherwise).
type target struct {
	label string
	c     *libpod.Container
}

// selectTargets resolves the arguments and selection flags to containers.
// --all and --filter pick the containers in a state the verb allows (the
// precondition table: `pause -a` the running ones); pick narrows that
// further (restart --running). A name that does not exist fails the whole
// command before anything is done, unless --ignore (or rm -f) skips it.
func (o *manyOptions) selectTargets(rt *libpod.Runtime, args []string, verb libpod.Verb, pick func(*libpod.Container) bool) ([]target, error) {
	f, err := rt.NewFilter(o.filters)
	if err != nil {
		return nil, err
	}
	if o.all || !f.Empty() || o.latest {
		cs, err := rt.Containers()
		if err != nil {
			return nil, err
		}
		if o.latest {
			c, err := rt.LatestContainer()
			if err != nil {
				return nil, err
			}
			return []target{{label: c.ID(), c: c}}, nil
		}
		var out []target
		for _, c := range cs {
			if (o.everyState || c.Status().Allows(verb, o.force || verb == libpod.VerbRemove)) && (f.Empty() || f.Match(c.FilterView())) && (pick == nil || pick(c)) {
				out = append(out, target{label: c.ID(), c: c})
			}
		}
		return out, nil
	}
	for _, f := range o.cidfiles {
		data, err := os.ReadFile(f)
		if err != nil {
			if o.ignore && errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("reading CIDFile: %w", err)
		}
		id, _, _ := strings.Cut(string(data), "\n")
		args = append(args, strings.TrimSpace(id))
	}
	var out []target
	for _, a := range args {
		c, err := rt.LookupContainer(a)
		if err != nil {
			if (o.ignore || o.force) && errors.Is(err, errdefs.ErrNotFound) {
				continue
			}
			return nil, err
		}
		if pick == nil || pick(c) {
			out = append(out, target{label: a, c: c})
		}
	}
	return out, nil
}

// runMany runs fn on every target in parallel (a bounded pool; each verb
// takes its container's lock), then prints, in the order of the targets,
// the label of each one that succeeded (unless quiet says not to) and, as
// Podman does, every error but the last one; the last one is returned.
func runMany(ctx context.Context, ts []target, fn func(context.Context, *libpod.Container) error, quiet func(target) bool) error {
	errs := parallel.Map(ctx, ts, 0, func(ctx context.Context, t target) error { return fn(ctx, t.c) })
	var failed []error
	for i, t := range ts {
		if errs[i] != nil {
			failed = append(failed, errs[i])
			continue
		}
		if quiet == nil || !quiet(t) {
			fmt.Println(t.label)
		}
	}
	return lastOfErrors(failed)
}

// lastOfErrors prints every error but the last, which it returns (alone,
// or as manyErrors when there were several).
func lastOfErrors(failed []error) error {
	if len(failed) == 0 {
		return nil
	}
	for _, err := range failed[:len(failed)-1] {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
	}
	if len(failed) == 1 {
		return failed[0]
	}
	return manyErrors(failed)
}

// manyErrors are the errors of several containers: its text is the last
// one's (the others were printed already), and errors.Is looks at all of
// them, so rm's exit code can say "one did not exist" (1).
type manyErrors []error

func (e manyErrors) Error() string   { return e[len(e)-1].Error() }
func (e manyErrors) Unwrap() []error { return e }

// manyVerb runs a verb on the containers selected by args and o.
func manyVerb(cmd *cobra.Command, args []string, o *manyOptions, verb libpod.Verb, pick func(*libpod.Container) bool,
	fn func(context.Context, *libpod.Container) error) error {
	if err := o.check(cmd, args); err != nil {
		return err
	}
	return withRuntime(func(rt *libpod.Runtime) error {
		ts, err := o.selectTargets(rt, args, verb, pick)
		if err != nil {
			return err
		}
		return runMany(cmd.Context(), ts, fn, nil)
	})
}

package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The flag sets of create, run, clone, pod create/clone and update (create's
// resource flags, picked from create's whole set) are large
// (~150 flags each, and pflag renders every slice flag's default through
// encoding/csv as it registers it): building all of them cost more CPU than
// the rest of the command tree and package init, in every pod process, the
// monitor's exit command included. main therefore builds the tree with
// those registrations deferred and runs only the one of the verb on the
// command line (rootCommandFor); everything else (rootCommand, tests,
// help, completion) registers them all at once, as before.

// lazyFlags collects the deferred registrations while rootCommandFor builds
// the tree; nil means register at once.
var lazyFlags map[*cobra.Command]func()

// registerFlags runs register, the registration of cmd's own flags, now or,
// while rootCommandFor builds the tree, when cmd turns out to be the verb.
func registerFlags(cmd *cobra.Command, register func()) {
	if lazyFlags == nil {
		register()
		return
	}
	lazyFlags[cmd] = register
}

// rootCommandFor is rootCommand for a process that runs args: the deferred
// flag sets are registered only for the verb args name. When the verb is
// not one of them, only help, completion and anything cobra resolves
// differently (no verb, an unknown one, `help`, `__complete`) register them
// all.
func rootCommandFor(args []string) *cobra.Command {
	lazyFlags = map[*cobra.Command]func(){}
	root := rootCommand()
	deferred := lazyFlags
	lazyFlags = nil
	target := verbOf(root, args)
	if reg, ok := deferred[target]; ok {
		reg()
		return root
	}
	if target == root || target.Name() == "completion" || cobra.EnablePrefixMatching || cobra.EnableCaseInsensitive {
		for _, reg := range deferred {
			reg()
		}
	}
	return root
}

// verbOf is the command cobra's Traverse (root.TraverseChildren) picks for
// args, found the same way but without parsing any flag: a flag parsed here
// would be parsed again by Execute (slice flags would append twice). It
// walks the tree as it is, so commands cobra adds in Execute (help,
// __complete) come out as root.
func verbOf(root *cobra.Command, args []string) *cobra.Command {
	c := root
	inFlag := false
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case strings.HasPrefix(arg, "--") && !strings.Contains(arg, "="):
			inFlag = !hasNoOptDefVal(c.Flags().Lookup(arg[2:]))
			continue
		case strings.HasPrefix(arg, "-") && !strings.Contains(arg, "=") && len(arg) == 2 && !hasNoOptDefVal(c.Flags().ShorthandLookup(arg[1:])):
			inFlag = true
			continue
		case inFlag:
			inFlag = false
			continue
		case (len(arg) >= 3 && arg[0:2] == "--") || (len(arg) >= 2 && arg[0] == '-' && arg[1] != '-'):
			continue
		}
		next := childNamed(c, arg)
		if next == nil {
			return c
		}
		c = next
	}
	return c
}

func hasNoOptDefVal(f *pflag.Flag) bool { return f != nil && f.NoOptDefVal != "" }

// childNamed is cobra's findNext without prefix matching (which pod does not
// enable).
func childNamed(c *cobra.Command, name string) *cobra.Command {
	for _, sub := range c.Commands() {
		if sub.Name() == name || sub.HasAlias(name) {
			return sub
		}
	}
	return nil
}

// Command pod is a daemonless, Podman-compatible container engine whose core
// is running containers on many runtimes: OCI runtimes (crun, runc, runsc or
// any absolute path) under a conmon-protocol monitor, and containerd shim v2
// runtimes without a containerd daemon.
//
// This package only parses flags into option structs, calls libpod, formats
// output and maps errors to exit codes (exitCode); it holds no engine logic.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.podman.io/storage/pkg/reexec"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/rootless"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// globals are the root command's persistent flags.
var globals libpod.Options

// commands are the top-level verbs; each file adds its own in init.
var commands []func() *cobra.Command

// containerCommands are also reachable as `pod container VERB`.
var containerCommands []func() *cobra.Command

func rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "pod [options] COMMAND",
		Short:         "Manage containers on any OCI runtime or containerd shim, daemonless",
		SilenceUsage:  true,
		SilenceErrors: true,
		// Podman-style: `pod` alone prints help and fails.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("unrecognized command `pod %s`\nTry 'pod --help' for more information", args[0])
			}
			_ = cmd.Help()
			return &errdefs.ExitCodeError{Code: errdefs.ExitEngine}
		},
		Version: version,
		Args:    cobra.ArbitraryArgs,
	}
	root.SetVersionTemplate("pod version {{.Version}}\n")
	root.CompletionOptions.DisableDefaultCmd = true
	root.Flags().SetInterspersed(false)
	root.TraverseChildren = true // root-only flags (the refused remote ones) go before the verb, as in Podman
	addGlobalFlags(root)
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if err := applyGlobalFlags(cmd); err != nil {
			return err
		}
		if err := enterUserNS(cmd, args); err != nil {
			return err
		}
		closeInheritedOnExec()
		return nil
	}
	for _, c := range commands {
		root.AddCommand(c())
	}
	ctr := &cobra.Command{Use: "container", Short: "Manage containers", RunE: subcommandRequired, Args: cobra.ArbitraryArgs}
	for _, c := range containerCommands {
		ctr.AddCommand(c())
	}
	root.AddCommand(ctr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError("%v\nSee '%s --help'", err, c.CommandPath())
	})
	return root
}

// subcommandRequired is the RunE of command groups such as `pod container`.
func subcommandRequired(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		_ = cmd.Help()
		return &errdefs.ExitCodeError{Code: errdefs.ExitEngine}
	}
	return usageError("unrecognized command `%s %s`\nTry '%s --help' for more information", cmd.CommandPath(), args[0], cmd.CommandPath())
}

// usageError is a command-line mistake: exit 125 with just the message.
func usageError(format string, args ...any) error {
	return &errdefs.ExitCodeError{Code: errdefs.ExitEngine, Err: fmt.Errorf(format, args...)}
}

// newRuntime builds the libpod runtime from the global flags.
func newRuntime() (*libpod.Runtime, error) {
	return libpod.NewRuntime(globals)
}

// withRuntime runs fn with a runtime built from the global flags.
func withRuntime(fn func(*libpod.Runtime) error) error {
	rt, err := newRuntime()
	if err != nil {
		return err
	}
	defer rt.Shutdown()
	return fn(rt)
}

// withContainer runs fn on the container named nameOrID.
func withContainer(nameOrID string, fn func(*libpod.Container) error) error {
	return withRuntime(func(rt *libpod.Runtime) error {
		c, err := rt.LookupContainer(nameOrID)
		if err != nil {
			return err
		}
		return fn(c)
	})
}

func main() {
	rootless.MaybePause() // pod as a rootless user's pause process never returns
	// Storage's overlay driver re-executes this binary for some mounts.
	if reexec.Init() {
		return
	}
	logrus.SetLevel(logrus.WarnLevel)
	// A pod process is short and its heap small: with the default GOGC its
	// first collection (at 4 MB) falls in the middle of `run`, beside the
	// monitor starting on the other CPU. A higher goal skips it; a
	// long-running verb keeps 5x its live heap instead of 2x.
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	// Ignore SIGPIPE on stdout/stderr writes turning into a crash of a
	// half-done operation; writes fail with EPIPE instead.
	signal.Ignore(syscall.SIGPIPE)
	ctx, cancel := context.WithCancel(context.Background())
	root := rootCommandFor(os.Args[1:])
	cmd, err := root.ExecuteContextC(ctx)
	cancel()
	stopProfiles()
	if err != nil && cmd == root && isFlagError(err) {
		// A bad flag before the verb: cobra parsed it while looking for the
		// verb, without the flag error hook.
		err = usageError("%v\nSee 'pod --help'", err)
	}
	os.Exit(exitCode(err))
}

// isFlagError tells pflag's parse errors from a verb's own errors.
func isFlagError(err error) bool {
	var (
		notExist *pflag.NotExistError
		needsVal *pflag.ValueRequiredError
		badValue *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	return errors.As(err, &notExist) || errors.As(err, &needsVal) || errors.As(err, &badValue) || errors.As(err, &syntax)
}

// exitCode prints err (unless it only carries a code) and returns the exit
// code: the one place where error classes become exit codes.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ec *errdefs.ExitCodeError
	if errors.As(err, &ec) {
		if ec.Err != nil {
			fmt.Fprintf(os.Stderr, "Error: %v\n", withHint(ec.Err))
		}
		return ec.Code
	}
	fmt.Fprintf(os.Stderr, "Error: %v\n", withHint(err))
	return errdefs.ExitCode(err)
}

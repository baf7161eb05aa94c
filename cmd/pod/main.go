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
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"go.podman.io/storage/pkg/reexec"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
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
	pf := root.PersistentFlags()
	pf.StringVar(&globals.Root, "root", "", "Path to the root directory in which data, including images, is stored")
	pf.StringVar(&globals.RunRoot, "runroot", "", "Path to the 'run directory' where all state information is stored")
	pf.StringVar(&globals.StorageDriver, "storage-driver", "", "Select which storage driver is used to manage storage of images and containers")
	pf.StringArrayVar(&globals.StorageOpts, "storage-opt", nil, "Used to pass an option to the storage driver")
	pf.StringVar(&globals.Runtime, "runtime", "", "Path or name of the OCI runtime or containerd shim to use for new containers")
	pf.StringArrayVar(&globals.RuntimeFlags, "runtime-flag", nil, "add global flags for the container runtime")
	pf.StringVar(&globals.Conmon, "conmon", "", "Path of the conmon-protocol monitor binary (default pod-conmon)")
	pf.StringVar(&globals.TmpDir, "tmpdir", "", "Path to the tmp directory for libpod state content")
	pf.StringVar(&globals.LogLevel, "log-level", "warn", "Log messages above specified level (trace, debug, info, warn, warning, error, fatal, panic)")
	pf.StringVar(&globals.CgroupManager, "cgroup-manager", "", "Cgroup manager to use (\"cgroupfs\"|\"systemd\")")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		lvl, err := logrus.ParseLevel(globals.LogLevel)
		if err != nil {
			return fmt.Errorf("invalid --log-level %q: use one of trace, debug, info, warn, warning, error, fatal, panic: %w", globals.LogLevel, errdefs.ErrInvalidArgument)
		}
		logrus.SetLevel(lvl)
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
	// Storage's overlay driver re-executes this binary for some mounts.
	if reexec.Init() {
		return
	}
	logrus.SetLevel(logrus.WarnLevel)
	// Ignore SIGPIPE on stdout/stderr writes turning into a crash of a
	// half-done operation; writes fail with EPIPE instead.
	signal.Ignore(syscall.SIGPIPE)
	ctx, cancel := context.WithCancel(context.Background())
	err := rootCommand().ExecuteContext(ctx)
	cancel()
	os.Exit(exitCode(err))
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
			fmt.Fprintf(os.Stderr, "Error: %v\n", ec.Err)
		}
		return ec.Code
	}
	fmt.Fprintf(os.Stderr, "Error: %v\n", err)
	return errdefs.ExitCode(err)
}

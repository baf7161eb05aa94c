// Command pod-image implements pod's image verbs (pull, push, images, image
// inspect/exists/prune/history, tag, untag, rmi, load, save, import, login,
// logout, manifest, search) with Podman's flags, output and exit codes, on
// go.podman.io/common/libimage and the store shared with Podman.
//
// It is a separate binary so that `pod` itself does not pay the package init
// of the image-transfer stack; `pod` forwards these verbs here (see
// cmd/pod/image_forward.go and pkg/imagehelper) with its global storage flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagehelper"
	"github.com/pod-engine/pod/pkg/imagestore"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
	storageTransport "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage/pkg/reexec"
)

// globals are the pod global flags pod-image understands.
type globals struct {
	root, runRoot, driver, logLevel, tmpDir string
	eventsBackend                           string
	storageOpts                             []string
	registriesConf                          string
	storageConf                             string
}

// app holds the global flags and the lazily opened store and runtime.
type app struct {
	g       globals
	flags   *cobra.Command
	store   *imagestore.Store
	runtime *libimage.Runtime
	evDone  chan struct{} // closed when the image events are written (events.go)
}

// Runtime opens the store and the libimage runtime on first use.
func (a *app) Runtime() (*libimage.Runtime, error) {
	if a.runtime != nil {
		return a.runtime, nil
	}
	o := imagestore.Options{
		GraphRoot: a.g.root, RunRoot: a.g.runRoot, Driver: a.g.driver,
		StorageConf: a.g.storageConf, RegistriesConf: a.g.registriesConf,
	}
	if a.flags.Flags().Changed("storage-opt") {
		o.DriverOpts = append([]string{}, a.g.storageOpts...)
		if len(o.DriverOpts) == 1 && o.DriverOpts[0] == "" {
			o.DriverOpts = []string{}
		}
	}
	st, err := imagestore.Open(o)
	if err != nil {
		return nil, err
	}
	storageTransport.Transport.SetStore(st.Storage())
	// The blob-info cache lives with the store (as older libimage did), so
	// a private --root never touches /var/lib/containers/cache.
	sys := &types.SystemContext{BlobInfoCacheDir: filepath.Join(st.GraphRoot(), "cache")}
	if rc := a.g.registriesConf; rc != "" {
		sys.SystemRegistriesConfPath = rc
	}
	if p, err := defaultPolicyPath(st.RunRoot()); err != nil {
		st.Shutdown(false)
		return nil, err
	} else if p != "" {
		sys.SignaturePolicyPath = p
	}
	rt, err := libimage.RuntimeFromStore(st.Storage(), &libimage.RuntimeOptions{SystemContext: sys})
	if err != nil {
		st.Shutdown(false)
		return nil, fmt.Errorf("setting up the image runtime: %w", err)
	}
	a.store, a.runtime = st, rt
	a.recordEvents(rt)
	return rt, nil
}

// lookupImage finds a local image by name or ID.
func (a *app) lookupImage(name string) (*libimage.Image, error) {
	rt, err := a.Runtime()
	if err != nil {
		return nil, err
	}
	img, _, err := rt.LookupImage(name, nil)
	return img, err
}

// Close releases the store without unmounting layers of running containers.
func (a *app) Close() {
	if a.store != nil {
		a.store.Shutdown(false)
	}
	a.flushEvents()
}

// systemContext returns a copy of the runtime's system context, or a plain
// one (registries.conf from the environment) for verbs without a store.
func (a *app) systemContext() *types.SystemContext {
	if a.runtime != nil {
		return a.runtime.SystemContext()
	}
	sys := &types.SystemContext{SystemRegistriesConfPath: a.g.registriesConf}
	if sys.SystemRegistriesConfPath == "" {
		sys.SystemRegistriesConfPath = imagestore.RegistriesConfFromEnv()
	}
	return sys
}

// defaultPolicyPath returns "" when a signature policy (policy.json) exists
// where containers/image looks for it; otherwise it writes a permissive
// policy (what Podman's packages ship as /etc/containers/policy.json) under
// runRoot and returns its path, so pulls work on hosts without one.
func defaultPolicyPath(runRoot string) (string, error) {
	candidates := []string{"/etc/containers/policy.json"}
	if home, err := os.UserHomeDir(); err == nil && os.Geteuid() != 0 {
		candidates = append([]string{filepath.Join(home, ".config/containers/policy.json")}, candidates...)
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return "", nil
		}
	}
	p := filepath.Join(runRoot, "pod-image", "policy.json")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", fmt.Errorf("creating default signature policy: %w", err)
	}
	const permissive = `{"default":[{"type":"insecureAcceptAnything"}],"transports":{"docker-daemon":{"":[{"type":"insecureAcceptAnything"}]}}}` + "\n"
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(permissive), 0o644); err != nil {
		return "", fmt.Errorf("writing default signature policy %s: %w", p, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return "", fmt.Errorf("writing default signature policy %s: %w", p, err)
	}
	logrus.Debugf("no policy.json found; using permissive default %s", p)
	return p, nil
}

func newRoot(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:           "pod",
		Short:         "Manage images in the store pod shares with Podman",
		SilenceErrors: true,
		SilenceUsage:  true,
		// Verbs only; `pod-image` alone prints help.
		Args: cobra.NoArgs,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			lvl, err := logrus.ParseLevel(a.g.logLevel)
			if err != nil {
				return invalid("log level %q: use trace, debug, info, warn, error, fatal or panic", a.g.logLevel)
			}
			logrus.SetLevel(lvl)
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w\nSee '%s --help'", err, c.CommandPath())
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.g.root, "root", "", "Path to the graph root directory where images and containers are stored")
	pf.StringVar(&a.g.runRoot, "runroot", "", "Path to the 'run directory' where all state information is stored")
	pf.StringVar(&a.g.driver, "storage-driver", "", "Select which storage driver is used to manage storage of images and containers")
	pf.StringArrayVar(&a.g.storageOpts, "storage-opt", nil, "Used to pass an option to the storage driver")
	pf.StringVar(&a.g.logLevel, "log-level", "warn", "Log messages above specified level (trace, debug, info, warn, error, fatal, panic)")
	pf.StringVar(&a.g.tmpDir, "tmpdir", "", "Path to the tmp directory for libpod state content (accepted for compatibility)")
	pf.StringVar(&a.g.eventsBackend, "events-backend", "", `Events backend to use ("file"|"journald"|"none")`)
	pf.StringVar(&a.g.registriesConf, "registries-conf", "", "Path to registries.conf (default $CONTAINERS_REGISTRIES_CONF or the system file)")
	pf.StringVar(&a.g.storageConf, "storage-conf", "", "Path to storage.conf (default $CONTAINERS_STORAGE_CONF or the system file)")
	_ = pf.MarkHidden("registries-conf")
	_ = pf.MarkHidden("storage-conf")
	a.flags = root

	// Top-level verbs, as Podman has them.
	root.AddCommand(
		pullCmd(a, "pull"), pushCmd(a, "push"), listCmd(a, "images", nil), rmiCmd(a, "rmi", nil),
		tagCmd(a), untagCmd(a), loadCmd(a), saveCmd(a), importCmd(a), historyCmd(a),
		loginCmd(a), logoutCmd(a), manifestCmd(a), searchCmd(a, "search"),
	)
	// `image` subcommands.
	image := &cobra.Command{
		Use:   "image",
		Short: "Manage images",
		Args:  cobra.ArbitraryArgs,
		RunE:  subcommandRequired,
	}
	image.AddCommand(
		pullCmd(a, "pull"), pushCmd(a, "push"), listCmd(a, "list", []string{"ls"}), rmiCmd(a, "rm", nil),
		tagCmd(a), untagCmd(a), loadCmd(a), saveCmd(a), importCmd(a), historyCmd(a),
		inspectCmd(a), existsCmd(a), pruneCmd(a), dfCmd(a), searchCmd(a, "search"), outdatedCmd(a),
		imageMountCmd(a), imageUnmountCmd(a), imageTreeCmd(a), imageSignCmd(), imageScpCmd(a), trustCmd(),
	)
	root.AddCommand(image)
	return root
}

func main() {
	// storage re-executes this binary for chrooted layer extraction.
	if reexec.Init() {
		return
	}
	os.Exit(run(os.Args[1:]))
}

// run executes one pod-image invocation and returns its exit code, printing
// errors the way Podman does ("Error: …" on stderr).
func run(args []string) int {
	a := &app{}
	defer a.Close()
	root := newRoot(a)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return 0
	}
	var ec *errdefs.ExitCodeError
	if errors.As(err, &ec) && ec.Err == nil {
		return ec.Code
	}
	fmt.Fprintln(os.Stderr, "Error: "+strings.TrimPrefix(err.Error(), "Error: "))
	return errdefs.ExitCode(err)
}

// classErr keeps a message exactly as Podman prints it while carrying an
// errdefs class (and the cause) for errors.Is/As.
type classErr struct {
	msg   string
	class error
	cause error
}

func (e *classErr) Error() string { return e.msg }

func (e *classErr) Unwrap() []error {
	if e.cause == nil {
		return []error{e.class}
	}
	return []error{e.class, e.cause}
}

// invalid is a user error (errdefs.ErrInvalidArgument) with Podman's text.
func invalid(format string, a ...any) error {
	return &classErr{msg: fmt.Sprintf(format, a...), class: errdefs.ErrInvalidArgument}
}

// classify attaches an errdefs class to err without changing its text.
func classify(err, class error) error {
	return &classErr{msg: err.Error(), class: class, cause: err}
}

// podBinary is the pod executable that forwarded to us (POD_BINARY), used to
// remove pod's containers on `rmi --force`.
func podBinary() string { return os.Getenv(imagehelper.EnvPodBinary) }

// subcommandRequired is the RunE of a command group (image, manifest,
// trust): Podman's errors for a missing or unknown subcommand.
func subcommandRequired(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return invalid("unrecognized command `%s %s`\nTry '%s --help' for more information",
			cmd.CommandPath(), args[0], cmd.CommandPath())
	}
	cmd.SetOut(os.Stderr)
	_ = cmd.Help()
	return invalid("missing command '%s COMMAND'", cmd.CommandPath())
}

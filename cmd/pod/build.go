//go:build !podlean

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/build"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagecommit"
)

func init() {
	commands = append(commands, buildCommand)
}

type buildFlags struct {
	files     []string
	tags      []string
	buildArgs []string
	secrets   []string
	labels    []string
	target    string
	layers    bool
	noCache   bool
	quiet     bool
	iidfile   string
	format    string
	pull      string
	squash    bool
	squashAll bool
	network   string
	forceRm   bool
	rm        bool
	more      buildMore
}

func buildCommand() *cobra.Command {
	var f buildFlags
	cmd := &cobra.Command{
		Use:     "build [options] [CONTEXT]",
		Aliases: []string{"buildx"},
		Short:   "Build an image using instructions from Containerfiles",
		Long: `Build an image from a Containerfile (or Dockerfile) and a context directory.
Every RUN runs in a container under pod's runtime (--runtime), so a build can use
runc, crun, runsc or a containerd shim. With --layers (the default) each step is
cached as an intermediate image.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBuild(cmd, args, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.files, "file", "f", nil, "`pathname` of a Containerfile (- for stdin)")
	fl.StringArrayVarP(&f.tags, "tag", "t", nil, "tagged `name` to apply to the built image")
	fl.StringArrayVar(&f.buildArgs, "build-arg", nil, "`argument=value` to supply to the builder")
	fl.StringArrayVar(&f.secrets, "secret", nil, "secret file to expose to RUN --mount=type=secret (`id=ID,src=PATH`)")
	fl.StringArrayVar(&f.labels, "label", nil, "set metadata for an image (default [])")
	fl.StringVar(&f.target, "target", "", "set the target build stage to build")
	fl.BoolVar(&f.layers, "layers", os.Getenv("BUILDAH_LAYERS") != "false", "cache intermediate layers during build")
	fl.BoolVar(&f.noCache, "no-cache", false, "do not use existing cached images for the container build")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "refrain from announcing build instructions and image read/write progress")
	fl.StringVar(&f.iidfile, "iidfile", "", "`file` to write the image ID to")
	fl.StringVar(&f.format, "format", envOr("BUILDAH_FORMAT", "oci"), "`format` of the built image's manifest and metadata")
	fl.StringVar(&f.pull, "pull", "true", `Pull image policy ("always/true"|"missing"|"never/false"|"newer")`)
	fl.Lookup("pull").NoOptDefVal = "true"
	fl.BoolVar(&f.squash, "squash", false, "squash newly built layers into a single new layer")
	fl.BoolVar(&f.squashAll, "squash-all", false, "Squash all layers into a single layer")
	fl.StringVar(&f.network, "network", "", "'private', 'none', 'ns:path' of network namespace to join, or 'host'")
	fl.BoolVar(&f.forceRm, "force-rm", true, "always remove intermediate containers after a build, even if the build is unsuccessful")
	fl.BoolVar(&f.rm, "rm", true, "remove intermediate containers after a successful build")
	f.more.register(fl)
	return cmd
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func runBuild(cmd *cobra.Command, args []string, f *buildFlags) error {
	if cmd.CalledAs() == "buildx" {
		// `pod buildx build …`, as Podman's buildx alias.
		if len(args) == 0 || args[0] != "build" {
			return usageError("%q supports only the build subcommand", cmd.CommandPath())
		}
		args = args[1:]
	}
	if len(args) > 1 {
		return usageError("%q accepts at most one context directory", cmd.CommandPath())
	}
	ctxDir := "."
	if len(args) == 1 {
		ctxDir = args[0]
	}
	if fi, err := os.Stat(ctxDir); err != nil || !fi.IsDir() {
		return usageError("context directory %q: must be an existing directory", ctxDir)
	}
	o := build.Options{ContextDir: ctxDir, Target: f.target, Layers: f.layers, NoCache: f.noCache, Quiet: f.quiet,
		Squash: f.squash, SquashAll: f.squashAll, KeepOnSuccess: !f.rm, KeepOnFailure: !f.forceRm, Out: os.Stdout, Err: os.Stderr, Args: map[string]string{}, Labels: map[string]string{}}
	switch f.format {
	case "oci", "docker":
		o.Format = f.format
	default:
		return usageError("unrecognized image type %q", f.format)
	}
	switch strings.ToLower(f.pull) {
	case "true", "missing", "newer", "ifmissing", "ifnewer":
		o.Pull = "missing"
	case "always":
		o.Pull = "always"
	case "false", "never":
		o.Pull = "never"
	default:
		return usageError("invalid pull policy %q", f.pull)
	}
	for _, a := range f.buildArgs {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			v, ok = os.LookupEnv(k)
			if !ok {
				continue
			}
		}
		o.Args[k] = v
	}
	for _, l := range f.labels {
		k, v, _ := strings.Cut(l, "=")
		o.Labels[k] = v
	}
	secrets, err := build.ParseSecrets(f.secrets)
	if err != nil {
		return err
	}
	o.Secrets = secrets
	for _, t := range f.tags {
		n, err := imagecommit.NormalizeName(t)
		if err != nil {
			return &errdefs.ExitCodeError{Code: errdefs.ExitEngine, Err: fmt.Errorf("tag %s: %w", t, err)}
		}
		o.Tags = append(o.Tags, n)
	}
	files, err := containerfiles(f.files, ctxDir, f.more.cppFlags)
	if err != nil {
		return err
	}
	o.Containerfiles = files
	eng := &buildEngine{network: f.network}
	done, err := f.more.apply(cmd, &o, eng)
	defer done()
	if err != nil {
		return err
	}
	// A signal ends the build cleanly: the RUN container is removed and
	// the working containers with it (build.Build's cleanup).
	ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	return withRuntime(func(rt *libpod.Runtime) error {
		store, err := rt.ImageStorage()
		if err != nil {
			return err
		}
		eng.rt = rt
		id, err := build.Build(ctx, store, eng, o)
		var se *build.StepError
		if errors.As(err, &se) {
			return &errdefs.ExitCodeError{Code: se.Code, Err: err}
		}
		if err != nil {
			return err
		}
		if f.iidfile != "" {
			if err := os.WriteFile(f.iidfile, []byte("sha256:"+id), 0o644); err != nil {
				return fmt.Errorf("failed to write image ID to file %q: %w", f.iidfile, err)
			}
		}
		if f.more.manifest != "" {
			// As Buildah: the list is created when missing, then the image added.
			if err := rt.AddToManifestList(ctx, f.more.manifest, id); err != nil {
				return fmt.Errorf("adding image %s to manifest list %s: %w", id, f.more.manifest, err)
			}
		}
		_, err = io.WriteString(os.Stdout, id+"\n")
		return err
	})
}

// containerfiles reads the -f files (- is stdin), or the context's
// Containerfile, else its Dockerfile, as Podman looks them up.
func containerfiles(names []string, ctxDir string, cppFlags []string) ([][]byte, error) {
	if len(names) == 0 {
		for _, n := range []string{"Containerfile", "Dockerfile"} {
			p := filepath.Join(ctxDir, n)
			if _, err := os.Stat(p); err == nil {
				names = []string{p}
				break
			}
		}
		if len(names) == 0 {
			abs, _ := filepath.Abs(ctxDir)
			return nil, &errdefs.ExitCodeError{Code: errdefs.ExitEngine,
				Err: fmt.Errorf("no Containerfile or Dockerfile specified or found in context directory, %s: no such file or directory", abs)}
		}
	}
	var out [][]byte
	for _, n := range names {
		var b []byte
		var err error
		switch {
		case n == "-":
			b, err = io.ReadAll(os.Stdin)
		default:
			b, err = os.ReadFile(n)
			if errors.Is(err, os.ErrNotExist) && !filepath.IsAbs(n) {
				b, err = os.ReadFile(filepath.Join(ctxDir, n))
			}
		}
		if err != nil {
			return nil, &errdefs.ExitCodeError{Code: errdefs.ExitEngine, Err: fmt.Errorf("reading Containerfile %s: %w", n, err)}
		}
		if strings.HasSuffix(n, ".in") {
			if b, err = preprocess(n, b, cppFlags); err != nil {
				return nil, err
			}
		}
		out = append(out, b)
	}
	return out, nil
}

// buildEngine is the build's way into libpod.
type buildEngine struct {
	rt        *libpod.Runtime
	network   string
	base      *libpod.CreateOptions // the RUN containers' flags (build_flags.go)
	pullFlags []string              // pod-image pull flags of FROM images
	regFlags  []string              // the registry flags among them (--cache-from, --cache-to)
}

func (e *buildEngine) Image(ctx context.Context, name, pull string) (string, error) {
	return e.rt.BuildImage(ctx, name, pull, e.pullFlags)
}

func (e *buildEngine) PullCache(ctx context.Context, ref string) (string, error) {
	return e.rt.PullBuildCache(ctx, ref, e.regFlags)
}

func (e *buildEngine) PushCache(ctx context.Context, id, ref string) error {
	return e.rt.PushBuildCache(ctx, id, ref, e.regFlags)
}

func (e *buildEngine) Run(ctx context.Context, r build.RunSpec) (int, error) {
	network := e.network
	if network == "private" {
		network = ""
	}
	return e.rt.RunInRootfs(ctx, libpod.RootfsRun{Rootfs: r.Rootfs, Args: r.Args, Env: r.Env, User: r.User,
		WorkDir: r.WorkDir, Network: network, Mounts: r.Mounts, Stdin: r.Stdin, Stdout: r.Stdout, Stderr: r.Stderr, Base: e.base})
}

// imageBuild runs `pod image build ARGS` as `pod build ARGS`: build is
// pod's own verb, not pod-image's. The global flags among args apply.
func imageBuild(cmd *cobra.Command, args []string) error {
	for i, a := range args {
		if a == "build" {
			args = append(append([]string{}, args[:i]...), args[i+1:]...)
			break
		}
	}
	b := buildCommand()
	b.Flags().AddFlagSet(cmd.Root().PersistentFlags())
	if err := b.ParseFlags(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			b.Use = "build [options] [CONTEXT]"
			return b.Help()
		}
		return usageError("%v", err)
	}
	if err := applyOutputFlags(); err != nil {
		return err
	}
	b.SetContext(cmd.Context())
	return b.RunE(b, b.Flags().Args())
}

// Package build runs `pod build`: it parses a Containerfile with
// github.com/openshift/imagebuilder (parser, ARG/ENV expansion, the
// instruction table, stages) and carries out what imagebuilder asks
// (copies, RUNs) on a working container in go.podman.io/storage, whose
// changes pkg/imagecommit commits as image layers. RUN goes through the
// Engine (libpod), so every step runs under the build's --runtime with pod's
// monitor: runc, crun, runsc or a containerd shim. --layers caches each step
// as an intermediate image keyed by its parent and instruction.
package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/openshift/imagebuilder"
	"github.com/openshift/imagebuilder/dockerfile/command"
	"go.podman.io/storage"
	"go.podman.io/storage/pkg/idtools"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagecommit"
)

// Engine is what a build needs from the container engine.
type Engine interface {
	// Image finds the image name, pulling it as pull (missing, always,
	// never) says, and returns its ID.
	Image(ctx context.Context, name, pull string) (string, error)
	// Run runs one RUN step and returns its exit code.
	Run(ctx context.Context, r RunSpec) (int, error)
	// PullCache pulls ref (--cache-from REPO:KEY) quietly and returns
	// its ID; PushCache pushes image id to ref (--cache-to).
	PullCache(ctx context.Context, ref string) (string, error)
	PushCache(ctx context.Context, id, ref string) error
}

// RunSpec is one RUN step: argv in the working container's root.
type RunSpec struct {
	Rootfs  string
	Args    []string
	Env     []string
	User    string
	WorkDir string
	Mounts  []string  // --mount flags (RUN --mount, mounts.go)
	Stdin   io.Reader // --stdin: the RUN's standard input; nil = none
	Stdout  io.Writer
	Stderr  io.Writer
}

// Options are `pod build`'s flags.
type Options struct {
	ContextDir     string
	Containerfiles [][]byte // contents, in order (-f several times appends)
	Tags           []string // -t, already normalized
	Args           map[string]string
	Target         string
	Layers         bool
	NoCache        bool
	Pull           string // missing (default), always, never
	Format         string // oci (default) or docker
	Labels         map[string]string
	Squash         bool // the last stage's new layers as one
	SquashAll      bool // the whole image as one layer
	Quiet          bool
	Secrets        map[string]string // --secret: id → file (RUN --mount=type=secret)
	// KeepOnSuccess (--rm=false) keeps the working containers of a build
	// that succeeds, KeepOnFailure (--force-rm=false) those of one that
	// fails, as Buildah: unmounted, named "<image>-working-container[-N]",
	// listed by `ps --external`.
	KeepOnSuccess bool
	KeepOnFailure bool
	Out           io.Writer // progress and RUN output (stdout)
	Err           io.Writer
	Stdin         io.Reader // --stdin: given to every RUN

	Env         []string          // --env KEY=VALUE: in every stage's config (RUN and image), as Buildah
	UnsetEnv    []string          // --unsetenv KEY: removed from the final image's config
	Annotations map[string]string // --annotation: OCI manifest annotations of the image
	// Platform of the image (--platform, --os, --arch, --variant,
	// --os-version, --os-feature); empty = the base image's.
	OS, Arch, Variant, OSVersion string
	OSFeatures                   []string
	Timestamp                    *time.Time // --timestamp: created time and every file's time
	OmitHistory                  bool
	IdentityLabel                bool              // --identity-label: io.buildah.version in the image's labels
	IgnoreFile                   string            // --ignorefile (else .containerignore/.dockerignore)
	SkipUnusedStages             bool              // --skip-unused-stages
	From                         string            // --from: replaces the first stage's FROM
	Contexts                     map[string]string // --build-context name → directory, or "image:" + image name
	CacheTTL                     time.Duration     // --cache-ttl: older cached steps are not used
	CacheFrom, CacheTo           string            // --cache-from, --cache-to: remote cache repositories (remotecache.go)
	SSH                          map[string]string // --ssh id → agent socket
	Output                       *Output           // --output: the final root filesystem exported
	VolumeTargets                []string          // container paths of the RUN containers' --volume (kept out of layers)
	// UIDMap and GIDMap ID-map the working containers (--userns-uid-map…,
	// idmapped.go); nil: not mapped.
	UIDMap, GIDMap []idtools.IDMap
}

// ErrStepFailed marks a RUN that exited non-zero; errors.As finds the code.
type StepError struct {
	Step string
	Code int
}

func (e *StepError) Error() string {
	return fmt.Sprintf("building at STEP %q: while running runtime: exit status %d", e.Step, e.Code)
}

// Build runs the build and returns the final image's ID.
func Build(ctx context.Context, store storage.Store, eng Engine, o Options) (string, error) {
	if o.Pull == "" {
		o.Pull = "missing"
	}
	if o.Out == nil || o.Quiet {
		o.Out = io.Discard
	}
	var all bytes.Buffer
	for _, c := range o.Containerfiles {
		all.Write(c)
		all.WriteString("\n")
	}
	node, err := imagebuilder.ParseDockerfile(&all)
	if err != nil {
		return "", fmt.Errorf("parsing the Containerfile: %w: %w", err, errdefs.ErrInvalidArgument)
	}
	if o.From != "" {
		overrideFrom(node, o.From)
	}
	excludes, err := ignoreFile(o.ContextDir, o.IgnoreFile)
	if err != nil {
		return "", err
	}
	stages, err := imagebuilder.NewStages(node, imagebuilder.NewBuilder(o.Args))
	if err != nil {
		return "", fmt.Errorf("reading the Containerfile's stages: %w: %w", err, errdefs.ErrInvalidArgument)
	}
	if len(stages) == 0 {
		return "", fmt.Errorf("the Containerfile has no FROM instruction: %w", errdefs.ErrInvalidArgument)
	}
	if o.Target != "" {
		var ok bool
		if stages, ok = stages.ThroughTarget(o.Target); !ok {
			return "", fmt.Errorf("the target %q was not found in the provided Dockerfile: %w", o.Target, errdefs.ErrInvalidArgument)
		}
	}
	if err := checkInstructions(stages); err != nil {
		return "", err
	}
	if o.SkipUnusedStages {
		stages = usedStages(stages)
	}
	r := &run{ctx: ctx, store: store, eng: eng, o: o, excludes: excludes, results: map[string]string{}}
	ok := false
	defer func() { r.cleanup(ok) }()
	var id string
	for i, st := range stages {
		if id, err = r.stage(st, i, len(stages)); err != nil {
			return "", err
		}
		r.results[strconv.Itoa(st.Position)] = id
		if st.Name != "" {
			r.results[st.Name] = id
		}
	}
	if err := imagecommit.Tag(store, id, o.Tags); err != nil {
		return "", err
	}
	if o.Output != nil {
		if err := r.export(id, o.Output); err != nil {
			return "", err
		}
	}
	ok = true
	short := id
	if len(short) > 12 {
		short = short[:12]
	}
	if len(o.Tags) > 0 {
		fmt.Fprintf(o.Out, "COMMIT %s\n", o.Tags[0])
	}
	fmt.Fprintf(o.Out, "--> %s\n", short)
	for _, t := range o.Tags {
		fmt.Fprintf(o.Out, "Successfully tagged %s\n", t)
	}
	return id, nil
}

// checkInstructions refuses instructions imagebuilder does not know
// before anything is created.
func checkInstructions(stages imagebuilder.Stages) error {
	for _, st := range stages {
		for _, n := range st.Node.Children {
			if _, ok := command.Commands[strings.ToLower(n.Value)]; !ok {
				return fmt.Errorf("unknown instruction: %s (line %d of the Containerfile): %w", strings.ToUpper(n.Value), n.StartLine, errdefs.ErrInvalidArgument)
			}
		}
	}
	return nil
}

// ignoreFile reads --ignorefile, else .containerignore, else .dockerignore,
// of the context.
func ignoreFile(dir, file string) ([]string, error) {
	if file != "" {
		ex, err := imagebuilder.ParseIgnore(file)
		if err != nil {
			return nil, fmt.Errorf("--ignorefile %s: %w: %w", file, err, errdefs.ErrInvalidArgument)
		}
		return ex, nil
	}
	for _, name := range []string{".containerignore", ".dockerignore"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			ex, err := imagebuilder.ParseIgnore(p)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", p, err)
			}
			return ex, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	return nil, nil
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagehelper"
	"github.com/pod-engine/pod/pkg/systemd/quadlet"
)

func init() {
	containerCommands = append(containerCommands, runlabelCommand)
}

// runlabelOptions are the flags of `container runlabel`.
type runlabelOptions struct {
	name, authfile, certDir, creds string
	display, quiet, replace        bool
	tlsVerify                      bool
}

// runlabelCommand is Podman's `container runlabel LABEL IMAGE [ARG...]`:
// the image's label LABEL is a command line; IMAGE and NAME in it become
// the image's name and the container's, ARGs are appended, and a first
// word podman, docker or pod runs this pod with its global flags (so the
// command acts on the same store).
func runlabelCommand() *cobra.Command {
	var o runlabelOptions
	cmd := &cobra.Command{
		Use:   "runlabel [options] LABEL IMAGE [ARG...]",
		Short: "Execute the command described by an image label",
		Long:  "Executes a command as described by a container image label.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return fmt.Errorf("%q requires a label and an image (LABEL IMAGE [ARG...]): %w", cmd.CommandPath(), errdefs.ErrInvalidArgument)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runlabel(cmd, o, args[0], args[1], args[2:])
		},
	}
	fl := cmd.Flags()
	fl.SetInterspersed(false)
	fl.StringVar(&o.authfile, "authfile", "", "Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override")
	fl.StringVar(&o.certDir, "cert-dir", "", "Pathname of a directory containing TLS certificates and keys")
	fl.StringVar(&o.creds, "creds", "", "Credentials (USERNAME:PASSWORD) to use for authenticating to a registry")
	fl.BoolVar(&o.display, "display", false, "Preview the command that the label would run")
	fl.StringVarP(&o.name, "name", "n", "", "Assign a name to the container")
	fl.BoolVarP(&o.quiet, "quiet", "q", false, "Suppress output information when installing images")
	fl.BoolVar(&o.replace, "replace", false, "Replace existing container with a new one from the image")
	fl.BoolVar(&o.tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when contacting registries")
	return cmd
}

func runlabel(cmd *cobra.Command, o runlabelOptions, label, image string, extra []string) error {
	ctx := cmd.Context()
	g := imagehelper.GlobalFlags{
		Root: globals.Root, RunRoot: globals.RunRoot, StorageDriver: globals.StorageDriver,
		LogLevel: globals.LogLevel, TmpDir: globals.TmpDir, StorageOpts: globals.StorageOpts,
		EventsBackend: globals.EventsBackend,
	}
	helper := func(stdout io.Writer, args ...string) (string, error) {
		var errb bytes.Buffer
		code, err := imagehelper.Run(ctx, podExecutable(), g, args, nil, stdout, &errb)
		msg := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(errb.String()), "Error: "))
		if err == nil && code != 0 {
			err = fmt.Errorf("%s: %w", msg, errdefs.ErrInvalidArgument)
		}
		return msg, err
	}
	var out bytes.Buffer
	if _, err := helper(&out, "image", "inspect", "--format", "{{json .}}", image); err != nil {
		// Not here: pull it, as Podman does, with the registry flags.
		pull := []string{"pull"}
		if o.authfile != "" {
			pull = append(pull, "--authfile", o.authfile)
		}
		if o.certDir != "" {
			pull = append(pull, "--cert-dir", o.certDir)
		}
		if o.creds != "" {
			pull = append(pull, "--creds", o.creds)
		}
		if cmd.Flags().Changed("tls-verify") {
			pull = append(pull, fmt.Sprintf("--tls-verify=%t", o.tlsVerify))
		}
		if o.quiet {
			pull = append(pull, "--quiet")
		}
		var w io.Writer = os.Stdout
		if o.quiet {
			w = io.Discard
		}
		if _, err := helper(w, append(pull, image)...); err != nil {
			return err
		}
		out.Reset()
		if _, err := helper(&out, "image", "inspect", "--format", "{{json .}}", image); err != nil {
			return err
		}
	}
	var img struct {
		RepoTags []string          `json:"RepoTags"`
		Labels   map[string]string `json:"Labels"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(out.Bytes()), &img); err != nil {
		return fmt.Errorf("reading the labels of image %s: %w", image, err)
	}
	value := img.Labels[label]
	if value == "" {
		return fmt.Errorf("cannot find the value of label: %s in image: %s: %w", label, image, errdefs.ErrInvalidArgument)
	}
	imageName := image
	if len(img.RepoTags) > 0 {
		imageName = img.RepoTags[0]
	}
	name := o.name
	if name == "" {
		name = imageBaseName(image)
	}
	words, err := runlabelWords(value, imageName, name, extra)
	if err != nil {
		return fmt.Errorf("label %s of image %s: %w", label, image, err)
	}
	if o.display {
		fmt.Printf("command: %s\n", strings.Join(words, " "))
		return nil
	}
	argv := words
	if words[0] == "podman" || words[0] == "docker" || words[0] == "pod" {
		// This pod, on the same store and runtime.
		nested := nestedGlobals()
		argv = append(append([]string{podExecutable()}, nested...), words[1:]...)
		if o.replace {
			rm := exec.CommandContext(ctx, podExecutable(), append(nested, "rm", "-f", "--ignore", name)...)
			rm.Stderr = os.Stderr
			if err := rm.Run(); err != nil {
				return fmt.Errorf("--replace: removing container %s: %w", name, err)
			}
		}
	}
	c := exec.CommandContext(ctx, argv[0], argv[1:]...)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	c.Env = append(os.Environ(), "PODMAN_RUNLABEL_NESTED=1")
	if err := c.Run(); err != nil {
		return fmt.Errorf("`%s` failed: %w", strings.Join(words, " "), err)
	}
	return nil
}

// runlabelWords splits a label's command line and substitutes IMAGE and
// NAME (also $IMAGE, ${IMAGE}, IMAGE=IMAGE…) as Podman does; extra
// arguments are appended.
func runlabelWords(value, imageName, name string, extra []string) ([]string, error) {
	words, err := quadlet.SplitWords(value)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("the label is empty: %w", errdefs.ErrInvalidArgument)
	}
	for i, w := range words[1:] {
		switch w {
		case "IMAGE", "$IMAGE", "${IMAGE}":
			words[i+1] = imageName
		case "IMAGE=IMAGE", "IMAGE=$IMAGE", "IMAGE=${IMAGE}":
			words[i+1] = "IMAGE=" + imageName
		case "NAME", "$NAME", "${NAME}":
			words[i+1] = name
		case "NAME=NAME", "NAME=$NAME", "NAME=${NAME}":
			words[i+1] = "NAME=" + name
		}
	}
	return append(words, extra...), nil
}

// imageBaseName is an image reference without registry, path and tag:
// the default container name (localhost/bbl:latest → bbl).
func imageBaseName(ref string) string {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	base := path.Base(ref)
	if i := strings.LastIndexByte(base, ':'); i >= 0 {
		base = base[:i]
	}
	return base
}

// nestedGlobals are the global flags a nested pod needs to act on the
// same store, runtime and configuration.
func nestedGlobals() []string {
	var a []string
	add := func(flag, v string) {
		if v != "" {
			a = append(a, flag+"="+v)
		}
	}
	add("--root", globals.Root)
	add("--runroot", globals.RunRoot)
	add("--tmpdir", globals.TmpDir)
	add("--runtime", globals.Runtime)
	add("--storage-driver", globals.StorageDriver)
	add("--log-level", globals.LogLevel)
	return a
}

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

var saveFormats = []string{"docker-archive", "oci-archive", "oci-dir", "docker-dir"}

// tempDir is where stdin and stdout streams are staged: $TMPDIR or /var/tmp
// (images can be large; /tmp is often a small tmpfs).
func tempDir() string {
	if d := os.Getenv("TMPDIR"); d != "" {
		return d
	}
	return "/var/tmp"
}

// stdinToFile copies stdin into a temporary file, for verbs whose transports
// need a path. The caller removes the file.
func stdinToFile(what string) (string, error) {
	if term.IsTerminal(int(os.Stdin.Fd())) {
		return "", invalid("cannot read from terminal, use command-line redirection or the --input flag")
	}
	f, err := os.CreateTemp(tempDir(), "pod-image-"+what+"-")
	if err != nil {
		return "", fmt.Errorf("creating temporary file for stdin: %w", err)
	}
	if _, err := io.Copy(f, os.Stdin); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("reading stdin: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("writing %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}

func loadCmd(a *app) *cobra.Command {
	var input, sigPolicy string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "load [options]",
		Short: "Load image(s) from a tar archive",
		Long:  "Loads an image from a locally stored archive (tar file) into container storage: docker-archive, oci-archive, an OCI layout directory or a docker dir.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rt, err := a.Runtime()
			if err != nil {
				return err
			}
			path := input
			if path == "" {
				p, err := stdinToFile("load")
				if err != nil {
					return err
				}
				defer os.Remove(p)
				path = p
			} else if _, err := os.Stat(path); err != nil {
				return classify(err, errdefs.ErrNotFound)
			}
			return loadArchive(cmd, rt, path, sigPolicy, quiet)
		},
		Example: `pod load -i busybox.tar
  pod load < busybox.tar`,
	}
	fs := cmd.Flags()
	fs.StringVarP(&input, "input", "i", "", "Read from specified archive file (default: stdin)")
	fs.BoolVarP(&quiet, "quiet", "q", false, "Suppress the output")
	fs.StringVar(&sigPolicy, "signature-policy", "", "Path to a signature-policy file")
	_ = fs.MarkHidden("signature-policy")
	return cmd
}

// loadArchive loads the archive at path and prints the names, as Podman.
func loadArchive(cmd *cobra.Command, rt *libimage.Runtime, path, sigPolicy string, quiet bool) error {
	opts := &libimage.LoadOptions{}
	opts.SignaturePolicyPath = sigPolicy
	if !quiet {
		opts.Writer = os.Stderr
	}
	names, err := rt.Load(cmd.Context(), path, opts)
	if err != nil {
		return err
	}
	fmt.Println("Loaded image: " + strings.Join(names, "\nLoaded image: "))
	return nil
}

type saveFlags struct {
	compress, uncompressed, quiet, multi bool
	format, output, sigPolicy            string
}

func saveCmd(a *app) *cobra.Command {
	f := &saveFlags{}
	cmd := &cobra.Command{
		Use:   "save [options] IMAGE [IMAGE...]",
		Short: "Save image(s) to an archive",
		Long:  "Save an image to docker-archive or oci-archive on the local machine. Default is docker-archive.\n\nWithout -m, arguments after the first are extra names for it in the archive.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return errors.New("need at least 1 argument")
			}
			if !slices.Contains(saveFormats, f.format) {
				return fmt.Errorf("format value must be one of %s", strings.Join(saveFormats, " "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runSave(cmd, a, f, args) },
		Example: `pod save -o busybox.tar localhost/busybox
  pod save --format oci-archive -o busybox-oci.tar localhost/busybox
  pod save -m -o two.tar localhost/busybox localhost/other`,
	}
	fs := cmd.Flags()
	fs.BoolVar(&f.compress, "compress", false, "Compress tarball image layers when saving to a directory using the 'dir' transport. (default is same compression type as source)")
	fs.BoolVar(&f.uncompressed, "uncompressed", false, "Accept uncompressed layers when copying OCI images")
	fs.StringVar(&f.format, "format", "docker-archive", "Save image to oci-archive, oci-dir (directory with oci manifest type), docker-archive, docker-dir (directory with v2s2 manifest type)")
	fs.StringVarP(&f.output, "output", "o", "", "Write to a specified file (default: stdout, which must be redirected)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "Suppress the output")
	fs.BoolVarP(&f.multi, "multi-image-archive", "m", false, "Interpret additional arguments as images not tags and create a multi-image-archive (only for docker-archive)")
	fs.StringVar(&f.sigPolicy, "signature-policy", "", "Path to a signature-policy file")
	_ = fs.MarkHidden("signature-policy")
	return cmd
}

func runSave(cmd *cobra.Command, a *app, f *saveFlags, args []string) (retErr error) {
	if cmd.Flags().Changed("compress") && f.format != "docker-dir" {
		return invalid("--compress can only be set when --format is 'docker-dir'")
	}
	rt, err := a.Runtime()
	if err != nil {
		return err
	}
	opts := &libimage.SaveOptions{}
	opts.DirForceCompress = f.compress
	opts.OciAcceptUncompressedLayers = f.uncompressed
	opts.RemoveSignatures = true
	opts.SignaturePolicyPath = f.sigPolicy
	output := f.output
	if output == "" {
		if f.format == "oci-dir" || f.format == "docker-dir" {
			return invalid("--format %s writes a directory; use -o DIR", f.format)
		}
		if term.IsTerminal(int(os.Stdout.Fd())) {
			return invalid("refusing to save to terminal. Use -o flag or redirect")
		}
		f.quiet = true
		pipe, done, err := stdoutPipe()
		if err != nil {
			return err
		}
		defer func() {
			if werr := done(retErr == nil); werr != nil && retErr == nil {
				retErr = werr
			}
		}()
		output = pipe
	} else if strings.Contains(output, ":") {
		return invalid("invalid filename (should not contain ':') %q", output)
	}
	if !f.quiet {
		opts.Writer = os.Stderr
	}
	names := []string{args[0]}
	if f.multi {
		names = append(names, args[1:]...)
	} else {
		opts.AdditionalTags = args[1:]
	}
	return rt.Save(cmd.Context(), names, f.format, output, opts)
}

// stdoutPipe returns a FIFO path whose content is copied to stdout, and a
// function that waits for the copy (or abandons it when ok is false).
func stdoutPipe() (string, func(ok bool) error, error) {
	dir, err := os.MkdirTemp(tempDir(), "pod-image-save-")
	if err != nil {
		return "", nil, fmt.Errorf("creating temporary directory: %w", err)
	}
	p := filepath.Join(dir, "pipe")
	if err := unix.Mkfifo(p, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("creating fifo %s: %w", p, err)
	}
	errc := make(chan error, 1)
	go func() {
		r, err := os.Open(p)
		if err != nil {
			errc <- err
			return
		}
		defer r.Close()
		_, err = io.Copy(os.Stdout, r)
		errc <- err
	}()
	done := func(ok bool) error {
		if !ok {
			// Unblock the reader if nothing ever opened the fifo for writing.
			if w, err := os.OpenFile(p, os.O_WRONLY|unix.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		}
		err := <-errc
		os.RemoveAll(dir)
		if err != nil {
			return fmt.Errorf("writing to stdout: %w", err)
		}
		return nil
	}
	return p, done, nil
}

type importFlags struct {
	changes                    []string
	message, arch, os, variant string
	quiet                      bool
	sigPolicy                  string
}

func importCmd(a *app) *cobra.Command {
	f := &importFlags{}
	cmd := &cobra.Command{
		Use:   "import [options] PATH [REFERENCE]",
		Short: "Import a tarball to create a filesystem image",
		Long:  "Create a container image from the contents of the specified tarball (.tar, .tar.gz, .tgz, .bzip, .tar.xz, .txz).\n\nPATH may be a file, a URL, or - for stdin.",
		Args:  cobra.RangeArgs(1, 2),
		RunE:  func(cmd *cobra.Command, args []string) error { return runImport(cmd, a, f, args) },
		Example: `pod import --change CMD=/bin/sh rootfs.tar localhost/busybox
  cat rootfs.tar | pod import --message "from stdin" - localhost/mine`,
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&f.changes, "change", "c", nil, "Apply the following possible instructions to the created image (default []): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | USER | VOLUME | WORKDIR")
	fs.StringVarP(&f.message, "message", "m", "", "Set commit message for imported image")
	fs.StringVar(&f.arch, "arch", "", "Set the architecture of the imported image")
	fs.StringVar(&f.os, "os", "", "Set the OS of the imported image")
	fs.StringVar(&f.variant, "variant", "", "Set the variant of the imported image")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "Suppress output")
	fs.StringVar(&f.sigPolicy, "signature-policy", "", "Path to a signature-policy file")
	_ = fs.MarkHidden("signature-policy")
	return cmd
}

func runImport(cmd *cobra.Command, a *app, f *importFlags, args []string) error {
	source := args[0]
	rt, err := a.Runtime()
	if err != nil {
		return err
	}
	opts := &libimage.ImportOptions{
		Changes: f.changes, CommitMessage: f.message, OS: f.os, Arch: f.arch,
	}
	opts.Variant = f.variant
	opts.SignaturePolicyPath = f.sigPolicy
	if len(args) == 2 {
		opts.Tag = args[1]
	}
	if !f.quiet {
		opts.Writer = os.Stderr
	}
	if source == "-" {
		p, err := stdinToFile("import")
		if err != nil {
			return err
		}
		defer os.Remove(p)
		source = p
	} else if !strings.Contains(source, "://") {
		if _, err := os.Stat(source); err != nil {
			return classify(err, errdefs.ErrNotFound)
		}
	}
	id, err := rt.Import(cmd.Context(), source, opts)
	if err != nil {
		return err
	}
	fmt.Println(id)
	return nil
}

package main

// `pod manifest`: manifest lists (Docker) and image indexes (OCI) in the
// shared store, on libimage's ManifestList, with Podman 4.3.1's verbs,
// flags, output and exit codes.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
	imageCopy "go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/pkg/compression"
	"go.podman.io/image/v5/types"
	storage "go.podman.io/storage"
)

func manifestCmd(a *app) *cobra.Command {
	m := &cobra.Command{
		Use:   "manifest",
		Short: "Manipulate manifest lists and image indexes",
		Long:  "Creates, modifies, and pushes manifest lists and image indexes.",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return invalid("unrecognized command `%s %s`\nTry '%s --help' for more information",
					cmd.CommandPath(), args[0], cmd.CommandPath())
			}
			cmd.SetOut(os.Stderr)
			_ = cmd.Help()
			return invalid("missing command '%s COMMAND'", cmd.CommandPath())
		},
	}
	m.AddCommand(manifestCreateCmd(a), manifestAddCmd(a), manifestAnnotateCmd(a), manifestInspectCmd(a),
		manifestPushCmd(a), manifestRemoveCmd(a), manifestRmCmd(a), manifestExistsCmd(a))
	return m
}

// lookupList finds a manifest list by name or ID; a missing one or an
// ordinary image gives Podman's message (exit 125).
func (a *app) lookupList(name string) (*libimage.ManifestList, error) {
	rt, err := a.Runtime()
	if err != nil {
		return nil, err
	}
	ml, err := rt.LookupManifestList(name)
	switch {
	case err == nil:
		return ml, nil
	case errors.Is(err, storage.ErrImageUnknown):
		return nil, classify(err, errdefs.ErrNotFound)
	case errors.Is(err, libimage.ErrNotAManifestList):
		return nil, classify(err, errdefs.ErrInvalidArgument)
	}
	return nil, err
}

func manifestCreateCmd(a *app) *cobra.Command {
	var all, amend, tlsVerify bool
	cmd := &cobra.Command{
		Use:   "create [options] LIST [IMAGE...]",
		Short: "Create manifest list or image index",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := a.Runtime()
			if err != nil {
				return err
			}
			ml, err := rt.CreateManifestList(args[0])
			if err != nil && errors.Is(err, storage.ErrDuplicateName) && amend {
				ml, err = a.lookupList(args[0])
			}
			if err != nil {
				if errors.Is(err, storage.ErrDuplicateName) {
					return classify(fmt.Errorf("creating image to hold manifest list: %w", err), errdefs.ErrAlreadyExists)
				}
				return err
			}
			o := &libimage.ManifestListAddOptions{All: all}
			if cmd.Flags().Changed("tls-verify") {
				o.InsecureSkipTLSVerify = types.NewOptionalBool(!tlsVerify)
			}
			for _, img := range args[1:] {
				if _, err := ml.Add(cmd.Context(), img, o); err != nil {
					return fmt.Errorf("adding %q: %w", img, err)
				}
			}
			fmt.Println(ml.ID())
			return nil
		},
		Example: `pod manifest create mylist:v1.11
  pod manifest create --amend mylist:v1.11 localhost/busybox`,
	}
	fs := cmd.Flags()
	fs.BoolVar(&all, "all", false, "add all of the lists' images if the images to add are lists")
	fs.BoolVarP(&amend, "amend", "a", false, "modify an existing list if one with the desired name already exists")
	fs.BoolVar(&tlsVerify, "tls-verify", true, "require HTTPS and verify certificates when accessing the registry")
	return cmd
}

// platformFlags are the per-instance overrides of add and annotate.
type platformFlags struct {
	annotations                  []string
	arch, os, osVersion, variant string
	features, osFeatures         []string
}

func (p *platformFlags) register(cmd *cobra.Command, osFeatures bool) {
	fs := cmd.Flags()
	fs.StringArrayVar(&p.annotations, "annotation", nil, "set an `annotation` for the specified image")
	fs.StringVar(&p.arch, "arch", "", "override the `architecture` of the specified image")
	fs.StringSliceVar(&p.features, "features", nil, "override the `features` of the specified image")
	fs.StringVar(&p.os, "os", "", "override the `OS` of the specified image")
	fs.StringVar(&p.osVersion, "os-version", "", "override the OS `version` of the specified image")
	fs.StringVar(&p.variant, "variant", "", "override the `Variant` of the specified image")
	if osFeatures {
		fs.StringSliceVar(&p.osFeatures, "os-features", nil, "override the OS `features` of the specified image")
	}
}

// options turns the flags into libimage's annotate options; nil when none
// was given.
func (p *platformFlags) options() (*libimage.ManifestListAnnotateOptions, error) {
	o := &libimage.ManifestListAnnotateOptions{Architecture: p.arch, OS: p.os, OSVersion: p.osVersion,
		Variant: p.variant, Features: p.features, OSFeatures: p.osFeatures}
	if len(p.annotations) > 0 {
		o.Annotations = map[string]string{}
		for _, kv := range p.annotations {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return nil, invalid("no value given for annotation %q", kv)
			}
			o.Annotations[k] = v
		}
	}
	if o.Architecture == "" && o.OS == "" && o.OSVersion == "" && o.Variant == "" && o.Features == nil &&
		o.OSFeatures == nil && o.Annotations == nil {
		return nil, nil
	}
	return o, nil
}

func manifestAddCmd(a *app) *cobra.Command {
	var (
		all bool
		rf  registryFlags
		pf  platformFlags
	)
	cmd := &cobra.Command{
		Use:   "add [options] LIST IMAGE [IMAGE...]",
		Short: "Add images to a manifest list or image index",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ann, err := pf.options()
			if err != nil {
				return err
			}
			var co libimage.CopyOptions
			if err := rf.apply(cmd, &co); err != nil {
				return err
			}
			ml, err := a.lookupList(args[0])
			if err != nil {
				return err
			}
			o := &libimage.ManifestListAddOptions{All: all, AuthFilePath: co.AuthFilePath, CertDirPath: co.CertDirPath,
				InsecureSkipTLSVerify: co.InsecureSkipTLSVerify, Username: co.Username, Password: co.Password}
			for _, img := range args[1:] {
				d, err := ml.Add(cmd.Context(), img, o)
				if err != nil {
					return err
				}
				if ann != nil {
					if err := ml.AnnotateInstance(d, ann); err != nil {
						return err
					}
				}
			}
			fmt.Println(ml.ID())
			return nil
		},
		Example: `pod manifest add mylist:v1.11 docker://127.0.0.1:5000/busybox
  pod manifest add --arch arm64 --variant v8 mylist:v1.11 containers-storage:localhost/busybox`,
	}
	rf.register(cmd.Flags())
	_ = cmd.Flags().MarkHidden("retry")
	_ = cmd.Flags().MarkHidden("retry-delay")
	_ = cmd.Flags().MarkHidden("quiet")
	cmd.Flags().BoolVar(&all, "all", false, "add all of the list's images if the image is a list")
	pf.register(cmd, false)
	return cmd
}

func manifestAnnotateCmd(a *app) *cobra.Command {
	var pf platformFlags
	cmd := &cobra.Command{
		Use:   "annotate [options] LIST IMAGE",
		Short: "Add or update information about an entry in a manifest list or image index",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ann, err := pf.options()
			if err != nil {
				return err
			}
			ml, err := a.lookupList(args[0])
			if err != nil {
				return err
			}
			d, err := digest.Parse(args[1])
			if err != nil {
				return invalid("invalid image digest %q: %v", args[1], err)
			}
			if ann == nil {
				ann = &libimage.ManifestListAnnotateOptions{}
			}
			if err := ml.AnnotateInstance(d, ann); err != nil {
				return classify(err, errdefs.ErrNotFound)
			}
			fmt.Println(ml.ID())
			return nil
		},
		Example: `pod manifest annotate --annotation left=right mylist:v1.11 sha256:59eec8837a4d942cc19a52b8c09ea75121acc38114a2c68b98983ce9356b8610`,
	}
	pf.register(cmd, true)
	return cmd
}

func manifestInspectCmd(a *app) *cobra.Command {
	var tlsVerify bool
	cmd := &cobra.Command{
		Use:   "inspect [options] IMAGE",
		Short: "Display the contents of a manifest list or image index",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ml, err := a.lookupList(args[0])
			if err != nil {
				return err
			}
			data, err := ml.Inspect()
			if err != nil {
				return err
			}
			out, err := json.MarshalIndent(data, "", "    ")
			if err != nil {
				return err
			}
			fmt.Println(string(out))
			return nil
		},
		Example: `pod manifest inspect mylist:v1.11`,
	}
	cmd.Flags().BoolVar(&tlsVerify, "tls-verify", true, "require HTTPS and verify certificates when accessing the registry")
	return cmd
}

func manifestPushCmd(a *app) *cobra.Command {
	var (
		rf                               registryFlags
		all, rm, removeSignatures        bool
		format, digestFile, compressFmt  string
		signBy, signSigstore, passphrase string
	)
	cmd := &cobra.Command{
		Use:   "push [options] LIST DESTINATION",
		Short: "Push a manifest list or image index to a registry",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if signBy != "" || signSigstore != "" || passphrase != "" {
				return invalid("signing is not supported by pod (no GPG or sigstore keys are used): push without --sign-by, --sign-by-sigstore-private-key and --sign-passphrase-file")
			}
			o := &libimage.ManifestListPushOptions{ImageListSelection: imageCopy.CopySystemImage}
			if all {
				o.ImageListSelection = imageCopy.CopyAllImages
			}
			if err := rf.apply(cmd, &o.CopyOptions); err != nil {
				return err
			}
			o.RemoveSignatures = removeSignatures
			switch format {
			case "":
			case "oci":
				o.ManifestMIMEType = imgspecv1.MediaTypeImageIndex
			case "v2s2", "docker":
				o.ManifestMIMEType = manifest.DockerV2ListMediaType
			default:
				return invalid("unknown format %q. Choose one of the supported formats: 'oci' or 'v2s2'", format)
			}
			if compressFmt != "" {
				algo, err := compression.AlgorithmByName(compressFmt)
				if err != nil {
					return classify(err, errdefs.ErrInvalidArgument)
				}
				o.CompressionFormat = &algo
			}
			ml, err := a.lookupList(args[0])
			if err != nil {
				return err
			}
			d, err := ml.Push(cmd.Context(), args[1], o)
			if err != nil {
				return err
			}
			if digestFile != "" {
				if err := os.WriteFile(digestFile, []byte(d.String()), 0o644); err != nil {
					return fmt.Errorf("writing digest file %s: %w", digestFile, err)
				}
			}
			if rm {
				rt, err := a.Runtime()
				if err != nil {
					return err
				}
				if _, errs := rt.RemoveImages(cmd.Context(), []string{ml.ID()}, &libimage.RemoveImagesOptions{LookupManifest: true}); len(errs) > 0 {
					return errors.Join(errs...)
				}
			}
			return nil
		},
		Example: `pod manifest push --tls-verify=false mylist:v1.11 docker://127.0.0.1:5000/mylist:v1.11`,
	}
	fs := cmd.Flags()
	rf.register(fs)
	_ = fs.MarkHidden("retry")
	_ = fs.MarkHidden("retry-delay")
	fs.BoolVar(&all, "all", true, "also push the images in the list")
	fs.BoolVar(&rm, "rm", false, "remove the manifest list if push succeeds")
	fs.BoolVar(&removeSignatures, "remove-signatures", false, "don't copy signatures when pushing images")
	fs.StringVarP(&format, "format", "f", "", "manifest type (oci or v2s2) to attempt to use when pushing the manifest list (default is manifest type of source)")
	fs.StringVar(&digestFile, "digestfile", "", "after copying the image, write the digest of the resulting digest to the file")
	fs.StringVar(&compressFmt, "compression-format", "", "compression format to use")
	fs.StringVar(&signBy, "sign-by", "", "sign the image using a GPG key with the specified `FINGERPRINT` (refused: pod does not sign)")
	fs.StringVar(&signSigstore, "sign-by-sigstore-private-key", "", "Sign the image using a sigstore private key at `PATH` (refused: pod does not sign)")
	fs.StringVar(&passphrase, "sign-passphrase-file", "", "Read a passphrase for signing an image from `PATH` (refused: pod does not sign)")
	return cmd
}

func manifestRemoveCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "remove LIST IMAGE",
		Short: "Remove an entry from a manifest list or image index",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ml, err := a.lookupList(args[0])
			if err != nil {
				return err
			}
			d, err := digest.Parse(args[1])
			if err != nil {
				return invalid("%s is not a digest: %v", args[1], err)
			}
			if err := ml.RemoveInstance(d); err != nil {
				return classify(fmt.Errorf("removing from manifest list %s: %w", args[0], err), errdefs.ErrNotFound)
			}
			fmt.Println(ml.ID())
			return nil
		},
		Example: `pod manifest remove mylist:v1.11 sha256:cb8a924afdf0229ef7515d9e5b3024e23b3eb03ddbba287f4a19c6ac90b8d221`,
	}
}

func manifestRmCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "rm LIST [LIST...]",
		Short: "Remove manifest list or image index from local storage",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := a.Runtime()
			if err != nil {
				return err
			}
			var errs []error
			for _, name := range args {
				ml, err := a.lookupList(name)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				reports, rerrs := rt.RemoveImages(cmd.Context(), []string{ml.ID()}, &libimage.RemoveImagesOptions{LookupManifest: true})
				for _, r := range reports {
					for _, u := range r.Untagged {
						fmt.Println("Untagged: " + u)
					}
					if r.Removed {
						fmt.Println("Deleted: " + r.ID)
					}
				}
				errs = append(errs, rerrs...)
			}
			if len(errs) == 0 {
				return nil
			}
			for _, e := range errs[:len(errs)-1] {
				fmt.Fprintln(os.Stderr, "Error: "+e.Error())
			}
			last := errs[len(errs)-1]
			if errors.Is(last, errdefs.ErrNotFound) {
				// As Podman: a list that is not there exits 1.
				return &errdefs.ExitCodeError{Code: 1, Err: last}
			}
			return last
		},
		Example: `pod manifest rm mylist:v1.11`,
	}
}

func manifestExistsCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "exists MANIFEST",
		Short: "Check if a manifest list exists in local storage",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := a.lookupList(args[0]); err != nil {
				if errors.Is(err, errdefs.ErrNotFound) || errors.Is(err, libimage.ErrNotAManifestList) {
					return &errdefs.ExitCodeError{Code: 1}
				}
				return err
			}
			return nil
		},
		Example: `pod manifest exists mylist`,
	}
}

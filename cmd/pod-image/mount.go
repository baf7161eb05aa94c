package main

// `pod image mount|unmount|tree`: an image's root file system mounted
// read-only in the store (libimage's Image.Mount, counted as storage counts
// mounts) and the layer tree, as Podman 4.3.1 prints them.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
)

// mountedImage is one line of `image mount` without arguments (JSON keys
// as Podman's).
type mountedImage struct {
	ID           string   `json:"id"`
	Names        []string `json:"Names"`
	Repositories []string `json:"Repositories"`
	MountPoint   string   `json:"mountpoint"`
}

func imageMountCmd(a *app) *cobra.Command {
	var all bool
	var format string
	cmd := &cobra.Command{
		Use:   "mount [options] [IMAGE...]",
		Short: "Mount an image's root filesystem",
		Long:  "Mounts the specified images' root file system in a location which can be accessed from the host, and returns its location.\n\nWithout IMAGE, lists the mounted images.",
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := a.Runtime()
			if err != nil {
				return err
			}
			if len(args) > 0 && all {
				return invalid("when using the --all switch, you may not pass any images names or IDs")
			}
			if len(args) > 0 {
				for _, name := range args {
					img, err := a.lookupImage(name)
					if err != nil {
						return err
					}
					dir, err := img.Mount(cmd.Context(), nil, "")
					if err != nil {
						return err
					}
					fmt.Println(dir)
				}
				return nil
			}
			imgs, err := rt.ListImages(cmd.Context(), nil)
			if err != nil {
				return err
			}
			var out []mountedImage
			for _, img := range imgs {
				if all {
					if _, err := img.Mount(cmd.Context(), nil, ""); err != nil {
						return err
					}
				}
				dir, err := img.Mountpoint()
				if err != nil || dir == "" {
					continue
				}
				out = append(out, mountedImage{ID: img.ID(), Names: []string{img.Digest().String()}, Repositories: img.Names(), MountPoint: dir})
			}
			if format == "json" {
				if out == nil {
					out = []mountedImage{}
				}
				b, err := json.MarshalIndent(out, "", " ")
				if err != nil {
					return err
				}
				fmt.Println(string(b))
				return nil
			}
			if format != "" {
				return invalid("unknown --format argument: %s", format)
			}
			w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			for _, m := range out {
				repo := "<none>"
				if len(m.Repositories) > 0 {
					repo = m.Repositories[0]
				}
				fmt.Fprintf(w, "%s\t%s\n", repo, m.MountPoint)
			}
			return w.Flush()
		},
		Example: `pod image mount localhost/busybox
  pod image mount --format json`,
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Mount all images")
	cmd.Flags().StringVar(&format, "format", "", "Print the mounted images in specified format (json)")
	return cmd
}

func imageUnmountCmd(a *app) *cobra.Command {
	var all, force bool
	cmd := &cobra.Command{
		Use:     "unmount [options] IMAGE [IMAGE...]",
		Aliases: []string{"umount"},
		Short:   "Unmount an image's root filesystem",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return invalid("when using the --all switch, you may not pass any image names or IDs")
			}
			rt, err := a.Runtime()
			if err != nil {
				return err
			}
			var imgs []*libimage.Image
			if all {
				if imgs, err = rt.ListImages(cmd.Context(), nil); err != nil {
					return err
				}
			} else {
				for _, name := range args {
					img, err := a.lookupImage(name)
					if err != nil {
						return err
					}
					imgs = append(imgs, img)
				}
			}
			var errs []error
			for _, img := range imgs {
				if all {
					if dir, _ := img.Mountpoint(); dir == "" {
						continue
					}
				}
				if err := img.Unmount(force); err != nil {
					errs = append(errs, err)
					continue
				}
				fmt.Println(img.ID())
			}
			return errors.Join(errs...)
		},
		Example: `pod image unmount localhost/busybox
  pod image unmount --all`,
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Unmount all of the currently mounted images")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Force the complete unmount of the specified mounted images")
	return cmd
}

func imageTreeCmd(a *app) *cobra.Command {
	var whatRequires bool
	cmd := &cobra.Command{
		Use:   "tree [options] IMAGE",
		Short: "Prints layer hierarchy of an image in a tree format",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			img, err := a.lookupImage(args[0])
			if err != nil {
				return err
			}
			tree, err := img.Tree(cmd.Context(), whatRequires)
			if err != nil {
				return err
			}
			fmt.Print(tree)
			return nil
		},
		Example: `pod image tree localhost/busybox
  pod image tree --whatrequires localhost/busybox`,
	}
	cmd.Flags().BoolVarP(&whatRequires, "whatrequires", "", false, "Show all child images and layers of the specified image")
	return cmd
}

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagehelper"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
	"go.podman.io/storage"
)

type rmiFlags struct {
	all, force, ignore, noPrune bool
}

func rmiCmd(a *app, use string, aliases []string) *cobra.Command {
	f := &rmiFlags{}
	cmd := &cobra.Command{
		Use:     use + " [options] IMAGE [IMAGE...]",
		Aliases: aliases,
		Short:   "Remove one or more images from local storage",
		Long:    "Removes one or more previously pulled or locally created images.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !f.all {
				return errors.New("image name or ID must be specified")
			}
			if len(args) > 0 && f.all {
				return errors.New("when using the --all switch, you may not pass any images names or IDs")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runRmi(cmd, a, f, args) },
		Example: `pod rmi localhost/busybox
  pod rmi --force --all`,
	}
	fs := cmd.Flags()
	fs.BoolVarP(&f.all, "all", "a", false, "Remove all images")
	fs.BoolVarP(&f.force, "force", "f", false, "Force Removal of the image")
	fs.BoolVarP(&f.ignore, "ignore", "i", false, "Ignore errors if a specified image does not exist")
	fs.BoolVar(&f.noPrune, "no-prune", false, "Do not remove dangling images")
	return cmd
}

// runRmi removes images like `podman rmi`: "Untagged:"/"Deleted:" lines on
// stdout, exit 1 when an image did not exist (and nothing else failed), 2
// when an image is in use by a container, 125 otherwise. With --force, pod's
// containers using the image are removed by `pod rm --force` first so pod's
// state stays consistent; other engines' storage containers are then removed
// from the store, as Podman does.
func runRmi(cmd *cobra.Command, a *app, f *rmiFlags, args []string) error {
	rt, err := a.Runtime()
	if err != nil {
		return err
	}
	opts := &libimage.RemoveImagesOptions{
		Filters: []string{"readonly=false"},
		Force:   f.force,
		Ignore:  f.ignore,
		NoPrune: f.noPrune,
	}
	if !f.all {
		opts.Filters = append(opts.Filters, "intermediate=false")
	}
	opts.RemoveContainerFunc = func(imageID string) error { return a.removePodContainers(cmd.Context(), imageID) }
	reports, rmErrs := rt.RemoveImages(cmd.Context(), args, opts)
	for _, r := range reports {
		for _, u := range r.Untagged {
			fmt.Println("Untagged: " + u)
		}
	}
	for _, r := range reports {
		if r.Removed && r.ID != "" {
			fmt.Println("Deleted: " + r.ID)
		}
	}
	if len(rmErrs) == 0 {
		return nil
	}
	code := removeExitCode(rmErrs)
	for _, e := range rmErrs[:len(rmErrs)-1] {
		fmt.Fprintln(os.Stderr, "Error: "+e.Error())
	}
	return &errdefs.ExitCodeError{Code: code, Err: rmErrs[len(rmErrs)-1]}
}

// removeExitCode maps image-removal errors to Podman's documented codes.
func removeExitCode(errs []error) int {
	var unknown, inUse, other bool
	for _, e := range errs {
		switch {
		case errors.Is(e, storage.ErrImageUnknown), errors.Is(e, storage.ErrLayerUnknown):
			unknown = true
		case errors.Is(e, storage.ErrImageUsedByContainer):
			inUse = true
		default:
			other = true
		}
	}
	switch {
	case inUse:
		return 2
	case unknown && !other:
		return 1
	}
	return errdefs.ExitEngine
}

// removePodContainers runs `$POD_BINARY rm --force --ignore IDS` for the
// storage containers based on imageID. Containers pod does not know (other
// engines') are ignored there and deleted from the store by libimage.
func (a *app) removePodContainers(ctx context.Context, imageID string) error {
	ids, err := a.store.ContainersUsingImage(imageID)
	if err != nil || len(ids) == 0 {
		return err
	}
	pod := podBinary()
	if pod == "" {
		logrus.Debugf("%s not set: removing the storage of containers %v directly", imagehelper.EnvPodBinary, ids)
		return nil
	}
	argv := append(a.globalFlags().Args(), "rm", "--force", "--ignore")
	argv = append(argv, ids...)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, pod, argv...)
	c.Cancel = func() error { return c.Process.Signal(syscall.SIGTERM) }
	c.WaitDelay = 10 * time.Second
	var stderr strings.Builder
	c.Stderr = &stderr
	c.Stdout = nil
	if err := c.Run(); err != nil {
		return fmt.Errorf("removing containers %s of image %s with %s rm --force: %s: %w",
			strings.Join(ids, ", "), imageID, pod, strings.TrimSpace(stderr.String()), err)
	}
	return nil
}

// globalFlags are the storage flags of this invocation, for the pod commands
// pod-image runs back ($POD_BINARY rm, ps).
func (a *app) globalFlags() imagehelper.GlobalFlags {
	g := imagehelper.GlobalFlags{
		Root: a.g.root, RunRoot: a.g.runRoot, StorageDriver: a.g.driver,
		LogLevel: a.g.logLevel, TmpDir: a.g.tmpDir, EventsBackend: a.g.eventsBackend,
	}
	if a.flags.Flags().Changed("storage-opt") {
		g.StorageOpts = append([]string{}, a.g.storageOpts...)
	}
	return g
}

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
	"go.podman.io/common/pkg/config"
	"go.podman.io/storage"
	"golang.org/x/sys/unix"
)

type pullFlags struct {
	registryFlags
	allTags           bool
	arch, os, variant string
	platform          string
	policy            string
}

func pullCmd(a *app, use string) *cobra.Command {
	f := &pullFlags{}
	cmd := &cobra.Command{
		Use:   use + " [options] IMAGE [IMAGE...]",
		Short: "Pull an image from a registry",
		Long:  "Pulls an image from a registry and stores it locally.\n\nAn image can be pulled by tag or digest. If a tag is not specified, the image with the 'latest' tag is pulled.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("requires at least 1 arg(s), only received 0")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runPull(cmd, a, f, args) },
		Example: `pod pull busybox
  pod pull --policy missing --tls-verify=false 127.0.0.1:5000/busybox:latest`,
	}
	fs := cmd.Flags()
	f.register(fs)
	fs.BoolVarP(&f.allTags, "all-tags", "a", false, "All tagged images in the repository will be pulled")
	fs.StringVar(&f.arch, "arch", "", "Use ARCH instead of the architecture of the machine for choosing images")
	fs.StringVar(&f.os, "os", "", "Use OS instead of the running OS for choosing images")
	fs.StringVar(&f.variant, "variant", "", "Use VARIANT instead of the running architecture variant for choosing images")
	fs.StringVar(&f.platform, "platform", "", "Specify the platform for selecting the image.  (Conflicts with arch and os)")
	fs.StringVar(&f.policy, "policy", "always", `Pull image policy ("always"|"missing"|"never"|"newer")`)
	return cmd
}

func runPull(cmd *cobra.Command, a *app, f *pullFlags, args []string) error {
	policy, err := config.ParsePullPolicy(f.policy)
	if err != nil {
		return classify(err, errdefs.ErrInvalidArgument)
	}
	if f.allTags && len(args) > 1 {
		return invalid("--all-tags accepts only one image")
	}
	opts := &libimage.PullOptions{AllTags: f.allTags}
	if err := f.apply(cmd, &opts.CopyOptions); err != nil {
		return err
	}
	opts.Architecture, opts.OS, opts.Variant = f.arch, f.os, f.variant
	if f.platform != "" {
		if f.arch != "" || f.os != "" {
			return invalid("--platform option can not be specified with --arch or --os")
		}
		parts := strings.Split(f.platform, "/")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return invalid("invalid platform %q: use OS/ARCH[/VARIANT]", f.platform)
		}
		opts.OS, opts.Architecture = parts[0], parts[1]
		if len(parts) == 3 {
			opts.Variant = parts[2]
		}
	}
	rt, err := a.Runtime()
	if err != nil {
		return err
	}
	for _, name := range args {
		imgs, err := pullOne(cmd, a, rt, name, policy, opts)
		if err != nil {
			return err
		}
		for _, img := range imgs {
			fmt.Println(img.ID())
		}
	}
	return nil
}

// pullOne pulls one image. Pulls by pod-image hold a shared lock for their
// whole duration; a failed pull takes the lock exclusively (so no other
// pod-image pull is in flight that could be about to reuse a layer) and
// removes the layers it left behind without an image, so a failure leaves
// the store as it was.
func pullOne(cmd *cobra.Command, a *app, rt *libimage.Runtime, name string, policy config.PullPolicy, opts *libimage.PullOptions) ([]*libimage.Image, error) {
	st := a.store.Storage()
	lock, err := openPullLock(a.store.RunRoot())
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_SH); err != nil {
		return nil, fmt.Errorf("locking %s: %w", lock.Name(), err)
	}
	before, err := layerSet(st)
	if err != nil {
		return nil, err
	}
	imgs, pullErr := rt.Pull(cmd.Context(), name, policy, opts)
	if pullErr == nil {
		return imgs, nil
	}
	// Upgrade to exclusive: release, then wait for every other pull.
	_ = unix.Flock(int(lock.Fd()), unix.LOCK_UN)
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		logrus.Warnf("Not cleaning up after failed pull of %s: locking %s: %v", name, lock.Name(), err)
		return nil, pullErr
	}
	if n, err := removeOrphanLayers(st, before); err != nil {
		logrus.Warnf("Cleaning up layers after failed pull of %s: %v", name, err)
	} else if n > 0 {
		logrus.Debugf("Removed %d layer(s) left by the failed pull of %s", n, name)
	}
	return nil, pullErr
}

func openPullLock(runRoot string) (*os.File, error) {
	dir := filepath.Join(runRoot, "pod-image")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	p := filepath.Join(dir, "pull.lock")
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening pull lock %s: %w", p, err)
	}
	return f, nil
}

func layerSet(st storage.Store) (map[string]bool, error) {
	layers, err := st.Layers()
	if err != nil {
		return nil, fmt.Errorf("listing layers: %w", err)
	}
	set := make(map[string]bool, len(layers))
	for _, l := range layers {
		set[l.ID] = true
	}
	return set, nil
}

// removeOrphanLayers deletes layers that are not in before and that no image
// or container uses (directly or as an ancestor), children first.
func removeOrphanLayers(st storage.Store, before map[string]bool) (int, error) {
	layers, err := st.Layers()
	if err != nil {
		return 0, fmt.Errorf("listing layers: %w", err)
	}
	parent := make(map[string]string, len(layers))
	for _, l := range layers {
		parent[l.ID] = l.Parent
	}
	used := map[string]bool{}
	mark := func(id string) {
		for id != "" && !used[id] {
			used[id] = true
			id = parent[id]
		}
	}
	imgs, err := st.Images()
	if err != nil {
		return 0, fmt.Errorf("listing images: %w", err)
	}
	for _, img := range imgs {
		mark(img.TopLayer)
		for _, l := range img.MappedTopLayers {
			mark(l)
		}
	}
	ctrs, err := st.Containers()
	if err != nil {
		return 0, fmt.Errorf("listing containers: %w", err)
	}
	for _, c := range ctrs {
		mark(c.LayerID)
	}
	orphans := map[string]bool{}
	for _, l := range layers {
		if !before[l.ID] && !used[l.ID] {
			orphans[l.ID] = true
		}
	}
	removed := 0
	for len(orphans) > 0 {
		progress := false
		for id := range orphans {
			hasChild := false
			for other := range orphans {
				if parent[other] == id {
					hasChild = true
					break
				}
			}
			if hasChild {
				continue
			}
			if err := st.DeleteLayer(id); err != nil && !isLayerUnknown(err) {
				return removed, fmt.Errorf("removing layer %s: %w", id, err)
			}
			delete(orphans, id)
			removed++
			progress = true
		}
		if !progress {
			return removed, fmt.Errorf("layers %v form a cycle", orphans)
		}
	}
	return removed, nil
}

func isLayerUnknown(err error) bool { return errors.Is(err, storage.ErrLayerUnknown) }

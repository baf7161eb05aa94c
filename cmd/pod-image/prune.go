package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"

	"github.com/pod-engine/pod/pkg/imagehelper"
)

func pruneCmd(a *app) *cobra.Command {
	var all, force, external, asJSON bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove unused images",
		Long: `Removes dangling images (without a name and not used by a container); with --all, every image no container uses.
With --external, images that only external containers (Buildah's, another engine's) use go too, with those containers.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !force {
				msg := "WARNING! This command removes all dangling images."
				if all {
					msg = "WARNING! This command removes all images without at least one container associated with them."
				}
				fmt.Print(msg + "\nAre you sure you want to continue? [y/N] ")
				answer, err := bufio.NewReader(os.Stdin).ReadString('\n')
				if err != nil && answer == "" {
					return err // Podman: "Error: EOF", exit 125
				}
				if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
					return nil
				}
			}
			rt, err := a.Runtime()
			if err != nil {
				return err
			}
			opts := &libimage.RemoveImagesOptions{
				Filters:  append(append([]string(nil), filters...), "readonly=false"),
				WithSize: true,
			}
			if !all {
				opts.Filters = append(opts.Filters, "dangling=true")
			}
			if external {
				// As Podman: an image whose containers are all external is
				// unused; libimage removes those containers with it.
				ours, err := a.podContainerIDs(cmd.Context())
				if err != nil {
					return err
				}
				opts.ExternalContainers = true
				opts.IsExternalContainerFunc = func(id string) (bool, error) { return !ours[id], nil }
				opts.Filters = append(opts.Filters, "containers=external")
			} else {
				opts.Filters = append(opts.Filters, "containers=false")
			}
			enc := json.NewEncoder(os.Stdout)
			// Removing an image can leave its parent dangling: repeat until
			// nothing more goes.
			for {
				reports, errs := rt.RemoveImages(cmd.Context(), nil, opts)
				if len(errs) > 0 {
					return joinErrors(errs, "")
				}
				for _, r := range reports {
					if asJSON {
						_ = enc.Encode(imagehelper.PrunedImage{ID: r.ID, Size: r.Size})
					} else {
						fmt.Println(r.ID)
					}
				}
				if len(reports) == 0 {
					return nil
				}
			}
		},
		Example: `pod image prune -f
  pod image prune -a -f --filter label=stage=build`,
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "Remove all images not in use by containers, not just dangling ones")
	fs.BoolVar(&external, "external", false, "Remove images even when they are used by external containers (e.g., by build containers)")
	fs.BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	fs.StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. 'label=<key>=<value>')")
	// --json is pod system prune's: one {"id","size"} object per removed image.
	fs.BoolVar(&asJSON, "json", false, "Print one JSON object (id, size) per removed image")
	_ = fs.MarkHidden("json")
	return cmd
}

// podContainerIDs asks pod (`$POD_BINARY ps -a -q --no-trunc`) for the IDs of
// its own containers: every other container of the store is external.
func (a *app) podContainerIDs(ctx context.Context) (map[string]bool, error) {
	pod := podBinary()
	if pod == "" {
		return nil, fmt.Errorf("--external needs pod's list of containers: run it as `pod image prune --external` (%s is not set)", imagehelper.EnvPodBinary)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, pod, append(a.globalFlags().Args(), "ps", "--all", "--quiet", "--no-trunc")...)
	c.Cancel = func() error { return c.Process.Signal(syscall.SIGTERM) }
	c.WaitDelay = 10 * time.Second
	var stderr strings.Builder
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		return nil, fmt.Errorf("listing pod's containers with %s ps: %s: %w", pod, strings.TrimSpace(stderr.String()), err)
	}
	ids := map[string]bool{}
	for _, id := range strings.Fields(string(out)) {
		ids[id] = true
	}
	return ids, nil
}

// dfCmd is the hidden `image df` that `pod system df` runs: libimage's
// disk usage of every image as one JSON object (imagehelper.DiskUsageReport).
func dfCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "df",
		Short:  "Print the disk usage of the images as JSON (for pod system df)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rt, err := a.Runtime()
			if err != nil {
				return err
			}
			usage, total, err := rt.DiskUsage(cmd.Context())
			if err != nil {
				return err
			}
			rep := imagehelper.DiskUsageReport{Images: make([]imagehelper.ImageUsage, 0, len(usage)), TotalSize: total}
			for _, u := range usage {
				rep.Images = append(rep.Images, imagehelper.ImageUsage{
					ID: u.ID, Repository: u.Repository, Tag: u.Tag, Created: u.Created,
					Size: u.Size, SharedSize: u.SharedSize, UniqueSize: u.UniqueSize, Containers: u.Containers,
				})
			}
			return json.NewEncoder(os.Stdout).Encode(rep)
		},
	}
}

package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
)

func pruneCmd(a *app) *cobra.Command {
	var all, force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove unused images",
		Long:  "Removes dangling images (without a name and not used by a container); with --all, every image no container uses.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !force {
				msg := "WARNING! This command removes all dangling images."
				if all {
					msg = "WARNING! This command removes all images without at least one container associated with them."
				}
				fmt.Print(msg + "\nAre you sure you want to continue? [y/N] ")
				answer, err := bufio.NewReader(os.Stdin).ReadString('\n')
				if err != nil && answer == "" {
					return fmt.Errorf("reading input: %w", err)
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
				Filters:  append(append([]string(nil), filters...), "containers=false", "readonly=false"),
				WithSize: true,
			}
			if !all {
				opts.Filters = append(opts.Filters, "dangling=true")
			}
			// Removing an image can leave its parent dangling: repeat until
			// nothing more goes.
			for {
				reports, errs := rt.RemoveImages(cmd.Context(), nil, opts)
				if len(errs) > 0 {
					return joinErrors(errs, "")
				}
				for _, r := range reports {
					fmt.Println(r.ID)
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
	fs.BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	fs.StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. 'label=<key>=<value>')")
	return cmd
}

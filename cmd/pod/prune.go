package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
)

func init() {
	containerCommands = append(containerCommands, containerPruneCommand)
}

func containerPruneCommand() *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove all non running containers",
		Long: `Remove all stopped, exited and created containers that match the filters
(label=KEY[=VALUE], label!=KEY[=VALUE], until=TIMESTAMP|DURATION).`,
		Example: `  pod container prune -f
  pod container prune --filter until=24h --filter label=stage=test -f`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("`%s` takes no arguments", cmd.CommandPath())
			}
			if !force {
				if ok, err := confirm("WARNING! This will remove all non running containers.\n"); !ok {
					return err
				}
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				reports, err := rt.PruneContainers(cmd.Context(), filters)
				if err != nil {
					return err
				}
				var errs errTail
				for _, r := range reports {
					if r.Err != nil {
						errs.add(r.Err)
						continue
					}
					fmt.Println(r.ID)
				}
				return errs.err()
			})
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation.  The default is false")
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. 'label=<key>=<value>')")
	return cmd
}

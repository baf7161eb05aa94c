package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() { commands = append(commands, healthcheckCommand) }

// healthcheckCommand is `pod healthcheck run`: exit 0 when healthy, 1 (and
// the status printed) when unhealthy or still starting, 125 on errors.
func healthcheckCommand() *cobra.Command {
	hc := &cobra.Command{Use: "healthcheck", Short: "Manage health checks on containers", RunE: subcommandRequired, Args: cobra.ArbitraryArgs}
	run := &cobra.Command{
		Use:   "run CONTAINER",
		Short: "Run the health check of a container",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				c, err := rt.LookupContainer(args[0])
				if err != nil {
					return fmt.Errorf("unable to look up %s to perform a health check: %w", args[0], err)
				}
				status, err := c.HealthCheck(cmd.Context())
				if err != nil {
					return err
				}
				if status != "healthy" {
					fmt.Println(status)
					return &errdefs.ExitCodeError{Code: 1}
				}
				return nil
			})
		},
	}
	hc.AddCommand(run)
	return hc
}

package main

import (
	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, systemCommand)
}

// systemCommand groups the verbs on pod as a whole.
func systemCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "system", Short: "Manage pod", RunE: subcommandRequired, Args: cobra.ArbitraryArgs}
	migrate := &cobra.Command{
		Use:   "migrate [options]",
		Short: "Migrate containers",
		Long:  "Migrate containers to the latest version of pod: for an ordinary user, stop the pause process so that the next command builds the user namespace anew (after /etc/subuid or /etc/subgid changed).",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return migrateRootless()
		},
	}
	cmd.AddCommand(migrate)
	return cmd
}

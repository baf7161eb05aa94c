package main

// Podman's commands for a remote service or a virtual machine: `system
// connection`, `system service` and `machine`. pod has neither a service
// (no daemon, ever) nor machines (it runs containers on this host), so
// these commands exist, as a Podman user's scripts expect, and say so:
// `system connection list` lists no connection, every command that would
// create, use or change one is refused (exit 125) with the reason and what
// to do instead.

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"go.podman.io/common/pkg/report"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func init() {
	commands = append(commands, machineCommand)
}

// refusedCommand is a command that always fails with why.
func refusedCommand(use, short, why string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short + " (refused: pod has none)",
		// Any flag or argument: the command is refused whatever it is given.
		FParseErrWhitelist: cobra.FParseErrWhitelist{UnknownFlags: true},
		Args:               cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return fmt.Errorf("%s: %s: %w", cmd.CommandPath(), why, errdefs.ErrNotImplemented)
		},
	}
}

const (
	noService = "pod has no API service and no remote connections: it runs without a daemon and manages containers on this host only; run pod on the host that holds the containers"
	noMachine = "pod has no virtual machines: it runs containers on this host directly (podman machine starts a VM for remote podman); run pod itself here"
)

func systemConnectionCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "connection",
		Short: "Manage remote API service destinations (pod has none)",
		Args:  cobra.ArbitraryArgs,
		RunE:  subcommandRequired,
	}
	var format string
	var quiet bool
	list := &cobra.Command{
		Use:     "list [options]",
		Aliases: []string{"ls"},
		Short:   "List destination for the Podman service(s): pod has none",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if quiet {
				return nil
			}
			if report.IsJSON(format) {
				fmt.Println("[]")
				return nil
			}
			origin, tmpl := report.OriginPodman, "{{range .}}{{.Name}}\t{{.URI}}\t{{.Identity}}\t{{.Default}}\n{{end -}}"
			if format != "" {
				origin, tmpl = report.OriginUser, report.EnforceRange(report.NormalizeFormat(format))
			}
			rpt, err := report.New(os.Stdout, cmd.Name()).Parse(origin, tmpl)
			if err != nil {
				return fmt.Errorf("--format %q: %v: %w", format, err, errdefs.ErrInvalidArgument)
			}
			defer rpt.Flush()
			type conn struct{ Name, URI, Identity, Default string }
			if rpt.RenderHeaders {
				if err := rpt.Execute(report.Headers(conn{}, nil)); err != nil {
					return err
				}
			}
			return rpt.Execute([]conn{})
		},
	}
	list.Flags().StringVar(&format, "format", "", "Custom Go template for printing connections")
	list.Flags().BoolVarP(&quiet, "quiet", "q", false, "Custom Go template for printing connections")
	cmd.AddCommand(list,
		refusedCommand("add [options] NAME DESTINATION", "Record destination for the Podman service", noService),
		refusedCommand("default NAME", "Set named destination as default", noService),
		refusedCommand("remove [options] NAME", "Delete named destination", noService),
		refusedCommand("rename OLD NEW", "Rename \"old\" to \"new\"", noService))
	return cmd
}

func systemServiceCommand() *cobra.Command {
	return refusedCommand("service [options] [URI]", "Run API service", noService)
}

func machineCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "machine",
		Short: "Manage a virtual machine (pod has none)",
		Args:  cobra.ArbitraryArgs,
		RunE:  subcommandRequired,
	}
	for _, s := range [][2]string{
		{"info", "Display machine host info"}, {"init [options] [NAME]", "Initialize a virtual machine"},
		{"inspect [options] [MACHINE...]", "Inspect an existing machine"}, {"list [options]", "List machines"},
		{"os", "Manage a Podman virtual machine's OS"}, {"rm [options] [MACHINE]", "Remove an existing machine"},
		{"set [options] [NAME]", "Set a virtual machine setting"}, {"ssh [options] [NAME] [COMMAND [ARG ...]]", "SSH into an existing machine"},
		{"start [options] [MACHINE]", "Start an existing machine"}, {"stop [MACHINE]", "Stop an existing machine"},
	} {
		c := refusedCommand(s[0], s[1], noMachine)
		if s[0] == "list [options]" {
			c.Aliases = []string{"ls"}
		}
		cmd.AddCommand(c)
	}
	return cmd
}

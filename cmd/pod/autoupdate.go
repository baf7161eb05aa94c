package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/autoupdate"
	"github.com/pod-engine/pod/pkg/autoupdate/sdunits"
)

// `pod auto-update` (pkg/autoupdate; units restarted by pkg/autoupdate/sdunits).

func init() {
	commands = append(commands, autoUpdateCommand)
}

func autoUpdateCommand() *cobra.Command {
	var (
		o      libpod.AutoUpdateOptions
		format string
	)
	cmd := &cobra.Command{
		Use:   "auto-update [options]",
		Short: "Auto update containers according to their auto-update policy",
		Long: `Auto update containers according to their auto-update policy.

Auto-update policies are specified with the "io.containers.autoupdate" label.
Containers are expected to run in systemd units created with "pod generate systemd --new",
or pod-quadlet units (AutoUpdate=), that create new containers in order to run the updated images.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				units := &sdunits.Systemd{}
				defer units.Close()
				reports, errs := rt.AutoUpdate(cmd.Context(), o, units)
				if err := printAutoUpdate(format, reports); err != nil {
					return err
				}
				if len(errs) == 0 {
					return nil
				}
				// Every error is printed; the last is the command's (exit 125).
				for _, e := range errs[:len(errs)-1] {
					fmt.Fprintln(os.Stderr, "Error: "+e.Error())
				}
				return errs[len(errs)-1]
			})
		},
		Example: `pod auto-update
  pod auto-update --dry-run --format "{{.Unit}} {{.Updated}}"
  pod auto-update --authfile ~/authfile.json`,
	}
	fs := cmd.Flags()
	fs.StringVar(&o.AuthFile, "authfile", os.Getenv("REGISTRY_AUTH_FILE"), "Path to the authentication file. Use REGISTRY_AUTH_FILE environment variable to override")
	fs.BoolVar(&o.DryRun, "dry-run", false, "Check for pending updates")
	fs.StringVar(&format, "format", "", "Change the output format to JSON or a Go template")
	fs.BoolVar(&o.Rollback, "rollback", true, "Rollback to previous image if update fails")
	return cmd
}

func printAutoUpdate(format string, reports []autoupdate.Report) error {
	if isJSONFormat(format) {
		if reports == nil {
			reports = []autoupdate.Report{}
		}
		return printJSON(reports)
	}
	if len(reports) == 0 && format == "" {
		return nil
	}
	return printReport(os.Stdout, reportSpec{Name: "auto-update", Format: format,
		Default: "{{.Unit}}\t{{.Container}}\t{{.Image}}\t{{.Policy}}\t{{.Updated}}", HeaderOf: autoupdate.Report{}}, reports)
}

package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
)

// `pod system`: df, prune, reset, renumber, migrate (this file and
// system_df.go); the work is libpod's (libpod/system.go).

func init() {
	commands = append(commands, systemCommand)
}

func systemCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "system",
		Short: "Manage pod",
		Long:  "Manage pod: disk usage, pruning, reset and migration of the engine's containers, images and state",
		Args:  cobra.ArbitraryArgs,
		RunE:  subcommandRequired,
	}
	cmd.AddCommand(systemDfCommand(), systemPruneCommand(), systemResetCommand(),
		systemRenumberCommand(), systemMigrateCommand(), systemConnectionCommand(), systemServiceCommand(), infoCommand())
	return cmd
}

// confirm prints Podman's warning and question and reports whether the
// user answered y or yes. No answer at all (stdin at its end) is Podman's
// "Error: EOF", exit 125.
func confirm(warning string) (bool, error) {
	fmt.Print(warning + "Are you sure you want to continue? [y/N] ")
	answer, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && answer == "" {
		return false, err
	}
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes", nil
}

func systemPruneCommand() *cobra.Command {
	var o libpod.SystemPruneOptions
	var force bool
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove unused data",
		Long: `Remove unused data: every stopped container, then every dangling image (with --all,
every image no container uses), again until nothing more goes. --filter (label=KEY[=VALUE],
label!=KEY[=VALUE], until=TIMESTAMP|DURATION) narrows both.`,
		Example: `  pod system prune
  pod system prune -a -f --filter until=24h`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !force {
				if ok, err := confirm(systemPruneWarning(o.All, o.Volumes)); !ok {
					return err
				}
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				if o.Volumes {
					// The volume verbs' filter rules (label, label!, until).
					match, err := volumeFilter(rt, o.Filters, true)
					if err != nil {
						return err
					}
					o.VolumeMatch = match
				}
				rep, err := rt.SystemPrune(cmd.Context(), o)
				if rep != nil {
					printPruned("Deleted Containers", rep.Containers)
					printPrunedVolumes(rep.Volumes)
					if len(rep.Images) > 0 {
						fmt.Println("Deleted Images")
						for _, i := range rep.Images {
							fmt.Println(i.ID)
						}
					}
				}
				if err != nil {
					return err
				}
				fmt.Printf("Total reclaimed space: %s\n", humanSize(rep.Reclaimed))
				return nil
			})
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&o.All, "all", "a", false, "Remove all unused data")
	fs.StringArrayVar(&o.Filters, "filter", nil, "Provide filter values (e.g. 'label=<key>=<value>')")
	fs.BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation.  The default is false")
	fs.BoolVar(&o.Volumes, "volumes", false, "Prune volumes")
	return cmd
}

// systemPruneWarning is Podman 4.3's question, word for word.
func systemPruneWarning(all, volumes bool) string {
	var b strings.Builder
	b.WriteString("WARNING! This command removes:\n\t- all stopped containers\n\t- all networks not used by at least one container\n")
	if volumes {
		b.WriteString("\t- all volumes not used by at least one container\n")
	}
	if all {
		b.WriteString("\t- all images without at least one container associated with them\n\t- all build cache\n")
	} else {
		b.WriteString("\t- all dangling images\n\t- all dangling build cache\n")
	}
	return b.String() + "\n"
}

// printPrunedVolumes prints the removed volumes' names under Podman's
// heading, and the failures as errors.
func printPrunedVolumes(reports []libpod.VolumePruneReport) {
	var ok []string
	for _, r := range reports {
		if r.Err != nil {
			fmt.Fprintf(os.Stderr, "Error: %v\n", r.Err)
			continue
		}
		ok = append(ok, r.Name)
	}
	if len(ok) > 0 {
		fmt.Println("Deleted Volumes")
		fmt.Println(strings.Join(ok, "\n"))
	}
}

// printPruned prints the removed containers' IDs under a heading, as
// Podman's system prune does, and the failures as errors.
func printPruned(heading string, reports []libpod.PruneReport) {
	var ok []string
	for _, r := range reports {
		if r.Err != nil {
			fmt.Fprintf(os.Stderr, "Error: %v\n", r.Err)
			continue
		}
		ok = append(ok, r.ID)
	}
	if len(ok) > 0 {
		fmt.Println(heading)
		fmt.Println(strings.Join(ok, "\n"))
	}
}

func systemResetCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "reset [options]",
		Short: "Reset pod storage",
		Long: `Reset pod storage back to default state

  All containers will be stopped and removed, and all images, secrets, volumes and container content
  will be removed, with the state database, the graph root and the run root.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rt, err := newRuntime()
			if err != nil {
				return err
			}
			p := rt.Paths()
			if !force {
				ok, err := confirm(fmt.Sprintf(`WARNING! This will remove:
        - all containers
        - all pods
        - all images
        - all networks
        - all build cache
        - all machines
        - all volumes
        - the graphRoot directory: %q
        - the runRoot directory: %q
`, p.GraphRoot, p.RunRoot))
				if !ok {
					rt.Shutdown()
					return err
				}
			}
			return rt.Reset(cmd.Context())
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	return cmd
}

func systemRenumberCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "renumber",
		Short: "Migrate lock numbers",
		Long: `Migrate lock numbers to handle a change in maximum number of locks.

Podman numbers its container locks from a fixed pool (num_locks) and must renumber them when the
pool changes. pod's locks are files named by container ID, made on first use, so there is nothing
to renumber: pod system renumber only checks that the state database opens, and exits 0.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRuntime(func(rt *libpod.Runtime) error { return rt.Renumber() })
		},
	}
}

func systemMigrateCommand() *cobra.Command {
	var newRuntime string
	cmd := &cobra.Command{
		Use:   "migrate [options]",
		Short: "Migrate containers",
		Long: `Migrate existing containers to a new version of pod.

Every running container is stopped ("stopped ID" is printed for each). With --new-runtime, every
container records that runtime (a name, an alias, a shim type or an absolute path; any runtime kind)
and uses it from its next start. For an ordinary user, the pause process that keeps the user
namespace is stopped, so that the next command builds it anew (after /etc/subuid or /etc/subgid
changed).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if migrateUnjoined() {
				return migrateRootless()
			}
			err := withRuntime(func(rt *libpod.Runtime) error {
				return rt.Migrate(cmd.Context(), newRuntime, func(id string) { fmt.Printf("stopped %s\n", id) })
			})
			if err != nil {
				return err
			}
			// An ordinary user's pause process goes too: the next command
			// builds the user namespace anew (system_migrate_rootless.go).
			return migrateRootless()
		},
	}
	cmd.Flags().StringVar(&newRuntime, "new-runtime", "", "Specify a new runtime for all containers")
	return cmd
}

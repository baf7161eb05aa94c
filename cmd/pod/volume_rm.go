package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
)

// volumeExit gives volume rm's errors Podman's exit codes: 1 for a volume
// that does not exist, 2 for one in use, 125 for the rest.
func volumeExit(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, libpod.ErrVolumeInUse):
		return &errdefs.ExitCodeError{Code: 2, Err: err}
	case errors.Is(err, errdefs.ErrNotFound):
		return &errdefs.ExitCodeError{Code: 1, Err: err}
	}
	return err
}

func volumeRmCommand() *cobra.Command {
	var all, force bool
	var timeout uint
	cmd := &cobra.Command{
		Use:     "rm [options] VOLUME [VOLUME...]",
		Aliases: []string{"remove"},
		Short:   "Remove one or more volumes",
		Long:    `Remove one or more volumes. A volume containers use is refused unless --force, which removes those containers first.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return usageError("choose either one or more volumes or all")
			}
			var t *uint
			if cmd.Flags().Changed("time") {
				t = &timeout
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				if all {
					vols, err := rt.Volumes()
					if err != nil {
						return err
					}
					for _, v := range vols {
						args = append(args, v.Name())
					}
				}
				var errs []error
				for _, a := range args {
					err := rt.RemoveVolume(cmd.Context(), a, force, t)
					switch {
					case err == nil:
						fmt.Println(a)
					case force && errors.Is(err, errdefs.ErrNotFound):
					case all && errors.Is(err, libpod.ErrVolumeInUse):
						errs = append(errs, err)
					default:
						errs = append(errs, err)
					}
				}
				return volumeExit(lastError(errs))
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&all, "all", "a", false, "Remove all volumes")
	fl.BoolVarP(&force, "force", "f", false, "Remove a volume by force, even if it is being used by a container")
	fl.UintVarP(&timeout, "time", "t", 10, "Seconds to wait for running containers to stop before killing the container")
	return cmd
}

func volumePruneCommand() *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove all unused volumes",
		Long:  `Remove every volume no container uses; --filter label=KEY[=VALUE], label!=…, until=… narrow the selection.`,
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				match, err := volumeFilter(rt, filters, true)
				if err != nil {
					return err
				}
				if !force {
					fmt.Println("WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:")
					n, err := listPrunable(rt, match)
					if err != nil {
						return err
					}
					if n == 0 {
						fmt.Println("No dangling volumes found")
						return nil
					}
					if ok, err := confirm(""); !ok {
						return err
					}
				}
				reports, err := rt.PruneVolumes(cmd.Context(), match)
				if err != nil {
					return err
				}
				var errs []error
				for _, r := range reports {
					if r.Err != nil {
						errs = append(errs, r.Err)
						continue
					}
					fmt.Println(r.Name)
				}
				return lastError(errs)
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	fl.StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. 'label=<key>=<value>')")
	return cmd
}

// listPrunable prints the volumes prune would remove and counts them.
func listPrunable(rt *libpod.Runtime, match func(*libpod.Volume) bool) (int, error) {
	vols, err := rt.Volumes()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, v := range vols {
		if d, err := v.Dangling(); err == nil && d && match(v) {
			fmt.Println(v.Name())
			n++
		}
	}
	return n, nil
}

func volumeExportCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export [options] VOLUME",
		Short: "Export volumes",
		Long:  `Export the contents of a volume as a tar archive, to --output or to stdout, which must not be a terminal.`,
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" && term.IsTerminal(int(os.Stdout.Fd())) {
				return usageError("expects output path, use --output=[path]")
			}
			return withRuntime(func(rt *libpod.Runtime) error {
				v, err := rt.LookupVolume(args[0])
				if errors.Is(err, errdefs.ErrNotFound) {
					return errdefs.WithClass(fmt.Errorf("no such volume %s", args[0]), errdefs.ErrNotFound) // Podman's words
				}
				if err != nil {
					return err
				}
				if output == "" {
					err := v.Export(os.Stdout)
					if errors.Is(err, syscall.EPIPE) {
						return nil
					}
					return err
				}
				f, err := os.Create(output)
				if err != nil {
					return fmt.Errorf("creating the export file: %w", err)
				}
				err = v.Export(f)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					return errors.Join(err, os.Remove(output))
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "Write to a specified file (default: stdout, which must be redirected)")
	return cmd
}

func volumeImportCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "import VOLUME [SOURCE|-]",
		Short: "Import a tarball contents into a volume",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				v, err := rt.LookupVolume(args[0])
				if err != nil {
					return err
				}
				var in io.Reader = os.Stdin
				if args[1] != "-" {
					f, err := os.Open(args[1])
					if err != nil {
						return notFoundIfMissing(err)
					}
					defer f.Close()
					in = f
				}
				return v.Import(in)
			})
		},
	}
}

func volumeMountCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "mount VOLUME [VOLUME...]",
		Short: "Mount volume",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				var errs []error
				for _, a := range args {
					p, err := rt.MountVolume(cmd.Context(), a)
					if err != nil {
						errs = append(errs, err)
						continue
					}
					fmt.Println(p)
				}
				return lastError(errs)
			})
		},
	}
}

func volumeUnmountCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "unmount VOLUME [VOLUME...]",
		Aliases: []string{"umount"},
		Short:   "Unmount volume",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				var errs []error
				for _, a := range args {
					if err := rt.UnmountVolume(a); err != nil {
						errs = append(errs, err)
						continue
					}
					fmt.Println(a)
				}
				return lastError(errs)
			})
		},
	}
}
